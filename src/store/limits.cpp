// Sending limits (DESIGN §4, research/security.md R15): per recipient (count
// per window, minimum interval, daily), per number prefix (SMS pumping hits
// blocks of adjacent numbers) and global (a budget cap). Evaluated inside
// the reserving write transaction of either backend, so racing senders,
// on one host or several, see each other's reservations and can never
// exceed a limit together.

#include "core/duration.hpp"
#include "core/error.hpp"
#include "store/lifecycle.hpp"

#include <array>

namespace smsotp::store::detail {

namespace {

struct Breach
{
  std::string what;
  std::int64_t retry_after;
};

// If `limit` counted challenges of the scope exist since `now - window`,
// the time until the oldest one that must age out does so.
std::optional<Breach> check_count(Rows& rows,
                                  Scope scope,
                                  const std::string& key,
                                  std::int64_t limit,
                                  std::int64_t window,
                                  std::int64_t now,
                                  const std::string& what)
{
  if (limit <= 0) {
    return std::nullopt;
  }
  const std::int64_t used = rows.count_since(scope, key, now - window);
  if (used < limit) {
    return std::nullopt;
  }
  // With `used` rows in the window, one more is allowed once the
  // (used - limit + 1) oldest have left it.
  const std::int64_t retry =
      rows.created_at_since(scope, key, now - window, used - limit) + window
      - now;
  return Breach{what + ": " + std::to_string(limit) + " per "
                    + core::format_duration(window) + " reached",
                retry > 0 ? retry : 1};
}

std::optional<Breach> check_interval(Rows& rows,
                                     const std::string& recipient,
                                     std::int64_t interval,
                                     std::int64_t now)
{
  if (interval <= 0) {
    return std::nullopt;
  }
  const auto last = rows.last_created(recipient);
  if (!last) {
    return std::nullopt;
  }
  const std::int64_t wait = *last + interval - now;
  if (wait <= 0) {
    return std::nullopt;
  }
  return Breach{"at most one code per " + core::format_duration(interval)
                    + " to the same number",
                wait};
}

} // namespace

void check_send_limits(Rows& rows,
                       const std::string& recipient,
                       const std::string& recipient_masked,
                       const SendLimits& limits,
                       std::int64_t now)
{
  // The prefix is the number without its last 4 digits: a block of 10 000
  // adjacent numbers, the unit SMS pumping works in.
  const std::string prefix = recipient.size() > 4
                                 ? recipient.substr(0, recipient.size() - 4)
                                 : recipient;
  const std::array<std::optional<Breach>, 6> checks{
      check_interval(rows, recipient, limits.min_interval, now),
      check_count(rows,
                  Scope::recipient,
                  recipient,
                  limits.per_recipient,
                  limits.per_recipient_window,
                  now,
                  "sends to " + recipient_masked),
      check_count(rows,
                  Scope::recipient,
                  recipient,
                  limits.per_recipient_daily,
                  86400,
                  now,
                  "sends to " + recipient_masked),
      check_count(rows,
                  Scope::prefix,
                  prefix,
                  limits.per_prefix_hourly,
                  3600,
                  now,
                  "sends to numbers starting " + prefix.substr(0, 4) + "..."),
      check_count(
          rows, Scope::all, "", limits.global_hourly, 3600, now, "all sends"),
      check_count(
          rows, Scope::all, "", limits.global_daily, 86400, now, "all sends"),
  };
  for (const auto& breach : checks) {
    if (breach) {
      throw Error(core::ExitCode::temporary,
                  "rate limit: " + breach->what + "; nothing was sent",
                  breach->retry_after);
    }
  }
}

} // namespace smsotp::store::detail
