// SqliteRows, the sending limits and the providers' health: the counts the
// limits are checked against (store/limits.cpp decides) and the cooldown
// records of the failover chain.

#include "store/sqlite_common.hpp"

#include <SQLiteCpp/Statement.h>

namespace smsotp::store::detail {

namespace {

// Challenges whose send surely failed cost nothing and do not count.
constexpr const char* k_counted = " AND state != 'failed'";

// The WHERE clause of a limit scope, with ?1 = recipient or prefix (when
// used) and ?2 = window start. Numbers sort as text, so "prefix <= recipient
// < prefix + ':'" selects a block by index.
std::string scope_where(Scope scope)
{
  switch (scope) {
    case Scope::recipient:
      return "recipient = ?1";
    case Scope::prefix:
      return "recipient >= ?1 AND recipient < ?1 || ':'";
    case Scope::all:
      break;
  }
  return "1";
}

void bind_scope(SQLite::Statement& statement,
                Scope scope,
                const std::string& key,
                std::int64_t since)
{
  if (scope != Scope::all) {
    statement.bind(1, key);
  }
  statement.bind(2, since);
}

} // namespace

std::int64_t
SqliteRows::count_since(Scope scope, const std::string& key, std::int64_t since)
{
  SQLite::Statement count(m_db,
                          "SELECT count(*) FROM challenge WHERE "
                              + scope_where(scope) + " AND created_at > ?2"
                              + k_counted);
  bind_scope(count, scope, key, since);
  count.executeStep();
  return count.getColumn(0).getInt64();
}

std::int64_t SqliteRows::created_at_since(Scope scope,
                                          const std::string& key,
                                          std::int64_t since,
                                          std::int64_t offset)
{
  SQLite::Statement oldest(m_db,
                           "SELECT created_at FROM challenge WHERE "
                               + scope_where(scope) + " AND created_at > ?2"
                               + k_counted
                               + " ORDER BY created_at LIMIT 1 OFFSET ?3");
  bind_scope(oldest, scope, key, since);
  oldest.bind(3, offset);
  oldest.executeStep();
  return oldest.getColumn(0).getInt64();
}

std::optional<std::int64_t>
SqliteRows::last_created(const std::string& recipient)
{
  SQLite::Statement last(m_db,
                         std::string("SELECT max(created_at) FROM challenge"
                                     " WHERE recipient = ?")
                             + k_counted);
  last.bind(1, recipient);
  last.executeStep();
  if (last.getColumn(0).isNull()) {
    return std::nullopt;
  }
  return last.getColumn(0).getInt64();
}

void SqliteRows::clear_health(const std::string& provider)
{
  SQLite::Statement clear(m_db,
                          "DELETE FROM provider_health WHERE provider = ?");
  clear.bind(1, provider);
  clear.exec();
}

void SqliteRows::set_health(const std::string& provider,
                            std::int64_t skip_until,
                            const std::string& reason,
                            std::int64_t now)
{
  SQLite::Statement mark(m_db,
                         "INSERT INTO provider_health (provider, skip_until,"
                         " reason, updated_at) VALUES (?1, ?2, ?3, ?4)"
                         " ON CONFLICT (provider) DO UPDATE SET"
                         " skip_until = ?2, reason = ?3, updated_at = ?4");
  mark.bind(1, provider);
  mark.bind(2, skip_until);
  mark.bind(3, reason);
  mark.bind(4, now);
  mark.exec();
}

std::map<std::string, std::int64_t> SqliteRows::skipped(std::int64_t now)
{
  SQLite::Statement query(m_db,
                          "SELECT provider, skip_until FROM provider_health"
                          " WHERE skip_until > ?");
  query.bind(1, now);
  std::map<std::string, std::int64_t> skipped;
  while (query.executeStep()) {
    skipped[query.getColumn(0).getString()] = query.getColumn(1).getInt64();
  }
  return skipped;
}

} // namespace smsotp::store::detail
