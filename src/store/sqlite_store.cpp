#include "store/sqlite_store.hpp"

#include "core/error.hpp"
#include "store/sqlite_common.hpp"
#include "util/fs.hpp"

#include <SQLiteCpp/Statement.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace smsotp::store {

namespace detail {

SqliteStore::SqliteStore(const std::string& path, int flags)
    : m_path(path), m_db(path, flags)
{
  try {
    prepare_connection(m_db, m_path, m_written);
  } catch (const SQLite::Exception& error) {
    throw_store_error(error, m_path, "opening it", m_written);
  }
}

std::int64_t SqliteStore::active_lock(const std::string& recipient,
                                      std::int64_t now)
{
  SQLite::Statement query(
      m_db, "SELECT locked_until FROM recipient WHERE recipient = ?");
  query.bind(1, recipient);
  if (!query.executeStep() || query.getColumn(0).isNull()) {
    return 0;
  }
  const std::int64_t until = query.getColumn(0).getInt64();
  if (until > now) {
    return until - now;
  }
  SQLite::Statement lift(
      m_db,
      "UPDATE recipient SET consecutive_failures = 0, locked_until = NULL,"
      " updated_at = ? WHERE recipient = ?");
  lift.bind(1, now);
  lift.bind(2, recipient);
  lift.exec();
  return 0;
}

void SqliteStore::expire_stale(std::int64_t now)
{
  SQLite::Statement expire(
      m_db,
      "UPDATE challenge SET state = 'expired', tag = NULL,"
      " finished_at = expires_at" // when it died, not when we noticed
      " WHERE state IN ('pending', 'sent') AND expires_at <= ?1");
  expire.bind(1, now);
  expire.exec();
  // Superseded codes keep their tag only while their replacement is in
  // flight (see finalize); past expiry they are dead either way.
  SQLite::Statement drop(
      m_db,
      "UPDATE challenge SET tag = NULL WHERE state ="
      " 'superseded' AND tag IS NOT NULL AND expires_at <= ?");
  drop.bind(1, now);
  drop.exec();
}

Reservation SqliteStore::reserve(const ReserveRequest& request,
                                 std::int64_t now)
{
  try {
    ImmediateTransaction transaction(m_db);
    if (const auto wait = active_lock(request.recipient, now); wait > 0) {
      throw Error(
          core::ExitCode::temporary,
          "recipient " + request.recipient_masked
              + " is locked after too many failed verifications; nothing "
                "was sent",
          wait);
    }
    expire_stale(now);
    check_send_limits(
        m_db, request.recipient, request.recipient_masked, request.limits, now);
    SQLite::Statement supersede(
        m_db,
        "UPDATE challenge SET state = 'superseded', superseded_by = ?,"
        " finished_at = ? WHERE recipient = ? AND purpose = ?"
        " AND state IN ('pending', 'sent')");
    supersede.bind(1, request.challenge_id);
    supersede.bind(2, now);
    supersede.bind(3, request.recipient);
    supersede.bind(4, request.purpose);
    const int superseded = supersede.exec();

    SQLite::Statement insert(
        m_db,
        "INSERT INTO challenge (id, recipient, recipient_masked, purpose,"
        " tag, code_length, created_at, expires_at, max_attempts, state)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')");
    insert.bind(1, request.challenge_id);
    insert.bind(2, request.recipient);
    insert.bind(3, request.recipient_masked);
    insert.bind(4, request.purpose);
    insert.bind(5, request.tag.data(), static_cast<int>(request.tag.size()));
    insert.bind(6, request.code_length);
    insert.bind(7, now);
    insert.bind(8, now + request.ttl);
    insert.bind(9, request.max_attempts);
    insert.exec();
    transaction.commit();
    m_written = true;
    return {request.challenge_id, now, now + request.ttl, superseded};
  } catch (const SQLite::Exception& error) {
    throw_store_error(error,
                      m_path,
                      "recording the new challenge; nothing was sent",
                      m_written);
  }
}

void SqliteStore::settle_superseded(const std::string& challenge_id,
                                    core::SendStatus status)
{
  if (status == core::SendStatus::sent || status == core::SendStatus::unknown) {
    // The new code is (or may be) on its way: the older ones are dead.
    SQLite::Statement drop(m_db,
                           "UPDATE challenge SET tag = NULL WHERE"
                           " superseded_by = ?");
    drop.bind(1, challenge_id);
    drop.exec();
    return;
  }
  // Surely not sent: nothing replaced the older code, so it is live again
  // (nothing lost). Its expiry is unchanged.
  SQLite::Statement restore(
      m_db,
      "UPDATE challenge SET state = CASE WHEN provider_message_id IS NULL"
      " THEN 'pending' ELSE 'sent' END, superseded_by = NULL, finished_at = "
      "NULL"
      " WHERE superseded_by = ? AND state = 'superseded' AND tag IS NOT NULL");
  restore.bind(1, challenge_id);
  restore.exec();
}

void SqliteStore::finalize(const std::string& challenge_id,
                           const core::SendResult& result,
                           const std::vector<core::ProviderHealth>& health,
                           std::int64_t now)
{
  try {
    ImmediateTransaction transaction(m_db);
    if (result.status == core::SendStatus::sent) {
      SQLite::Statement update(
          m_db,
          "UPDATE challenge SET state = 'sent', provider = ?,"
          " provider_message_id = ? WHERE id = ? AND state = 'pending'");
      update.bind(1, result.provider);
      update.bind(2, result.message_id);
      update.bind(3, challenge_id);
      update.exec();
    } else if (result.status == core::SendStatus::unknown) {
      // The message may have gone out: the code stays valid (pending).
      SQLite::Statement update(
          m_db, "UPDATE challenge SET provider = ? WHERE id = ?");
      update.bind(1, result.provider);
      update.bind(2, challenge_id);
      update.exec();
    } else {
      SQLite::Statement update(
          m_db,
          "UPDATE challenge SET state = 'failed', tag = NULL,"
          " provider = ?, finished_at = ? WHERE id = ?"
          " AND state = 'pending'");
      update.bind(1, result.provider);
      update.bind(2, now);
      update.bind(3, challenge_id);
      update.exec();
    }
    for (const auto& entry : health) {
      if (entry.healthy) {
        SQLite::Statement clear(
            m_db, "DELETE FROM provider_health WHERE provider = ?");
        clear.bind(1, entry.provider);
        clear.exec();
        continue;
      }
      SQLite::Statement mark(
          m_db,
          "INSERT INTO provider_health (provider, skip_until,"
          " reason, updated_at) VALUES (?1, ?2, ?3, ?4)"
          " ON CONFLICT (provider) DO UPDATE SET"
          " skip_until = ?2, reason = ?3, updated_at = ?4");
      mark.bind(1, entry.provider);
      mark.bind(2, entry.skip_until);
      mark.bind(3, entry.reason);
      mark.bind(4, now);
      mark.exec();
    }
    settle_superseded(challenge_id, result.status);
    transaction.commit();
    m_written = true;
  } catch (const SQLite::Exception& error) {
    throw_store_error(error,
                      m_path,
                      result.status == core::SendStatus::sent
                          ? "recording delivery; the code was sent and stays "
                            "valid until it expires"
                          : "recording the provider's answer",
                      m_written);
  }
}

PurgeCounts SqliteStore::purge_locked(const PurgeRequest& request,
                                      std::int64_t now)
{
  // One WHERE clause per mode, shared by the dry-run count and the delete.
  std::string challenge_where;
  std::string recipient_where;
  if (request.all) {
    challenge_where = "1";
    recipient_where = "1";
  } else if (request.recipient) {
    challenge_where = "recipient = :recipient";
    recipient_where = "recipient = :recipient";
  } else {
    challenge_where =
        "(state NOT IN ('pending', 'sent') OR expires_at <= :now)"
        " AND coalesce(finished_at, expires_at) <= :now - :older_than";
    recipient_where = "(locked_until IS NULL OR locked_until <= :now) AND "
                      "updated_at <= :now - :idle";
  }
  PurgeCounts counts;
  const auto run = [&](const std::string& table, const std::string& where) {
    const std::string verb =
        request.dry_run ? "SELECT count(*) FROM " : "DELETE FROM ";
    SQLite::Statement statement(m_db, verb + table + " WHERE " + where);
    if (request.recipient && !request.all) {
      statement.bind(":recipient", *request.recipient);
    } else if (!request.all) {
      statement.bind(":now", now);
      statement.bind(table == "challenge" ? ":older_than" : ":idle",
                     table == "challenge" ? request.older_than
                                          : request.counter_idle);
    }
    if (request.dry_run) {
      statement.executeStep();
      return statement.getColumn(0).getInt64();
    }
    return static_cast<std::int64_t>(statement.exec());
  };
  counts.challenges = run("challenge", challenge_where);
  counts.recipients = run("recipient", recipient_where);
  if (!request.dry_run && !request.recipient) {
    // Provider skips that have run out are history; --all clears all.
    SQLite::Statement health(
        m_db,
        request.all ? "DELETE FROM provider_health"
                    : "DELETE FROM provider_health WHERE skip_until <= ?");
    if (!request.all) {
      health.bind(1, now);
    }
    health.exec();
  }
  return counts;
}

PurgeCounts SqliteStore::purge(const PurgeRequest& request, std::int64_t now)
{
  try {
    ImmediateTransaction transaction(m_db);
    if (!request.dry_run) {
      expire_stale(now);
    }
    const auto counts = purge_locked(request, now);
    transaction.commit();
    m_written = m_written || !request.dry_run;
    if (!request.dry_run && counts.challenges > 0) {
      // Return the freed pages' space promptly; cheap for a small file.
      m_db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    return counts;
  } catch (const SQLite::Exception& error) {
    throw_store_error(error, m_path, "purging", m_written);
  }
}

std::map<std::string, std::int64_t>
SqliteStore::skipped_providers(std::int64_t now)
{
  try {
    SQLite::Statement query(m_db,
                            "SELECT provider, skip_until FROM provider_health"
                            " WHERE skip_until > ?");
    query.bind(1, now);
    std::map<std::string, std::int64_t> skipped;
    while (query.executeStep()) {
      skipped[query.getColumn(0).getString()] =
          query.getColumn(1).getInt64() - now;
    }
    return skipped;
  } catch (const SQLite::Exception& error) {
    throw_store_error(error, m_path, "reading provider health", m_written);
  }
}

std::int64_t SqliteStore::live_challenges(std::int64_t now)
{
  try {
    SQLite::Statement count(m_db,
                            "SELECT count(*) FROM challenge WHERE state IN"
                            " ('pending', 'sent') AND expires_at > ?");
    count.bind(1, now);
    count.executeStep();
    return count.getColumn(0).getInt64();
  } catch (const SQLite::Exception& error) {
    throw_store_error(error, m_path, "counting live challenges", m_written);
  }
}

} // namespace detail

std::unique_ptr<Store> open_sqlite_store(const std::string& path, OpenMode mode)
{
  if (mode == OpenMode::existing_only && !util::path_exists(path)) {
    return nullptr;
  }
  if (mode == OpenMode::create && !util::path_exists(path)) {
    try {
      util::make_directories(util::parent_directory(path), 0700);
    } catch (const util::FsError& error) {
      throw Error(core::ExitCode::cant_create,
                  "cannot create the state database directory: "
                      + std::string(error.what()));
    }
  }
  detail::check_state_files(path);
  if (mode == OpenMode::create && !util::path_exists(path)) {
    // Created here with 0600 whatever the umask; SQLite gives -wal and -shm
    // the database file's mode.
    const int fd =
        ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) {
      throw Error(core::ExitCode::cant_create,
                  "cannot create state database " + path + ": "
                      + std::strerror(errno));
    }
    if (fd >= 0) {
      ::close(fd);
    }
  }
  try {
    return std::make_unique<detail::SqliteStore>(path, SQLite::OPEN_READWRITE);
  } catch (const SQLite::Exception& error) {
    detail::throw_store_error(error, path, "opening it", false);
  }
}

} // namespace smsotp::store
