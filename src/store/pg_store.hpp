#pragma once

// Internal to store/: the PostgreSQL implementation of Store, its rows and
// its schema. Several hosts share one schema; every write transaction takes
// the schema's advisory writer lock first (see pg_store.cpp for why that
// gives exactly the SQLite store's guarantees).

#include "store/pg_connection.hpp"
#include "store/rows.hpp"
#include "store/store.hpp"

#include <memory>

namespace smsotp::store::detail {

// The schema version this build writes (its own series, independent of the
// SQLite file's user_version).
constexpr int k_pg_schema_version = 1;
// First half of every smsotp advisory lock key ("smso" in ASCII); the
// second half is hashtext(<schema>), so two schemas never contend.
constexpr std::int64_t k_pg_lock_class = 0x736d736f;

// The statements that open a transaction with this command's limits:
// BEGIN (READ ONLY if `read_only`) and SET LOCAL statement_timeout and
// lock_timeout, each followed by "; ".
std::string pg_begin(const StoreOptions& options, bool read_only);

// `"schema".` for qualifying table names; `schema` must have passed
// check_schema_name().
std::string pg_prefix(const std::string& schema);

// Creates or migrates the schema (pg_schema.cpp). Returns false, having
// created nothing, if `mode` is existing_only and no schema of that name
// exists; an existing empty one gets the tables in either mode. Throws
// Error(database) for a newer version or foreign tables (nothing modified),
// Error(permission) when the role may not create or migrate.
bool pg_ensure_schema(PgConnection& connection,
                      const StoreOptions& options,
                      OpenMode mode);

// Rows on one PostgreSQL connection inside an open transaction.
class PgRows : public Rows
{
public:
  PgRows(PgConnection& connection, const std::string& schema);

  std::optional<std::int64_t>
  locked_until(const std::string& recipient) override;
  void reset_recipient(const std::string& recipient, std::int64_t now) override;
  std::int64_t add_failure(const std::string& recipient,
                           std::int64_t now) override;
  void set_locked_until(const std::string& recipient,
                        std::int64_t until) override;
  void expire_stale(std::int64_t now) override;
  std::optional<ChallengeRow>
  find_challenge(const std::string& recipient,
                 const std::string& purpose,
                 const std::optional<std::string>& id) override;
  void add_attempt(const std::string& id) override;
  void finish(const std::string& id, State state, std::int64_t now) override;
  std::int64_t supersede_live(const std::string& recipient,
                              const std::string& purpose,
                              const std::string& by,
                              std::int64_t now) override;
  void insert(const NewChallenge& challenge) override;
  void mark_sent(const std::string& id,
                 const std::string& provider,
                 const std::string& message_id) override;
  void note_provider(const std::string& id,
                     const std::string& provider) override;
  std::optional<std::string> replaced_by(const std::string& id) override;
  void mark_failed(const std::string& id,
                   const std::string& provider,
                   std::int64_t now) override;
  void drop_superseded_tags(const std::string& by) override;
  void revive_superseded(const std::string& by) override;
  void hand_over_superseded(const std::string& from,
                            const std::string& to) override;
  std::int64_t count_live(std::int64_t now) override;
  bool knows_recipient(const std::string& recipient) override;
  std::int64_t
  count_since(Scope scope, const std::string& key, std::int64_t since) override;
  std::int64_t created_at_since(Scope scope,
                                const std::string& key,
                                std::int64_t since,
                                std::int64_t offset) override;
  std::optional<std::int64_t>
  last_created(const std::string& recipient) override;
  void clear_health(const std::string& provider) override;
  void set_health(const std::string& provider,
                  std::int64_t skip_until,
                  const std::string& reason,
                  std::int64_t now) override;
  std::map<std::string, std::int64_t> skipped(std::int64_t now) override;
  std::int64_t purge_challenges(const PurgeFilter& filter,
                                bool dry_run) override;
  std::int64_t purge_recipients(const PurgeFilter& filter,
                                bool dry_run) override;
  void purge_health(const PurgeFilter& filter) override;

private:
  PgResult run(const std::string& sql, const std::vector<PgParam>& params);

  PgConnection& m_connection;
  std::string m_prefix; // "schema".
};

class PgStore : public Store
{
public:
  PgStore(std::unique_ptr<PgConnection> connection, StoreOptions options);

  Reservation reserve(const ReserveRequest& request, std::int64_t now) override;
  void finalize(const std::string& challenge_id,
                const core::SendResult& result,
                const std::vector<core::ProviderHealth>& health,
                std::int64_t now) override;
  std::map<std::string, std::int64_t>
  skipped_providers(std::int64_t now) override;
  core::VerifyOutcome verify(const VerifyRequest& request,
                             const core::Key* key,
                             std::int64_t now) override;
  PurgeCounts purge(const PurgeRequest& request, std::int64_t now) override;
  std::int64_t live_challenges(std::int64_t now) override;
  bool knows_recipient(const std::string& recipient) override;

private:
  // Runs `body(rows, now)` in one transaction: with `lock`, under the
  // schema's writer lock, else read-only. `now` is the server's clock read
  // after the lock unless options.server_time is false. Maps failures to
  // smsotp::Error with `doing`; rolls back on any exception.
  // Opens the transaction (BEGIN, SET LOCAL limits, with `lock` the
  // writer lock) and returns the server's clock read after it, in one
  // round trip; reconnects once if the connection had died meanwhile.
  std::int64_t begin(bool lock, const std::string& doing);
  template<typename Body>
  auto
  transaction(bool lock, const std::string& doing, std::int64_t now, Body body);

  std::unique_ptr<PgConnection> m_connection;
  StoreOptions m_options;
};

} // namespace smsotp::store::detail
