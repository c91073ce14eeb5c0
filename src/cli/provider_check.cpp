// `providers check` and `providers test`: prove credentials without sending,
// or send one plain message that is not a code.

#include "cli/context.hpp"
#include "core/error.hpp"
#include "phone/phone.hpp"
#include "phone/policy.hpp"
#include "provider/http_client.hpp"

#include <algorithm>
#include <optional>

namespace smsotp::cli {

namespace {

std::string_view status_name(core::CheckResult::Status status)
{
  switch (status) {
    case core::CheckResult::Status::ok:
      return "ok";
    case core::CheckResult::Status::auth:
      return "credentials rejected";
    case core::CheckResult::Status::unreachable:
      return "unreachable";
    case core::CheckResult::Status::failed:
      return "failed";
  }
  return "failed";
}

// Rejected credentials outrank other failures, which outrank "try later":
// the exit status names the most actionable problem.
int rank(core::CheckResult::Status status)
{
  switch (status) {
    case core::CheckResult::Status::ok:
      return 0;
    case core::CheckResult::Status::unreachable:
      return 1;
    case core::CheckResult::Status::failed:
      return 2;
    case core::CheckResult::Status::auth:
      return 3;
  }
  return 2;
}

core::ExitCode exit_for(core::CheckResult::Status status)
{
  switch (status) {
    case core::CheckResult::Status::ok:
      return core::ExitCode::success;
    case core::CheckResult::Status::unreachable:
      return core::ExitCode::temporary;
    case core::CheckResult::Status::failed:
      return core::ExitCode::refused;
    case core::CheckResult::Status::auth:
      return core::ExitCode::permission;
  }
  return core::ExitCode::internal;
}

void warn_about_keylog(const Output& out)
{
  if (provider::take_keylog_warning()) {
    out.warn("SSLKEYLOGFILE was ignored: TLS keys in a file would expose "
             "provider credentials and codes");
  }
}

} // namespace

int check_providers(const Context& context,
                    const std::vector<std::string>& names)
{
  const auto& out = context.out;
  std::vector<std::string> wanted = names;
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
  auto worst = core::CheckResult::Status::ok;
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
      out.data(info.name + "	error	" + fault.what());
      results.push_back({{"name", info.name},
                         {"kind", info.kind},
                         {"ok", false},
                         {"status", "error"},
                         {"detail", fault.what()},
                         {"exit_code", static_cast<int>(fault.code())}});
      continue;
    }
    for (const auto& line : result.trace) {
      out.detail(line);
    }
    if (rank(result.status) > rank(worst)) {
      worst = result.status;
    }
    out.data(info.name + "\t" + std::string(status_name(result.status)) + "\t"
             + result.detail
             + (result.balance ? "\tbalance " + *result.balance : ""));
    nlohmann::json entry{{"name", info.name},
                         {"kind", info.kind},
                         {"ok", result.status == core::CheckResult::Status::ok},
                         {"status", status_name(result.status)},
                         {"detail", result.detail}};
    if (result.balance) {
      entry["balance"] = *result.balance;
    }
    results.push_back(entry);
  }
  warn_about_keylog(out);
  const bool all_ok = !local_fault && worst == core::CheckResult::Status::ok;
  out.result({{"ok", all_ok}, {"providers", results}});
  return static_cast<int>(local_fault.value_or(exit_for(worst)));
}

int test_provider(const Context& context,
                  const std::string& name,
                  const std::string& to)
{
  const auto& out = context.out;
  const std::string number =
      phone::normalize(to, context.config.default_region.value);
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
