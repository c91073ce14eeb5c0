// SqliteRows, purge: what `smsotp purge` deletes (or with --dry-run
// counts), by the filters rows.hpp defines.

#include "store/sqlite_common.hpp"

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>

#include <cstddef>
#include <vector>

namespace smsotp::store::detail {

namespace {

// Challenges purge deletes in mode `finished`: no longer verifiable, and
// finished (or expired) at or before :before. Never NULL (the columns it
// reads are NOT NULL), so its negation is exactly what survives.
constexpr const char* k_finished_challenge =
    "(state NOT IN ('pending', 'sent') OR expires_at <= :now)"
    " AND coalesce(finished_at, expires_at) <= :before";

// One column value of a surviving row, with its SQLite storage class, so
// that the row goes back byte for byte.
struct Cell
{
  int type = SQLite::Null;
  std::int64_t integer = 0;
  double real = 0;
  std::string bytes; // TEXT or BLOB
};

Cell read_cell(const SQLite::Column& column)
{
  Cell cell;
  cell.type = column.getType();
  if (cell.type == SQLite::INTEGER) {
    cell.integer = column.getInt64();
  } else if (cell.type == SQLite::FLOAT) {
    cell.real = column.getDouble();
  } else if (cell.type == SQLite::TEXT || cell.type == SQLite::BLOB) {
    cell.bytes = column.getString();
  }
  return cell;
}

void bind_cell(SQLite::Statement& statement, int index, const Cell& cell)
{
  if (cell.type == SQLite::INTEGER) {
    statement.bind(index, cell.integer);
  } else if (cell.type == SQLite::FLOAT) {
    statement.bind(index, cell.real);
  } else if (cell.type == SQLite::TEXT) {
    statement.bind(index, cell.bytes);
  } else if (cell.type == SQLite::BLOB) {
    // data() is never null, so an empty BLOB stays a BLOB, not NULL.
    statement.bind(
        index, cell.bytes.data(), static_cast<int>(cell.bytes.size()));
  } else {
    statement.bind(index);
  }
}

} // namespace

// The fast path of purge_challenges (mode finished) for a store where
// purge has not run for a long time: DELETE looks every deleted row up in
// the table's four indexes (about 16 s for a million rows), while
// `DELETE FROM challenge` without WHERE frees the table's pages without
// visiting rows. So the survivors are read into memory (not a TEMP table:
// that could spill tags into a temp file outside the 0600 database),
// the table is emptied and they are inserted again with their rowids (find
// find_challenge() orders ties by rowid) and every column unchanged. There are
// no triggers or foreign keys on `challenge` (schema.cpp), and the schema is
// untouched. It all runs inside the caller's transaction, so an
// interruption leaves the old rows. nullopt: not worth it, nothing done.
std::optional<std::int64_t>
SqliteRows::purge_by_emptying(const PurgeFilter& filter)
{
  const std::int64_t total =
      m_db.execAndGet("SELECT count(*) FROM challenge").getInt64();
  if (total <= k_purge_empty_min) {
    return std::nullopt;
  }
  SQLite::Statement count(m_db,
                          std::string("SELECT count(*) FROM challenge WHERE ")
                              + k_finished_challenge);
  count.bind(":now", filter.now);
  count.bind(":before", filter.before);
  count.executeStep();
  const std::int64_t doomed = count.getColumn(0).getInt64();
  const std::int64_t kept = total - doomed;
  if (doomed <= k_purge_empty_min || doomed <= kept
      || kept > k_purge_keep_max) {
    return std::nullopt;
  }

  SQLite::Statement survivors(
      m_db,
      std::string("SELECT rowid, * FROM challenge WHERE NOT coalesce((")
          + k_finished_challenge + "), 0)");
  survivors.bind(":now", filter.now);
  survivors.bind(":before", filter.before);
  const int columns = survivors.getColumnCount();
  std::string insert = "INSERT INTO challenge (rowid";
  std::string values = "?";
  for (int column = 1; column < columns; ++column) {
    insert += std::string(", \"") + survivors.getColumnName(column) + "\"";
    values += ", ?";
  }
  insert += ") VALUES (" + values + ")";
  std::vector<std::vector<Cell>> rows;
  rows.reserve(static_cast<std::size_t>(kept));
  while (survivors.executeStep()) {
    std::vector<Cell> row;
    row.reserve(static_cast<std::size_t>(columns));
    for (int column = 0; column < columns; ++column) {
      row.push_back(read_cell(survivors.getColumn(column)));
    }
    rows.push_back(std::move(row));
  }

  m_db.exec("DELETE FROM challenge");
  SQLite::Statement put(m_db, insert);
  for (const auto& row : rows) {
    for (int column = 0; column < columns; ++column) {
      bind_cell(put, column + 1, row[static_cast<std::size_t>(column)]);
    }
    put.exec();
    put.reset();
    put.clearBindings();
  }
  return total - static_cast<std::int64_t>(rows.size());
}

std::int64_t SqliteRows::purge_rows(const std::string& table,
                                    const std::string& where,
                                    const PurgeFilter& filter,
                                    bool dry_run)
{
  const std::string verb = dry_run ? "SELECT count(*) FROM " : "DELETE FROM ";
  SQLite::Statement statement(m_db, verb + table + " WHERE " + where);
  if (filter.mode == PurgeFilter::Mode::recipient
      || filter.mode == PurgeFilter::Mode::prefix) {
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
    case PurgeFilter::Mode::prefix:
      // Numbers sort as text: the block by index, as the limit counts it.
      return purge_rows("challenge",
                        "recipient >= :recipient"
                        " AND recipient < :recipient || ':'",
                        filter,
                        dry_run);
    case PurgeFilter::Mode::finished:
      break;
  }
  if (!dry_run) {
    if (const auto purged = purge_by_emptying(filter)) {
      return *purged;
    }
  }
  return purge_rows("challenge", k_finished_challenge, filter, dry_run);
}

std::int64_t SqliteRows::purge_recipients(const PurgeFilter& filter,
                                          bool dry_run)
{
  switch (filter.mode) {
    case PurgeFilter::Mode::all:
      return purge_rows("recipient", "1", filter, dry_run);
    case PurgeFilter::Mode::recipient:
      return purge_rows("recipient", "recipient = :recipient", filter, dry_run);
    case PurgeFilter::Mode::prefix:
      return 0; // lockouts are lifted one number at a time
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
