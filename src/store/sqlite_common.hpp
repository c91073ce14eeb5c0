#pragma once

// Internal to store/: the SQLite connection set-up, schema, transactions and
// the mapping of SQLite failures to exit classes.

#include "store/rows.hpp"
#include "store/store.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace smsotp::store::detail {

// "smso" in ASCII, stored in the header's application_id so that a file
// written by some other program is recognised as foreign.
constexpr int k_application_id = 0x736d736f;
// The schema this build writes; older schemas are migrated forward.
constexpr int k_schema_version = 5;
constexpr int k_busy_timeout_ms = 10000;
// purge of finished challenges empties the table and puts the survivors
// back (sqlite_rows_purge.cpp) when it would delete more than
// k_purge_empty_min rows and more rows than it keeps, and keeps at most
// k_purge_keep_max (they are held in memory meanwhile). Otherwise a plain
// DELETE, which looks each row up in every index, is the cheaper one.
constexpr std::int64_t k_purge_empty_min = 10000;
constexpr std::int64_t k_purge_keep_max = 100000;

// Settings for a process that runs one short transaction and exits
// (sqlite_tuning.cpp); neither throws.
// A busy handler with short random sleeps that gives up after
// k_busy_timeout_ms, so SQLite reports SQLITE_BUSY (exit 75).
void install_busy_handler(SQLite::Database& db);
// No checkpoint when the connection closes; instead a TRUNCATE checkpoint
// after a commit that leaves 100 frames or more in the WAL. Installed only
// on a database known to be ours: a closed connection leaves -wal and -shm.
void defer_checkpoints(SQLite::Database& db);
// Undoes defer_checkpoints' "no checkpoint on close".
void checkpoint_on_close(SQLite::Database& db);

// Applies connection settings (the two above, WAL, synchronous=FULL,
// foreign_keys) and creates or migrates the schema. Throws Error(database)
// for foreign or newer files and for ours whose schema is not what its
// version should have; all of that is checked before anything is written.
// Sets `wrote` once it has changed the file (journal mode, migration).
void prepare_connection(SQLite::Database& db,
                        const std::string& path,
                        bool& wrote);

// The schema objects migrations 0 .. version - 1 create, each as "type
// name on table: normalised sql", sorted, SQLite's own sqlite_* objects
// left out; built in memory (schema.cpp). current_schema() is the copy for
// k_schema_version kept in the source, so that opening a current database
// builds nothing; the two must be equal.
std::vector<std::string> built_schema(int version);
std::vector<std::string> current_schema();

// Refuses (Error permission, 77) a database, -wal, -shm or any directory
// above them that group or others can write or another user owns, and
// (Error cant_create, 73) one the caller cannot write, naming the file and
// the fix. Run before SQLite opens the file (store/state_files.cpp).
void check_state_files(const std::string& path);

// Rolls back the open transaction, if SQLite has not already done so
// (it does after SQLITE_FULL, IOERR, NOMEM...). Never throws: the error
// that led here is the one to report.
void rollback_quietly(SQLite::Database& db) noexcept;

// Throws the smsotp::Error that describes `error`. `doing` completes
// "... while <doing>". `written`: this run has already changed the file, so
// no message may say it was left untouched.
[[noreturn]] void throw_store_error(const SQLite::Exception& error,
                                    const std::string& path,
                                    const std::string& doing,
                                    bool written);

// BEGIN IMMEDIATE ... COMMIT, rolled back on destruction unless committed.
// IMMEDIATE takes the write lock up front so the busy handler applies; a
// deferred read-then-write upgrade would fail at once with SQLITE_BUSY.
class ImmediateTransaction
{
public:
  explicit ImmediateTransaction(SQLite::Database& db);
  ImmediateTransaction(const ImmediateTransaction&) = delete;
  ImmediateTransaction& operator=(const ImmediateTransaction&) = delete;
  ~ImmediateTransaction();
  void commit();

private:
  SQLite::Database& m_db;
  bool m_open = true;
};

// detail::Rows on one connection, inside the caller's BEGIN IMMEDIATE
// transaction (store/sqlite_rows.cpp).
class SqliteRows : public Rows
{
public:
  explicit SqliteRows(SQLite::Database& db);

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
  std::int64_t purge_rows(const std::string& table,
                          const std::string& where,
                          const PurgeFilter& filter,
                          bool dry_run);
  std::optional<std::int64_t> purge_by_emptying(const PurgeFilter& filter);

  SQLite::Database& m_db;
};

} // namespace smsotp::store::detail
