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

// What a limit counts and how an admin lifts it at once (not waiting for
// retry-after): the command, or the setting to raise.
struct Scoped
{
  Scope scope;
  std::string key;
  std::string what;
  std::string lift;
};

// If `limit` counted challenges of the scope exist since `now - window`,
// the time until the oldest one that must age out does so.
std::optional<Breach> check_count(Rows& rows,
                                  const Scoped& scoped,
                                  std::int64_t limit,
                                  std::int64_t window,
                                  std::int64_t now)
{
  if (limit <= 0) {
    return std::nullopt;
  }
  const auto& [scope, key, what, lift] = scoped;
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
                    + core::format_duration(window) + " reached (" + lift + ")",
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
                    + " to the same number (an admin lifts it now with: "
                      "smsotp purge --to NUMBER)",
                wait};
}

} // namespace

std::string block_prefix(const std::string& recipient)
{
  return recipient.size() > 4 ? recipient.substr(0, recipient.size() - 4)
                              : recipient;
}

void check_send_limits(Rows& rows,
                       const std::string& recipient,
                       const std::string& recipient_masked,
                       const SendLimits& limits,
                       std::int64_t now)
{
  const std::string prefix = block_prefix(recipient);
  // The block is named by its digits: the admin must know which block to
  // lift, and the number's own last four digits are never among them.
  const Scoped number{Scope::recipient,
                      recipient,
                      "sends to " + recipient_masked,
                      "an admin lifts it now with: smsotp purge --to NUMBER"};
  const Scoped block{
      Scope::prefix,
      prefix,
      "sends to the block " + prefix + "**** (10 000 adjacent numbers)",
      "an admin lifts it now with: smsotp purge --prefix " + prefix};
  const Scoped all_hourly{
      Scope::all, "", "all sends", "raise limits.global_hourly to allow more"};
  const Scoped all_daily{
      Scope::all, "", "all sends", "raise limits.global_daily to allow more"};
  const std::array<std::optional<Breach>, 6> checks{
      check_interval(rows, recipient, limits.min_interval, now),
      check_count(
          rows, number, limits.per_recipient, limits.per_recipient_window, now),
      check_count(rows, number, limits.per_recipient_daily, 86400, now),
      check_count(rows, block, limits.per_prefix_hourly, 3600, now),
      check_count(rows, all_hourly, limits.global_hourly, 3600, now),
      check_count(rows, all_daily, limits.global_daily, 86400, now),
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
