#pragma once

// Internal to store/: the SQLite connection set-up, schema, transactions and
// the mapping of SQLite failures to exit classes.

#include "store/store.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>

#include <string>
#include <vector>

namespace smsotp::store::detail {

// "smso" in ASCII, stored in the header's application_id so that a file
// written by some other program is recognised as foreign.
constexpr int k_application_id = 0x736d736f;
// The schema this build writes; older schemas are migrated forward.
constexpr int k_schema_version = 4;
constexpr int k_busy_timeout_ms = 10000;

// Applies connection settings (busy_timeout, WAL, synchronous=FULL,
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

// Throws Error(temporary) with retry_after if sending to `recipient` now
// would exceed `limits` (store/sqlite_limits.cpp). Call inside the
// reserving transaction.
void check_send_limits(SQLite::Database& db,
                       const std::string& recipient,
                       const std::string& recipient_masked,
                       const SendLimits& limits,
                       std::int64_t now);

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

} // namespace smsotp::store::detail
