// Sending limits (DESIGN §4, research/security.md R15): per recipient (count
// per window, minimum interval, daily), per number prefix (SMS pumping hits
// blocks of adjacent numbers) and global (a budget cap). Evaluated inside
// the reserving BEGIN IMMEDIATE transaction, so racing senders see each
// other's reservations and can never exceed a limit together.

#include "core/duration.hpp"
#include "core/error.hpp"
#include "store/sqlite_common.hpp"

#include <SQLiteCpp/Statement.h>

#include <array>
#include <optional>

namespace smsotp::store::detail {

namespace {

// Challenges whose send surely failed cost nothing and do not count.
constexpr const char* k_counted = "state != 'failed'";

// Which rows a limit counts, as a WHERE clause with ?1 = recipient or prefix
// (when used) and ?2 = window start.
struct Scope
{
  const char* where;
  std::string key;
};

struct Breach
{
  std::string what;
  std::int64_t retry_after;
};

// If `limit` rows of `scope` exist since `now - window`, the time until
// the oldest row that must age out does so.
std::optional<Breach> check_count(SQLite::Database& db,
                                  const Scope& scope,
                                  std::int64_t limit,
                                  std::int64_t window,
                                  std::int64_t now,
                                  const std::string& what)
{
  if (limit <= 0) {
    return std::nullopt;
  }
  const std::string filter = std::string(" WHERE ") + scope.where
                             + " AND created_at > ?2 AND " + k_counted;
  SQLite::Statement count(db, "SELECT count(*) FROM challenge" + filter);
  if (!scope.key.empty()) {
    count.bind(1, scope.key);
  }
  count.bind(2, now - window);
  count.executeStep();
  const std::int64_t used = count.getColumn(0).getInt64();
  if (used < limit) {
    return std::nullopt;
  }
  // With `used` rows in the window, one more is allowed once the
  // (used - limit + 1) oldest have left it.
  SQLite::Statement oldest(db,
                           "SELECT created_at FROM challenge" + filter
                               + " ORDER BY created_at LIMIT 1 OFFSET ?3");
  if (!scope.key.empty()) {
    oldest.bind(1, scope.key);
  }
  oldest.bind(2, now - window);
  oldest.bind(3, used - limit);
  oldest.executeStep();
  const std::int64_t retry = oldest.getColumn(0).getInt64() + window - now;
  return Breach{what + ": " + std::to_string(limit) + " per "
                    + core::format_duration(window) + " reached",
                retry > 0 ? retry : 1};
}

std::optional<Breach> check_interval(SQLite::Database& db,
                                     const std::string& recipient,
                                     std::int64_t interval,
                                     std::int64_t now)
{
  if (interval <= 0) {
    return std::nullopt;
  }
  SQLite::Statement last(db,
                         std::string("SELECT max(created_at) FROM challenge"
                                     " WHERE recipient = ? AND ")
                             + k_counted);
  last.bind(1, recipient);
  last.executeStep();
  if (last.getColumn(0).isNull()) {
    return std::nullopt;
  }
  const std::int64_t wait = last.getColumn(0).getInt64() + interval - now;
  if (wait <= 0) {
    return std::nullopt;
  }
  return Breach{"at most one code per " + core::format_duration(interval)
                    + " to the same number",
                wait};
}

} // namespace

void check_send_limits(SQLite::Database& db,
                       const std::string& recipient,
                       const std::string& recipient_masked,
                       const SendLimits& limits,
                       std::int64_t now)
{
  // The prefix is the number without its last 4 digits: a block of 10 000
  // adjacent numbers, the unit SMS pumping works in. Numbers sort as text,
  // so "prefix <= recipient < prefix + ':'" selects the block by index.
  const std::string prefix = recipient.size() > 4
                                 ? recipient.substr(0, recipient.size() - 4)
                                 : recipient;
  const Scope one{"recipient = ?1", recipient};
  const Scope block{"recipient >= ?1 AND recipient < ?1 || ':'", prefix};
  const Scope all{"1", ""};
  const std::array<std::optional<Breach>, 6> checks{
      check_interval(db, recipient, limits.min_interval, now),
      check_count(db,
                  one,
                  limits.per_recipient,
                  limits.per_recipient_window,
                  now,
                  "sends to " + recipient_masked),
      check_count(db,
                  one,
                  limits.per_recipient_daily,
                  86400,
                  now,
                  "sends to " + recipient_masked),
      check_count(db,
                  block,
                  limits.per_prefix_hourly,
                  3600,
                  now,
                  "sends to numbers starting " + prefix.substr(0, 4) + "..."),
      check_count(db, all, limits.global_hourly, 3600, now, "all sends"),
      check_count(db, all, limits.global_daily, 86400, now, "all sends"),
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
