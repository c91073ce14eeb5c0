#pragma once

// Internal to store/: the SQLite connection set-up, schema, transactions and
// the mapping of SQLite failures to exit classes.

#include "store/store.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>

#include <string>

namespace smsotp::store::detail {

// "smso" in ASCII, stored in the header's application_id so that a file
// written by some other program is recognised as foreign.
constexpr int k_application_id = 0x736d736f;
// The schema this build writes; older schemas are migrated forward.
constexpr int k_schema_version = 4;
constexpr int k_busy_timeout_ms = 10000;

// Applies connection settings (busy_timeout, WAL, synchronous=FULL,
// foreign_keys) and creates or migrates the schema. Throws Error(database)
// for foreign or newer files.
void prepare_connection(SQLite::Database& db, const std::string& path);

// Throws Error(temporary) with retry_after if sending to `recipient` now
// would exceed `limits` (store/sqlite_limits.cpp). Call inside the
// reserving transaction.
void check_send_limits(SQLite::Database& db,
                       const std::string& recipient,
                       const std::string& recipient_masked,
                       const SendLimits& limits,
                       std::int64_t now);

// Throws the smsotp::Error that describes `error`. `doing` completes
// "... while <doing>".
[[noreturn]] void throw_store_error(const SQLite::Exception& error,
                                    const std::string& path,
                                    const std::string& doing);

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
