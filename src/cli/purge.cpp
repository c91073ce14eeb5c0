#include "cli/audit.hpp"
#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "cli/state.hpp"
#include "core/duration.hpp"
#include "core/error.hpp"
#include "core/key_file.hpp"
#include "phone/phone.hpp"
#include "store/store.hpp"

#include <algorithm>

namespace smsotp::cli {

namespace {

// How long a finished challenge still counts toward a sending limit: until
// then purge keeps it, or a purge (say, from cron) would reset the limits.
std::int64_t limit_window(const core::Config& config)
{
  std::int64_t window = config.limit_min_interval.value;
  if (config.limit_per_recipient.value > 0) {
    window = std::max(window, config.limit_per_recipient_window.value);
  }
  if (config.limit_per_prefix_hourly.value > 0
      || config.limit_global_hourly.value > 0) {
    window = std::max<std::int64_t>(window, 3600);
  }
  if (config.limit_per_recipient_daily.value > 0
      || config.limit_global_daily.value > 0) {
    window = std::max<std::int64_t>(window, 86400);
  }
  return window;
}

// --prefix: '+' and 1 to 15 digits, as a rate-limit refusal names a block
// ("+1202555****", the stars optional), so it can be pasted as printed.
std::string block_prefix(const std::string& text)
{
  std::string digits = text;
  while (digits.ends_with('*')) {
    digits.pop_back();
  }
  if (digits.size() < 2 || digits.size() > 16 || digits.front() != '+'
      || !std::all_of(digits.begin() + 1, digits.end(), [](char c) {
           return c >= '0' && c <= '9';
         })) {
    throw Error(core::ExitCode::usage,
                "--prefix needs '+' and the leading digits of the numbers, "
                "as a rate-limit refusal names the block: e.g. +1202555");
  }
  return digits;
}

} // namespace

int run_purge(const GlobalOptions& global,
              const PurgeOptions& options,
              const Output& out,
              const util::Clock& clock)
{
  const auto context = make_context(global, out, clock);
  const auto& config = context.config;
  store::PurgeRequest request;
  request.all = options.all;
  request.dry_run = options.dry_run;
  request.counter_idle = config.lockout_duration.value;
  if (static_cast<int>(options.all) + static_cast<int>(options.to.has_value())
          + static_cast<int>(options.prefix.has_value())
      > 1) {
    throw Error(core::ExitCode::usage,
                "--all, --to and --prefix cannot be combined: give one");
  }
  auto& audited = audit::record();
  if (options.dry_run) {
    audited.event.clear(); // changes nothing: not audited
  }
  audited.to = options.all ? "all" : "-";
  if (options.to) {
    request.recipient =
        phone::normalize(*options.to, config.default_region.value);
    audited.to = phone::mask(*request.recipient);
  }
  if (options.prefix) {
    request.prefix = block_prefix(*options.prefix);
    audited.to = *request.prefix + "****";
  }
  if (options.older_than) {
    const auto seconds = core::parse_duration(*options.older_than);
    if (!seconds) {
      throw Error(core::ExitCode::usage,
                  "--older-than: expected a duration like 30m, 1h or 7d, got \""
                      + *options.older_than + "\"");
    }
    request.older_than = *seconds;
  }
  request.older_than = std::max(request.older_than, limit_window(config));
  const auto store = open_state(context, store::OpenMode::existing_only);
  const auto counts =
      store ? store->purge(request, clock.now()) : store::PurgeCounts{};
  // Litter of a key creation that was killed (never read; see
  // core::remove_stale_key_temps): purge is the periodic clean-up, so a
  // send need not list the key directory every time.
  if (!options.dry_run) {
    core::remove_stale_key_temps(config.key_path());
  }
  audited.outcome = "purged";
  audited.extra = {{"challenges", std::to_string(counts.challenges)},
                   {"recipients", std::to_string(counts.recipients)}};
  // The summary once, on stdout (a timer's journal gets it all the same);
  // stderr only says what the counts do not.
  out.data(std::to_string(counts.challenges) + " challenges, "
           + std::to_string(counts.recipients) + " recipient counters");
  if (!store) {
    out.info("no state database yet, so nothing to remove");
  } else if (options.dry_run) {
    out.info("nothing was removed (--dry-run)");
  }
  out.result({{"dry_run", options.dry_run},
              {"challenges", counts.challenges},
              {"recipients", counts.recipients}});
  return 0;
}

} // namespace smsotp::cli
