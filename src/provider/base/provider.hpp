#pragma once

// The Provider interface: one configured way to deliver an SMS. Each kind
// lives in its own file and registers a factory in registry.cpp. Failures
// to deliver are SendResult values; only local faults (bad configuration,
// unreadable secrets, a full disk) throw smsotp::Error.

#include "core/config.hpp"
#include "core/secret.hpp"
#include "core/types.hpp"
#include "util/gate.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace smsotp::provider {

// What `smsotp providers` shows. Never holds a secret value.
struct ProviderInfo
{
  std::string name;
  std::string kind;
  std::string sender;   // From number, service id or output path
  std::string endpoint; // base URL or file
  std::vector<std::pair<std::string, core::SecretRef>> secrets;
};

// Settings that come from the run rather than the provider's table.
struct ProviderContext
{
  bool config_private = false; // inline secrets allowed
  int stdout_fd = 1;           // where the file provider's "-" writes
  // send's hold on delivery (issue 9 item 5): a provider may get ready
  // (connect, shake hands) but writes nothing of a message before `hold`
  // opens, and nothing at all once it is cancelled. Null: no hold.
  const util::Gate* hold = nullptr;
};

class Provider
{
public:
  virtual ~Provider() = default;

  virtual ProviderInfo info() const = 0;

  // Reads and checks everything send() needs locally (secrets, the output
  // file), so that a local fault surfaces before a code is issued. Not done
  // at construction: listing providers never needs secrets. Throws Error.
  virtual void prepare() = 0;

  // Delivers one message; prepare() must have succeeded.
  virtual core::SendResult send(const core::Message& message) = 0;

  // The exact request send() would make, with credentials replaced by
  // "[redacted]". The caller passes a message whose code is already masked.
  virtual std::string describe_request(const core::Message& message) const = 0;

  // Proves the credentials without sending a message (an account or
  // balance endpoint).
  virtual core::CheckResult check() = 0;

  // True if the kind can ask the provider what became of a sent message
  // (a message-status API); `providers test --wait` needs it.
  virtual bool reports_delivery() const
  {
    return false;
  }

  // One look at the delivery state of the message that send() returned
  // `message_id` for, sent to `to` (E.164). Only when reports_delivery().
  // Network trouble is `pending` (ask again); throws Error for local
  // faults only.
  virtual core::DeliveryReport delivery_status(const std::string& message_id,
                                               const std::string& to)
  {
    static_cast<void>(message_id);
    static_cast<void>(to);
    core::DeliveryReport report;
    report.detail = "this provider kind has no message-status API";
    return report;
  }
};

// Builds the provider described by `spec`; throws Error(config) for unknown
// kinds and keys, with a "did you mean" where one fits.
std::unique_ptr<Provider> make_provider(const core::ProviderSpec& spec,
                                        const ProviderContext& context);

// The kinds this build knows, in the order `providers` lists them.
std::vector<std::string> provider_kinds();

// The keys of `kind` that hold a secret when set inline (each also takes
// NAME_file and NAME_env): the very list the kind reads. No value for a
// kind this build does not know.
std::optional<std::vector<std::string>> secret_names(const std::string& kind);

// The names some kind uses for a secret and no kind uses for a plain value
// (so not Vonage's api_key): how a table of unknown kind is judged.
std::vector<std::string> unambiguous_secret_names();

} // namespace smsotp::provider
