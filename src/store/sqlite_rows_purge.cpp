// SqliteRows, purge: what `smsotp purge` deletes (or with --dry-run
// counts), by the filters rows.hpp defines.

#include "store/sqlite_common.hpp"

#include <SQLiteCpp/Statement.h>

namespace smsotp::store::detail {

std::int64_t SqliteRows::purge_rows(const std::string& table,
                                    const std::string& where,
                                    const PurgeFilter& filter,
                                    bool dry_run)
{
  const std::string verb = dry_run ? "SELECT count(*) FROM " : "DELETE FROM ";
  SQLite::Statement statement(m_db, verb + table + " WHERE " + where);
  if (filter.mode == PurgeFilter::Mode::recipient) {
    statement.bind(":recipient", filter.recipient);
  } else if (filter.mode == PurgeFilter::Mode::finished) {
    statement.bind(":now", filter.now);
    statement.bind(":before", filter.before);
  }
  if (dry_run) {
    statement.executeStep();
    return statement.getColumn(0).getInt64();
  }
  return statement.exec();
}

std::int64_t SqliteRows::purge_challenges(const PurgeFilter& filter,
                                          bool dry_run)
{
  switch (filter.mode) {
    case PurgeFilter::Mode::all:
      return purge_rows("challenge", "1", filter, dry_run);
    case PurgeFilter::Mode::recipient:
      return purge_rows("challenge", "recipient = :recipient", filter, dry_run);
    case PurgeFilter::Mode::finished:
      break;
  }
  return purge_rows("challenge",
                    "(state NOT IN ('pending', 'sent') OR expires_at <= :now)"
                    " AND coalesce(finished_at, expires_at) <= :before",
                    filter,
                    dry_run);
}

std::int64_t SqliteRows::purge_recipients(const PurgeFilter& filter,
                                          bool dry_run)
{
  switch (filter.mode) {
    case PurgeFilter::Mode::all:
      return purge_rows("recipient", "1", filter, dry_run);
    case PurgeFilter::Mode::recipient:
      return purge_rows("recipient", "recipient = :recipient", filter, dry_run);
    case PurgeFilter::Mode::finished:
      break;
  }
  return purge_rows("recipient",
                    "(locked_until IS NULL OR locked_until <= :now)"
                    " AND updated_at <= :before",
                    filter,
                    dry_run);
}

void SqliteRows::purge_health(const PurgeFilter& filter)
{
  if (filter.mode == PurgeFilter::Mode::all) {
    m_db.exec("DELETE FROM provider_health");
    return;
  }
  SQLite::Statement health(m_db,
                           "DELETE FROM provider_health WHERE skip_until <= ?");
  health.bind(1, filter.now);
  health.exec();
}

} // namespace smsotp::store::detail
