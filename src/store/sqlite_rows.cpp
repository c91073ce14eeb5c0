// SqliteRows: detail::Rows on one SQLite connection, inside the caller's
// BEGIN IMMEDIATE transaction. Only reads and writes rows; the decisions are
// in store/lifecycle.cpp.

#include "store/sqlite_common.hpp"

#include <SQLiteCpp/Statement.h>

#include <cstring>

namespace smsotp::store::detail {

SqliteRows::SqliteRows(SQLite::Database& db) : m_db(db)
{}

std::optional<std::int64_t>
SqliteRows::locked_until(const std::string& recipient)
{
  SQLite::Statement query(
      m_db, "SELECT locked_until FROM recipient WHERE recipient = ?");
  query.bind(1, recipient);
  if (!query.executeStep() || query.getColumn(0).isNull()) {
    return std::nullopt;
  }
  return query.getColumn(0).getInt64();
}

void SqliteRows::reset_recipient(const std::string& recipient, std::int64_t now)
{
  SQLite::Statement reset(
      m_db,
      "UPDATE recipient SET consecutive_failures = 0, locked_until = NULL,"
      " updated_at = ? WHERE recipient = ?");
  reset.bind(1, now);
  reset.bind(2, recipient);
  reset.exec();
}

std::int64_t SqliteRows::add_failure(const std::string& recipient,
                                     std::int64_t now)
{
  SQLite::Statement upsert(
      m_db,
      "INSERT INTO recipient (recipient, consecutive_failures, updated_at)"
      " VALUES (?1, 1, ?2) ON CONFLICT (recipient) DO UPDATE SET"
      " consecutive_failures = consecutive_failures + 1, updated_at = ?2"
      " RETURNING consecutive_failures");
  upsert.bind(1, recipient);
  upsert.bind(2, now);
  upsert.executeStep();
  const std::int64_t failures = upsert.getColumn(0).getInt64();
  upsert.reset();
  return failures;
}

void SqliteRows::set_locked_until(const std::string& recipient,
                                  std::int64_t until)
{
  SQLite::Statement lock(
      m_db, "UPDATE recipient SET locked_until = ? WHERE recipient = ?");
  lock.bind(1, until);
  lock.bind(2, recipient);
  lock.exec();
}

void SqliteRows::expire_stale(std::int64_t now)
{
  SQLite::Statement expire(
      m_db,
      "UPDATE challenge SET state = 'expired', tag = NULL,"
      " finished_at = expires_at" // when it died, not when we noticed
      " WHERE state IN ('pending', 'sent') AND expires_at <= ?1");
  expire.bind(1, now);
  expire.exec();
  SQLite::Statement drop(
      m_db,
      "UPDATE challenge SET tag = NULL WHERE state ="
      " 'superseded' AND tag IS NOT NULL AND expires_at <= ?");
  drop.bind(1, now);
  drop.exec();
}

std::optional<ChallengeRow>
SqliteRows::find_challenge(const std::string& recipient,
                           const std::string& purpose,
                           const std::optional<std::string>& id)
{
  const std::string sql =
      "SELECT id, state, tag, code_length, created_at, expires_at, attempts,"
      " max_attempts, coalesce(key_id, '')"
      " FROM challenge WHERE recipient = ? AND purpose = ?"
      + std::string(id ? " AND id = ?" : "")
      + " ORDER BY state IN ('pending', 'sent') DESC, created_at DESC,"
        " rowid DESC LIMIT 1";
  SQLite::Statement query(m_db, sql);
  query.bind(1, recipient);
  query.bind(2, purpose);
  if (id) {
    query.bind(3, *id);
  }
  if (!query.executeStep()) {
    return std::nullopt;
  }
  ChallengeRow row;
  row.id = query.getColumn(0).getString();
  // The CHECK constraint admits only known states.
  row.state =
      parse_state(query.getColumn(1).getString()).value_or(State::expired);
  const auto tag_column = query.getColumn(2);
  if (!tag_column.isNull()
      && tag_column.getBytes() == static_cast<int>(core::Tag{}.size())) {
    core::Tag tag{};
    std::memcpy(tag.data(), tag_column.getBlob(), tag.size());
    row.tag = tag;
  }
  row.code_length = query.getColumn(3).getInt64();
  row.created_at = query.getColumn(4).getInt64();
  row.expires_at = query.getColumn(5).getInt64();
  row.attempts = query.getColumn(6).getInt64();
  row.max_attempts = query.getColumn(7).getInt64();
  row.key_id = query.getColumn(8).getString();
  return row;
}

void SqliteRows::add_attempt(const std::string& id)
{
  SQLite::Statement count(
      m_db, "UPDATE challenge SET attempts = attempts + 1 WHERE id = ?");
  count.bind(1, id);
  count.exec();
}

void SqliteRows::finish(const std::string& id, State state, std::int64_t now)
{
  SQLite::Statement finish(
      m_db,
      "UPDATE challenge SET state = ?, tag = NULL, finished_at = ?"
      " WHERE id = ?");
  finish.bind(1, state_name(state));
  finish.bind(2, now);
  finish.bind(3, id);
  finish.exec();
}

std::int64_t SqliteRows::supersede_live(const std::string& recipient,
                                        const std::string& purpose,
                                        const std::string& by,
                                        std::int64_t now)
{
  SQLite::Statement supersede(
      m_db,
      "UPDATE challenge SET state = 'superseded', superseded_by = ?,"
      " finished_at = ? WHERE recipient = ? AND purpose = ?"
      " AND state IN ('pending', 'sent')");
  supersede.bind(1, by);
  supersede.bind(2, now);
  supersede.bind(3, recipient);
  supersede.bind(4, purpose);
  return supersede.exec();
}

void SqliteRows::insert(const NewChallenge& challenge)
{
  SQLite::Statement insert(
      m_db,
      "INSERT INTO challenge (id, recipient, recipient_masked, purpose,"
      " tag, code_length, created_at, expires_at, max_attempts, state,"
      " key_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)");
  insert.bind(1, challenge.id);
  insert.bind(2, challenge.recipient);
  insert.bind(3, challenge.recipient_masked);
  insert.bind(4, challenge.purpose);
  insert.bind(5, challenge.tag.data(), static_cast<int>(challenge.tag.size()));
  insert.bind(6, challenge.code_length);
  insert.bind(7, challenge.created_at);
  insert.bind(8, challenge.expires_at);
  insert.bind(9, challenge.max_attempts);
  insert.bind(10, challenge.key_id);
  insert.exec();
}

void SqliteRows::mark_sent(const std::string& id,
                           const std::string& provider,
                           const std::string& message_id)
{
  SQLite::Statement update(
      m_db,
      "UPDATE challenge SET state = 'sent', provider = ?,"
      " provider_message_id = ? WHERE id = ? AND state = 'pending'");
  update.bind(1, provider);
  update.bind(2, message_id);
  update.bind(3, id);
  update.exec();
}

void SqliteRows::note_provider(const std::string& id,
                               const std::string& provider)
{
  SQLite::Statement update(m_db,
                           "UPDATE challenge SET provider = ? WHERE id = ?");
  update.bind(1, provider);
  update.bind(2, id);
  update.exec();
}

std::optional<std::string> SqliteRows::replaced_by(const std::string& id)
{
  SQLite::Statement query(m_db,
                          "SELECT superseded_by FROM challenge WHERE id = ?"
                          " AND state = 'superseded'");
  query.bind(1, id);
  if (!query.executeStep() || query.getColumn(0).isNull()) {
    return std::nullopt;
  }
  return query.getColumn(0).getString();
}

void SqliteRows::mark_failed(const std::string& id,
                             const std::string& provider,
                             std::int64_t now)
{
  SQLite::Statement update(m_db,
                           "UPDATE challenge SET state = 'failed', tag = NULL,"
                           " provider = ?, finished_at = ? WHERE id = ?"
                           " AND state IN ('pending', 'superseded')");
  update.bind(1, provider);
  update.bind(2, now);
  update.bind(3, id);
  update.exec();
}

void SqliteRows::drop_superseded_tags(const std::string& by)
{
  SQLite::Statement drop(
      m_db, "UPDATE challenge SET tag = NULL WHERE superseded_by = ?");
  drop.bind(1, by);
  drop.exec();
}

void SqliteRows::revive_superseded(const std::string& by)
{
  SQLite::Statement restore(
      m_db,
      "UPDATE challenge SET state = CASE WHEN provider_message_id IS NULL"
      " THEN 'pending' ELSE 'sent' END, superseded_by = NULL,"
      " finished_at = NULL"
      " WHERE superseded_by = ? AND state = 'superseded' AND tag IS NOT NULL");
  restore.bind(1, by);
  restore.exec();
}

void SqliteRows::hand_over_superseded(const std::string& from,
                                      const std::string& to)
{
  SQLite::Statement update(
      m_db,
      "UPDATE challenge SET superseded_by = ? WHERE superseded_by = ?"
      " AND state = 'superseded' AND tag IS NOT NULL");
  update.bind(1, to);
  update.bind(2, from);
  update.exec();
}

std::int64_t SqliteRows::count_live(std::int64_t now)
{
  SQLite::Statement count(m_db,
                          "SELECT count(*) FROM challenge WHERE state IN"
                          " ('pending', 'sent') AND expires_at > ?");
  count.bind(1, now);
  count.executeStep();
  return count.getColumn(0).getInt64();
}

bool SqliteRows::knows_recipient(const std::string& recipient)
{
  // Both lookups use an index whose first column is the recipient.
  SQLite::Statement known(m_db,
                          "SELECT EXISTS (SELECT 1 FROM challenge WHERE"
                          " recipient = ?1) OR EXISTS (SELECT 1 FROM"
                          " recipient WHERE recipient = ?1)");
  known.bind(1, recipient);
  known.executeStep();
  return known.getColumn(0).getInt() != 0;
}

} // namespace smsotp::store::detail
