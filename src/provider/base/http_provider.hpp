#pragma once

// Internal to provider/: the base of every provider that speaks HTTP. It
// owns what all of them share: base_url / ca_file / timeouts / retries keys,
// secret access (real, or "[redacted]" for --dry-run), bounded retries when
// the provider surely did not act, the generic failure mapping, redacted
// tracing and the credential check. A kind only builds its requests and
// reads its answers.

#include "provider/base/check_outcome.hpp"
#include "provider/base/provider.hpp"
#include "provider/base/spec_reader.hpp"
#include "provider/base/status_outcome.hpp"
#include "provider/http/transport.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace smsotp::provider {

// Secret values of one provider, read on demand. In redacting mode every
// value is "[redacted]" and nothing is read, so --dry-run works without
// access to the secrets.
class Secrets
{
public:
  // `cache`, if given, keeps values read once for later requests.
  Secrets(const core::ProviderSpec& spec,
          bool config_private,
          bool redact,
          std::map<std::string, std::string>* cache = nullptr);
  std::string get(const std::string& name) const;
  bool redacting() const;

private:
  const core::ProviderSpec& m_spec;
  bool m_config_private;
  bool m_redact;
  std::map<std::string, std::string>* m_cache;
};

struct HttpKind
{
  std::string kind;                      // "twilio"
  std::string default_base_url;          // "https://api.twilio.com"
  std::vector<std::string> keys;         // kind-specific keys
  std::vector<std::string> secret_names; // e.g. {"auth_token"}
};

class HttpProvider : public Provider
{
public:
  ProviderInfo info() const override;
  // Builds a send request for a placeholder message, which reads every
  // secret a real send needs: a missing or unsafe secret fails here,
  // before a code is issued.
  void prepare() override;
  core::SendResult send(const core::Message& message) override;
  std::string describe_request(const core::Message& message) const override;
  core::CheckResult check() override;
  bool reports_delivery() const override;
  core::DeliveryReport delivery_status(const std::string& message_id,
                                       const std::string& to) override;

  // What send() and check() report for `response` once the exchange is
  // over: exactly their path after the network, without the trace. A seam
  // for tests and fuzzing (tests/fuzz/): no request is made.
  core::SendResult send_outcome(const HttpResponse& response) const;
  core::CheckResult check_outcome(const HttpResponse& response) const;
  core::DeliveryReport status_outcome(const HttpResponse& response) const;

protected:
  HttpProvider(core::ProviderSpec spec,
               const ProviderContext& context,
               HttpKind kind);

  const SpecReader& reader() const;
  const std::string& name() const;
  // base_url without a trailing slash.
  const std::string& base_url() const;

  // What `providers` shows as the sender.
  virtual std::string sender() const = 0;
  virtual HttpRequest build_send(const core::Message& message,
                                 const Secrets& secrets) const = 0;
  // Called for 2xx and for 4xx other than 401/403/429.
  virtual core::SendResult
  interpret_send(const HttpResponse& response) const = 0;
  virtual HttpRequest build_check(const Secrets& secrets) const = 0;
  // Called for 2xx and 4xx other than 401/403/429 (check_outcome.hpp maps
  // the rest). "Accepted" only for a 2xx of the shape the kind documents
  // for its check endpoint (check_accepted()); any other answer is
  // check_unexpected(), or credentials_rejected for the kind's own
  // credential error codes (check_outcome.hpp).
  virtual core::CheckResult
  interpret_check(const HttpResponse& response) const = 0;
  // The request for one sent message's status, or nullopt (the default)
  // for a kind without a message-status API.
  virtual std::optional<HttpRequest> build_status(const std::string& message_id,
                                                  const std::string& to,
                                                  const Secrets& secrets) const;
  // Called for 2xx and 4xx other than 401/403/429 (status_outcome.hpp
  // maps the rest).
  virtual core::DeliveryReport
  interpret_status(const HttpResponse& response) const;

  // Helpers for kinds.
  core::SendResult sent(const std::string& message_id) const;
  core::SendResult failed(core::SendStatus status,
                          const std::string& detail) const;

private:
  // Sends with bounded retries while the failure proves the provider did
  // not act (cannot connect; 429). Appends redacted trace lines.
  HttpResponse exchange(const HttpRequest& request,
                        std::vector<std::string>& trace) const;

  core::ProviderSpec m_spec;
  SpecReader m_reader;
  HttpKind m_kind;
  bool m_config_private;
  std::string m_base_url;
  HttpOptions m_http;
  std::int64_t m_retries = 2;
  std::map<std::string, std::string> m_secret_cache;
};

// A request that asks for JSON and authenticates with HTTP Basic
// user:password, which libcurl writes (a dry run shows "[redacted]").
HttpRequest basic_auth_request(std::string method,
                               std::string url,
                               std::string user,
                               std::string password);

// "POST https://host/path" without the query string, which may carry
// credentials in some APIs.
std::string redacted_target(const HttpRequest& request);

} // namespace smsotp::provider
