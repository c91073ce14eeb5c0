// PgStore: the Store on PostgreSQL, shared by several hosts.
//
// Why this gives the SQLite store's guarantees across hosts: every write
// transaction first takes one transaction-level advisory lock per schema,
// pg_advisory_xact_lock(k_pg_lock_class, hashtext(schema)) — the exact
// counterpart of SQLite's BEGIN IMMEDIATE. Writers therefore run one at a
// time, whichever host they run on, and each starts after the previous one
// committed. Under READ COMMITTED every statement sees all transactions
// committed before it began, so each writer reads the rows its
// predecessor left: a code is consumed once, no attempt is lost, limits
// count every earlier reservation, and supersede and cooldowns see the
// newest rows. No two writers interleave, so no stronger isolation (and no
// serialization retry) is needed. The lock is released at COMMIT or
// ROLLBACK, also when the connection drops, and needs no session state,
// so it works through PgBouncer in transaction pooling mode. Readers
// (skipped_providers, live_challenges) take no lock: one consistent
// snapshot of committed rows is all they need.
//
// One clock (issue 8 item 5): the transaction reads the server's clock
// right after the lock, in the same round trip, and uses it as "now"
// unless options.server_time is false (the test clock).

#include "store/pg_store.hpp"

#include "core/error.hpp"
#include "store/lifecycle.hpp"

namespace smsotp::store::detail {

PgStore::PgStore(std::unique_ptr<PgConnection> connection, StoreOptions options)
    : m_connection(std::move(connection)), m_options(std::move(options))
{}

std::int64_t PgStore::begin(bool lock, const std::string& doing)
{
  const std::string clock =
      "SELECT floor(extract(epoch FROM clock_timestamp()))::bigint";
  const std::string sql =
      pg_begin(m_options, !lock)
      + (lock ? "WITH l AS MATERIALIZED (SELECT pg_advisory_xact_lock("
                    + std::to_string(k_pg_lock_class) + ", hashtext('"
                    + m_options.schema + "'))) " + clock + " FROM l"
              : clock);
  try {
    return m_connection->exec_batch(sql).number(0, 0);
  } catch (const PgFailure& failure) {
    if (!failure.lost()) {
      throw;
    }
  }
  // The connection died before this transaction did anything (a server
  // restart, failover or pooler restart since the last command, e.g.
  // during the provider's HTTP call): nothing of it ran and its lock went
  // with the connection, so one new connection may start it again.
  const std::size_t split = doing.find("; ");
  m_connection = std::make_unique<PgConnection>(m_options,
                                                split == std::string::npos
                                                    ? "nothing was changed"
                                                    : doing.substr(split + 2));
  return m_connection->exec_batch(sql).number(0, 0);
}

template<typename Body>
auto PgStore::transaction(bool lock,
                          const std::string& doing,
                          std::int64_t now,
                          Body body)
{
  bool committing = false;
  try {
    const std::int64_t started = begin(lock, doing);
    PgConnection& connection = *m_connection;
    const std::int64_t effective = m_options.server_time ? started : now;
    PgRows rows(connection, m_options.schema);
    auto result = body(rows, effective);
    committing = true;
    connection.exec_batch("COMMIT");
    return result;
  } catch (const PgFailure& failure) {
    m_connection->rollback_quietly();
    throw_pg_error(failure,
                   m_connection->display(),
                   doing,
                   committing,
                   m_connection->user());
  } catch (...) {
    m_connection->rollback_quietly(); // an expected refusal (rate limit, lock)
    throw;
  }
}

Reservation PgStore::reserve(const ReserveRequest& request, std::int64_t now)
{
  return transaction(true,
                     "recording the new challenge; nothing was sent",
                     now,
                     [&](Rows& rows, std::int64_t at) {
                       return detail::reserve(rows, request, at);
                     });
}

void PgStore::finalize(const std::string& challenge_id,
                       const core::SendResult& result,
                       const std::vector<core::ProviderHealth>& health,
                       std::int64_t now)
{
  const std::string doing =
      result.status == core::SendStatus::sent
          ? "recording delivery; the code was sent and stays "
            "valid until it expires"
          : "recording the provider's answer";
  transaction(true, doing, now, [&](Rows& rows, std::int64_t at) {
    // The caller computed skip_until from its own clock: move it onto the
    // server's, so a cooldown lasts as long on every host.
    auto shifted = health;
    for (auto& entry : shifted) {
      if (!entry.healthy) {
        entry.skip_until += at - now;
      }
    }
    detail::finalize(rows, challenge_id, result, shifted, at);
    return 0;
  });
}

std::map<std::string, std::int64_t> PgStore::skipped_providers(std::int64_t now)
{
  return transaction(
      false, "reading provider health", now, [&](Rows& rows, std::int64_t at) {
        return detail::skipped_providers(rows, at);
      });
}

core::VerifyOutcome PgStore::verify(const VerifyRequest& request,
                                    const core::Key* key,
                                    std::int64_t now)
{
  // Before the lock: its hold time is what makes parallel verifies wait.
  const core::Tag dummy = detail::dummy_tag(request, key);
  return transaction(true,
                     "checking the code; no attempt was counted",
                     now,
                     [&](Rows& rows, std::int64_t at) {
                       return detail::verify(rows, request, key, dummy, at);
                     });
}

PurgeCounts PgStore::purge(const PurgeRequest& request, std::int64_t now)
{
  return transaction(true, "purging", now, [&](Rows& rows, std::int64_t at) {
    return detail::purge(rows, request, at);
  });
}

std::int64_t PgStore::live_challenges(std::int64_t now)
{
  return transaction(
      false, "counting live challenges", now, [&](Rows& rows, std::int64_t at) {
        return rows.count_live(at);
      });
}

bool PgStore::knows_recipient(const std::string& recipient)
{
  return transaction(
      false, "looking up a recipient", 0, [&](Rows& rows, std::int64_t) {
        return rows.knows_recipient(recipient);
      });
}

} // namespace smsotp::store::detail
