// `providers check [NAME...] [--junit FILE] [--min-balance AMOUNT]`:
// prove credentials without sending, and report it the way a CI system
// reads it (check_report.hpp).

#include "cli/check_report.hpp"
#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "cli/provider_use.hpp"
#include "core/error.hpp"
#include "provider/base/keylog.hpp"
#include "provider/http/transport.hpp"
#include "util/errno_text.hpp"
#include "util/fs.hpp"
#include "util/interrupt.hpp"
#include "util/string.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fcntl.h>
#include <optional>

namespace smsotp::cli {

namespace {

using CheckStatus = core::CheckResult::Status;

// The exit status names the most actionable problem: a local fault, then
// rejected credentials, then an unexpected answer or a low balance, then
// "try later".
int rank(CheckStatus status)
{
  switch (status) {
    case CheckStatus::ok:
      return 0;
    case CheckStatus::unreachable:
    case CheckStatus::rate_limited:
      return 1;
    case CheckStatus::unexpected_answer:
    case CheckStatus::low_balance:
      return 2;
    case CheckStatus::credentials_rejected:
      return 3;
    case CheckStatus::config_error:
      return 4;
  }
  return 2;
}

// low_balance is 69 (refused, do not retry): credentials work, but the
// provider will refuse sends until someone adds credit.
core::ExitCode exit_for(CheckStatus status)
{
  switch (status) {
    case CheckStatus::ok:
      return core::ExitCode::success;
    case CheckStatus::unreachable:
    case CheckStatus::rate_limited:
      return core::ExitCode::temporary;
    case CheckStatus::unexpected_answer:
    case CheckStatus::low_balance:
      return core::ExitCode::refused;
    case CheckStatus::credentials_rejected:
      return core::ExitCode::permission;
    case CheckStatus::config_error:
      return core::ExitCode::config;
  }
  return core::ExitCode::internal;
}

// --min-balance: a plain non-negative decimal, compared with each
// provider's balance in that provider's own currency.
std::optional<double> min_balance(const ProvidersOptions& options)
{
  if (!options.min_balance) {
    return std::nullopt;
  }
  const std::string& text = *options.min_balance;
  const auto dot = text.find('.');
  const auto digits = [](std::string_view part) {
    return !part.empty()
           && part.find_first_not_of("0123456789") == std::string::npos;
  };
  const bool decimal =
      text.size() <= 20
      && (dot == std::string::npos
              ? digits(text)
              : digits(std::string_view(text).substr(0, dot))
                    && digits(std::string_view(text).substr(dot + 1)));
  if (!decimal) {
    throw Error(core::ExitCode::usage,
                "--min-balance needs an amount such as 5 or 10.50 (compared "
                "in each provider's own currency)");
  }
  return parse_amount(text);
}

// Applies --min-balance to an accepted check.
void apply_min_balance(CheckEntry& entry,
                       double minimum,
                       const std::string& minimum_text)
{
  if (!entry.ok()) {
    return;
  }
  if (!entry.balance_value) {
    entry.detail += "; no balance reported, so --min-balance does not apply";
    return;
  }
  if (*entry.balance_value < minimum) {
    entry.status = CheckStatus::low_balance;
    entry.detail = "credentials accepted, but the balance "
                   + core::balance_text(entry.balance)
                   + " is below --min-balance " + minimum_text
                   + "; add credit before sends are refused";
  }
}

void write_report(const std::string& path, const std::string& text)
{
  const util::Fd fd(
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  try {
    if (!fd.valid()) {
      throw util::FsError("open", errno);
    }
    util::write_all(fd.get(), text);
  } catch (const util::FsError& failure) {
    throw Error(core::ExitCode::io,
                "cannot write the JUnit report " + path + ": "
                    + util::errno_text(failure.error_number())
                    + " (choose a writable --junit path)");
  }
}

void warn_about_keylog(const Output& out)
{
  if (provider::take_keylog_warning()) {
    out.warn("SSLKEYLOGFILE was ignored: TLS keys in a file would expose "
             "provider credentials and codes");
  }
}

std::int64_t elapsed_ms(std::chrono::steady_clock::time_point since)
{
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now() - since)
      .count();
}

// Checks one provider; a local fault (unreadable or unsafe secret) becomes
// its config_error entry with the fault's own exit status.
CheckEntry
check_one(const Context& context, const std::string& name, const Output& out)
{
  const auto providers = make_providers(context, name, "providers NAME");
  const auto info = providers.front()->info();
  CheckEntry entry;
  entry.name = info.name;
  entry.kind = info.kind;
  const auto start = std::chrono::steady_clock::now();
  core::CheckResult result;
  try {
    result = providers.front()->check();
  } catch (const Error& fault) {
    entry.status = CheckStatus::config_error;
    entry.detail = fault.what();
    entry.exit_code = static_cast<int>(fault.code());
    entry.retry_after = fault.retry_after();
    return entry;
  }
  entry.latency_ms = elapsed_ms(start);
  for (const auto& line : result.trace) {
    out.detail(line);
  }
  if (util::interrupt_signal() != 0) {
    throw Error(core::ExitCode::interrupted,
                "interrupted during providers check; nothing was sent");
  }
  entry.status = result.status;
  entry.detail = result.detail;
  entry.balance = result.balance;
  entry.retry_after = result.retry_after;
  if (result.balance) {
    entry.balance_value = parse_amount(result.balance->amount);
  }
  return entry;
}

} // namespace

int run_providers_check(const GlobalOptions& global,
                        const ProvidersOptions& options,
                        const Output& out,
                        const util::Clock& clock)
{
  const auto minimum = min_balance(options);
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
  const auto start = std::chrono::steady_clock::now();
  std::vector<CheckEntry> entries;
  auto worst = CheckStatus::ok;
  std::optional<std::int64_t> retry_after;
  // A local fault decides the exit status over any provider's answer.
  std::optional<core::ExitCode> local_fault;
  std::vector<std::string> failed;
  for (const auto& name : wanted) {
    auto entry = check_one(context, name, out);
    if (!entry.latency_ms) {
      const auto code = static_cast<core::ExitCode>(entry.exit_code);
      local_fault = std::max(local_fault.value_or(code), code);
    } else {
      if (minimum) {
        apply_min_balance(entry, *minimum, *options.min_balance);
      }
      entry.exit_code = static_cast<int>(exit_for(entry.status));
      if (rank(entry.status) > rank(worst)) {
        worst = entry.status;
      }
    }
    if (entry.retry_after) {
      retry_after = std::max(retry_after.value_or(0), *entry.retry_after);
    }
    const std::string status(core::check_status_name(entry.status));
    if (!entry.ok()) {
      failed.push_back(entry.name + " " + status);
    }
    out.data(entry.name + "\t" + status + "\t" + entry.detail
             + (entry.balance ? "\tbalance " + core::balance_text(entry.balance)
                              : ""));
    entries.push_back(std::move(entry));
  }
  warn_about_keylog(out);
  if (const char* actions = std::getenv("GITHUB_ACTIONS");
      actions != nullptr && std::string(actions) == "true") {
    for (const auto& line : github_annotations(entries)) {
      Output::annotation(line);
    }
  }
  auto code = local_fault.value_or(exit_for(worst));
  std::string message = "providers check failed: " + util::join(failed, ", ");
  if (options.junit) {
    try {
      write_report(*options.junit, junit_report(entries, elapsed_ms(start)));
    } catch (const Error& failure) {
      code = failure.code();
      message = failure.what();
    }
  }
  nlohmann::json list = nlohmann::json::array();
  for (const auto& entry : entries) {
    list.push_back(entry_json(entry));
  }
  nlohmann::json summary{{"ok", code == core::ExitCode::success},
                         {"providers", list}};
  return finish(out,
                summary,
                code,
                message,
                // Every 75 says when to retry (DESIGN §2): a provider's
                // own wait, else the transport's default.
                code == core::ExitCode::temporary ? std::optional(
                    retry_after.value_or(provider::k_default_retry_after))
                                                  : std::nullopt);
}

} // namespace smsotp::cli
