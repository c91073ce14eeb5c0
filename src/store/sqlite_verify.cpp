// SqliteStore::verify: the one transaction that decides a verification.

#include "core/error.hpp"
#include "store/sqlite_common.hpp"
#include "store/sqlite_store.hpp"

#include <SQLiteCpp/Statement.h>

#include <cstring>

namespace smsotp::store::detail {

namespace {

struct Found
{
  std::string id;
  std::string state;
  std::optional<core::Tag> tag;
  std::int64_t code_length = 0;
  std::int64_t expires_at = 0;
  std::int64_t attempts = 0;
  std::int64_t max_attempts = 0;
};

std::optional<Found> find_challenge(SQLite::Database& db,
                                    const VerifyRequest& request)
{
  // Without --id the newest live challenge of recipient + purpose counts
  // (a newer one may have failed to send and revived it), else the newest
  // of any state, which tells why verification fails.
  const std::string sql =
      "SELECT id, state, tag, code_length, expires_at, attempts, max_attempts"
      " FROM challenge WHERE recipient = ? AND purpose = ?"
      + std::string(request.challenge_id ? " AND id = ?" : "")
      + " ORDER BY state IN ('pending', 'sent') DESC, created_at DESC,"
        " rowid DESC LIMIT 1";
  SQLite::Statement query(db, sql);
  query.bind(1, request.recipient);
  query.bind(2, request.purpose);
  if (request.challenge_id) {
    query.bind(3, *request.challenge_id);
  }
  if (!query.executeStep()) {
    return std::nullopt;
  }
  Found found;
  found.id = query.getColumn(0).getString();
  found.state = query.getColumn(1).getString();
  const auto tag_column = query.getColumn(2);
  if (!tag_column.isNull()
      && tag_column.getBytes() == static_cast<int>(core::Tag{}.size())) {
    core::Tag tag{};
    std::memcpy(tag.data(), tag_column.getBlob(), tag.size());
    found.tag = tag;
  }
  found.code_length = query.getColumn(3).getInt64();
  found.expires_at = query.getColumn(4).getInt64();
  found.attempts = query.getColumn(5).getInt64();
  found.max_attempts = query.getColumn(6).getInt64();
  return found;
}

core::VerifyReason reason_for_dead(const Found& found, std::int64_t now)
{
  if (found.state == "consumed") {
    return core::VerifyReason::used;
  }
  if (found.state == "exhausted" || found.attempts >= found.max_attempts) {
    return core::VerifyReason::too_many_attempts;
  }
  if (found.state == "failed") {
    return core::VerifyReason::not_found; // never delivered
  }
  if (found.state == "expired" || found.state == "superseded"
      || found.expires_at <= now) {
    return core::VerifyReason::expired;
  }
  return core::VerifyReason::ok; // live
}

} // namespace

bool SqliteStore::count_failure(const VerifyRequest& request, std::int64_t now)
{
  SQLite::Statement upsert(
      m_db,
      "INSERT INTO recipient (recipient, consecutive_failures, updated_at)"
      " VALUES (?1, 1, ?2) ON CONFLICT (recipient) DO UPDATE SET"
      " consecutive_failures = consecutive_failures + 1, updated_at = ?2"
      " RETURNING consecutive_failures");
  upsert.bind(1, request.recipient);
  upsert.bind(2, now);
  upsert.executeStep();
  const std::int64_t failures = upsert.getColumn(0).getInt64();
  upsert.reset();
  if (failures < request.lockout_after) {
    return false;
  }
  SQLite::Statement lock(
      m_db, "UPDATE recipient SET locked_until = ? WHERE recipient = ?");
  lock.bind(1, now + request.lockout_duration);
  lock.bind(2, request.recipient);
  lock.exec();
  return true;
}

core::VerifyOutcome SqliteStore::verify_locked(const VerifyRequest& request,
                                               const core::Key* key,
                                               const core::Tag& dummy,
                                               std::int64_t now)
{
  core::VerifyOutcome outcome;
  if (const auto wait = active_lock(request.recipient, now); wait > 0) {
    outcome.reason = core::VerifyReason::locked;
    outcome.retry_after = wait;
    return outcome;
  }
  expire_stale(now);
  const auto found = find_challenge(m_db, request);
  if (found) {
    outcome.challenge_id = found->id;
    outcome.attempts = found->attempts + 1;
    outcome.max_attempts = found->max_attempts;
    SQLite::Statement count(
        m_db, "UPDATE challenge SET attempts = attempts + 1 WHERE id = ?");
    count.bind(1, found->id);
    count.exec();
  }
  core::VerifyReason reason =
      found ? reason_for_dead(*found, now) : core::VerifyReason::not_found;
  if (reason == core::VerifyReason::ok && !found->tag) {
    reason =
        core::VerifyReason::expired; // defensive: a live row always has a tag
  }
  if (reason == core::VerifyReason::ok) {
    if (key == nullptr) {
      throw Error(core::ExitCode::config,
                  "the key file is missing but live challenges exist; restore "
                  "the key file "
                  "(store.key_file) or purge the database");
    }
    // A well-formed code of another length is a mismatch like any other and
    // counts: a different answer would tell who holds a live code.
    const auto tag = core::compute_tag(
        *key, found->id, request.recipient, request.purpose, request.code);
    const bool same_length =
        static_cast<std::size_t>(found->code_length) == request.code.size();
    reason = core::tags_equal(tag, *found->tag) && same_length
                 ? core::VerifyReason::ok
                 : core::VerifyReason::mismatch;
  } else {
    // The same work as a real comparison, so that "no such challenge" and
    // "wrong code" take the same time.
    const auto tag = core::compute_tag(key != nullptr ? *key : core::Key{},
                                       "ch_none",
                                       request.recipient,
                                       request.purpose,
                                       request.code);
    static_cast<void>(core::tags_equal(tag, dummy));
  }

  if (reason == core::VerifyReason::ok) {
    SQLite::Statement consume(
        m_db,
        "UPDATE challenge SET state = 'consumed', tag = NULL,"
        " finished_at = ? WHERE id = ?");
    consume.bind(1, now);
    consume.bind(2, found->id);
    consume.exec();
    SQLite::Statement reset(
        m_db,
        "UPDATE recipient SET consecutive_failures = 0, updated_at = ?"
        " WHERE recipient = ?");
    reset.bind(1, now);
    reset.bind(2, request.recipient);
    reset.exec();
  } else {
    if (reason == core::VerifyReason::mismatch
        && outcome.attempts >= outcome.max_attempts) {
      SQLite::Statement exhaust(
          m_db,
          "UPDATE challenge SET state = 'exhausted', tag = NULL,"
          " finished_at = ? WHERE id = ?");
      exhaust.bind(1, now);
      exhaust.bind(2, found->id);
      exhaust.exec();
    }
    outcome.locked_now = count_failure(request, now);
  }
  outcome.reason = reason;
  return outcome;
}

core::VerifyOutcome SqliteStore::verify(const VerifyRequest& request,
                                        const core::Key* key,
                                        std::int64_t now)
{
  // Computed before the write lock: the first HMAC initialises OpenSSL,
  // which is the slow part, and lock hold time is what makes parallel
  // verifications wait.
  const core::Tag dummy = core::compute_tag(key != nullptr ? *key : core::Key{},
                                            "",
                                            request.recipient,
                                            request.purpose,
                                            request.code);
  try {
    ImmediateTransaction transaction(m_db);
    auto outcome = verify_locked(request, key, dummy, now);
    transaction.commit();
    m_written = true;
    return outcome;
  } catch (const SQLite::Exception& error) {
    throw_store_error(
        error, m_path, "checking the code; no attempt was counted", m_written);
  }
}

} // namespace smsotp::store::detail
