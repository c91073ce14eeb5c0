// `providers check` and `providers test`: prove credentials without sending,
// or send one plain message that is not a code.

#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "cli/provider_use.hpp"
#include "core/error.hpp"
#include "phone/phone.hpp"
#include "phone/policy.hpp"
#include "provider/base/keylog.hpp"
#include "util/interrupt.hpp"
#include "util/string.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>

namespace smsotp::cli {

namespace {

using CheckStatus = core::CheckResult::Status;

// The exit status names the most actionable problem: a local fault, then
// rejected credentials, then an unexpected answer, then "try later".
int rank(CheckStatus status)
{
  switch (status) {
    case CheckStatus::ok:
      return 0;
    case CheckStatus::unreachable:
    case CheckStatus::rate_limited:
      return 1;
    case CheckStatus::unexpected_answer:
      return 2;
    case CheckStatus::credentials_rejected:
      return 3;
    case CheckStatus::config_error:
      return 4;
  }
  return 2;
}

core::ExitCode exit_for(CheckStatus status)
{
  switch (status) {
    case CheckStatus::ok:
      return core::ExitCode::success;
    case CheckStatus::unreachable:
    case CheckStatus::rate_limited:
      return core::ExitCode::temporary;
    case CheckStatus::unexpected_answer:
      return core::ExitCode::refused;
    case CheckStatus::credentials_rejected:
      return core::ExitCode::permission;
    case CheckStatus::config_error:
      return core::ExitCode::config;
  }
  return core::ExitCode::internal;
}

// The status word of a local fault that stopped one provider's check; it
// names the same class as the exit code the fault decides.
std::string local_fault_status(core::ExitCode code)
{
  if (code == core::ExitCode::permission) {
    return "permission_error"; // an unsafe or unreadable secret file
  }
  return std::string(core::check_status_name(CheckStatus::config_error));
}

void warn_about_keylog(const Output& out)
{
  if (provider::take_keylog_warning()) {
    out.warn("SSLKEYLOGFILE was ignored: TLS keys in a file would expose "
             "provider credentials and codes");
  }
}

} // namespace

int run_providers_check(const GlobalOptions& global,
                        const ProvidersOptions& options,
                        const Output& out,
                        const util::Clock& clock)
{
  const auto context = make_context(global, out, clock);
  std::vector<std::string> wanted = options.names;
  if (wanted.empty()) {
    for (const auto& spec : context.config.providers) {
      wanted.push_back(spec.name);
    }
  }
  if (wanted.empty()) {
    throw Error(core::ExitCode::config,
                "no providers configured; add a [provider.NAME] table");
  }
  nlohmann::json results = nlohmann::json::array();
  auto worst = CheckStatus::ok;
  std::optional<std::int64_t> retry_after;
  // A local fault (unreadable or unsafe secret) is reported for its
  // provider and the others are still checked; it decides the exit status.
  std::optional<core::ExitCode> local_fault;
  for (const auto& name : wanted) {
    const auto providers = make_providers(context, name, "providers NAME");
    const auto info = providers.front()->info();
    core::CheckResult result;
    try {
      result = providers.front()->check();
    } catch (const Error& fault) {
      local_fault = std::max(local_fault.value_or(fault.code()), fault.code());
      const auto status = local_fault_status(fault.code());
      out.data(info.name + "\t" + status + "\t" + fault.what());
      results.push_back({{"name", info.name},
                         {"kind", info.kind},
                         {"ok", false},
                         {"status", status},
                         {"detail", fault.what()},
                         {"exit_code", static_cast<int>(fault.code())}});
      continue;
    }
    for (const auto& line : result.trace) {
      out.detail(line);
    }
    if (util::interrupt_signal() != 0) {
      throw Error(core::ExitCode::interrupted,
                  "interrupted during providers check; nothing was sent");
    }
    if (rank(result.status) > rank(worst)) {
      worst = result.status;
    }
    if (result.retry_after) {
      retry_after = std::max(retry_after.value_or(0), *result.retry_after);
    }
    const std::string status(core::check_status_name(result.status));
    out.data(info.name + "\t" + status + "\t" + result.detail
             + (result.balance ? "\tbalance " + *result.balance : ""));
    nlohmann::json entry{{"name", info.name},
                         {"kind", info.kind},
                         {"ok", result.status == CheckStatus::ok},
                         {"status", status},
                         {"detail", result.detail}};
    if (result.balance) {
      entry["balance"] = *result.balance;
    }
    if (result.retry_after) {
      entry["retry_after"] = *result.retry_after;
    }
    results.push_back(entry);
  }
  warn_about_keylog(out);
  const bool all_ok = !local_fault && worst == CheckStatus::ok;
  nlohmann::json summary{{"ok", all_ok}, {"providers", results}};
  const auto code = local_fault.value_or(exit_for(worst));
  if (code == core::ExitCode::success) {
    out.result(summary);
    return 0;
  }
  // A failed check leaves through cli's one catch like every failure: under
  // --json the same object beside "error", which carries the retry-after.
  std::vector<std::string> failed;
  for (const auto& entry : results) {
    if (entry["ok"] == false) {
      failed.push_back(entry["name"].get<std::string>() + " ("
                       + entry["status"].get<std::string>() + ")");
    }
  }
  const std::string message =
      "providers check failed: " + util::join(failed, ", ");
  Error failure = code == core::ExitCode::temporary && retry_after
                      ? Error(code, message, *retry_after)
                      : Error(code, message);
  throw std::move(failure).with_fields(
      std::make_shared<const nlohmann::json>(std::move(summary)));
}

int run_providers_test(const GlobalOptions& global,
                       const ProvidersOptions& options,
                       const Output& out,
                       const util::Clock& clock)
{
  const auto context = make_context(global, out, clock);
  const std::string& name = options.names.at(0);
  const std::string number =
      phone::normalize(options.to, context.config.default_region.value);
  // A test message is a real SMS: the same destination policy as send.
  static_cast<void>(phone::check(phone::policy_from(context.config), number));
  const auto providers = make_providers(context, name, "providers NAME");
  const core::Message message{number,
                              context.config.app_name.value
                                  + ": test message from smsotp via " + name
                                  + ". No action needed."};
  const auto result = providers.front()->send(message);
  for (const auto& line : result.trace) {
    out.detail(line);
  }
  warn_about_keylog(out);
  if (result.status != core::SendStatus::sent) {
    const auto code = exit_for_send(result.status);
    const std::string text = "provider " + name + ": " + result.detail;
    throw result.retry_after ? Error(code, text, *result.retry_after)
                             : Error(code, text);
  }
  out.data(result.message_id);
  out.info("test message sent to " + phone::mask(number) + " via " + name);
  out.result({{"provider", name},
              {"status", "sent"},
              {"to", phone::mask(number)},
              {"provider_message_id", result.message_id}});
  return 0;
}

} // namespace smsotp::cli
