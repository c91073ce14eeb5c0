#include "core/error.hpp"
#include "store/sqlite_common.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <mutex>
#include <sqlite3.h>
#include <thread>

namespace smsotp::store::detail {

namespace {

// Migration N takes the schema from version N to N + 1. Only ever append.
constexpr std::array<const char*, k_schema_version> k_migrations{
    // 0 -> 1: challenges and per-recipient failure counters.
    // A challenge's tag is NULL once it can no longer be verified.
    "CREATE TABLE challenge ("
    "  id TEXT PRIMARY KEY,"
    "  recipient TEXT NOT NULL,"
    "  recipient_masked TEXT NOT NULL,"
    "  purpose TEXT NOT NULL,"
    "  tag BLOB,"
    "  code_length INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  max_attempts INTEGER NOT NULL,"
    "  state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed', "
    "'consumed',"
    "                                       'superseded', 'exhausted', "
    "'expired')),"
    "  provider TEXT,"
    "  provider_message_id TEXT,"
    "  finished_at INTEGER"
    ");"
    "CREATE INDEX challenge_by_recipient ON challenge (recipient, purpose, "
    "created_at);"
    "CREATE INDEX challenge_by_state ON challenge (state, expires_at);"
    "CREATE TABLE recipient ("
    "  recipient TEXT PRIMARY KEY,"
    "  consecutive_failures INTEGER NOT NULL DEFAULT 0,"
    "  locked_until INTEGER,"
    "  updated_at INTEGER NOT NULL"
    ");",
    // 1 -> 2: a superseded challenge keeps its tag until the one that
    // replaced it is sent; if that send fails, the older code is live again.
    "ALTER TABLE challenge ADD COLUMN superseded_by TEXT;",
    // 2 -> 3: providers that failed recently, skipped until skip_until.
    "CREATE TABLE provider_health ("
    "  provider TEXT PRIMARY KEY,"
    "  skip_until INTEGER NOT NULL,"
    "  reason TEXT NOT NULL,"
    "  updated_at INTEGER NOT NULL"
    ");",
    // 3 -> 4: sending limits count recent challenges by time.
    "CREATE INDEX challenge_by_time ON challenge (created_at);",
    // 4 -> 5: the non-secret id of the key that made the tag, so that a host
    // with another key file says so (NULL for older rows: not checked).
    "ALTER TABLE challenge ADD COLUMN key_id TEXT;",
};

bool has_tables(SQLite::Database& db)
{
  return db.execAndGet("SELECT count(*) FROM sqlite_master").getInt() > 0;
}

// SQL text with whitespace runs collapsed and none around punctuation, so
// that the same schema written with other spacing compares equal.
std::string normalize_sql(const std::string& sql)
{
  std::string out;
  bool space = false;
  for (const char c : sql) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      continue;
    }
    const bool punctuation = c == '(' || c == ')' || c == ',';
    if (space && !out.empty() && !punctuation && out.back() != '('
        && out.back() != ',') {
      out += ' ';
    }
    space = false;
    out += c;
  }
  return out;
}

// Every schema object as "type name on table: sql", sorted. SQLite's own
// objects are left out: sqlite_stat1/4 appear after an ANALYZE or PRAGMA
// optimize (routine maintenance, not an edit), and the sqlite_autoindex_*
// of a PRIMARY KEY follow from the table's SQL, which is compared. No one
// else may create a name starting with "sqlite_".
std::vector<std::string> schema_of(SQLite::Database& db)
{
  SQLite::Statement query(db,
                          "SELECT type, name, tbl_name, coalesce(sql, '')"
                          " FROM sqlite_master"
                          " WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
                          " ORDER BY type, name");
  std::vector<std::string> objects;
  while (query.executeStep()) {
    objects.push_back(query.getColumn(0).getString() + " "
                      + query.getColumn(1).getString() + " on "
                      + query.getColumn(2).getString() + ": "
                      + normalize_sql(query.getColumn(3).getString()));
  }
  return objects;
}

// What migrations 0 .. version - 1 create, from an in-memory database,
// built at most once per version and process.
const std::vector<std::string>& built_schema_cached(int version)
{
  static std::mutex mutex;
  static std::map<int, std::vector<std::string>> cache;
  const std::lock_guard lock(mutex);
  auto found = cache.find(version);
  if (found == cache.end()) {
    SQLite::Database memory(":memory:", SQLite::OPEN_READWRITE);
    for (int step = 0; step < version; ++step) {
      memory.exec(k_migrations.at(static_cast<std::size_t>(step)));
    }
    found = cache.emplace(version, schema_of(memory)).first;
  }
  return found->second; // std::map never moves its elements
}

// What the migrations create for k_schema_version, as schema_of() reads it
// back, so that opening a current database (every verify) builds nothing.
// A database that does not match it is compared with the built schema
// before it is refused: an SQLite that words the stored SQL differently
// costs time, never a wrong refusal. test_store_schema.cpp checks that the
// two agree.
static_assert(k_schema_version == 5,
              "update k_current_schema to the new schema version");
const std::array<const char*, 6> k_current_schema{
    "index challenge_by_recipient on challenge: CREATE INDEX "
    "challenge_by_recipient ON challenge(recipient,purpose,created_at)",
    "index challenge_by_state on challenge: CREATE INDEX "
    "challenge_by_state ON challenge(state,expires_at)",
    "index challenge_by_time on challenge: CREATE INDEX challenge_by_time "
    "ON challenge(created_at)",
    "table challenge on challenge: CREATE TABLE challenge(id TEXT PRIMARY "
    "KEY,recipient TEXT NOT NULL,recipient_masked TEXT NOT NULL,purpose "
    "TEXT NOT NULL,tag BLOB,code_length INTEGER NOT NULL,created_at "
    "INTEGER NOT NULL,expires_at INTEGER NOT NULL,attempts INTEGER NOT "
    "NULL DEFAULT 0,max_attempts INTEGER NOT NULL,state TEXT NOT NULL "
    "CHECK(state IN('pending','sent','failed','consumed','superseded',"
    "'exhausted','expired')),provider TEXT,provider_message_id TEXT,"
    "finished_at INTEGER,superseded_by TEXT,key_id TEXT)",
    "table provider_health on provider_health: CREATE TABLE "
    "provider_health(provider TEXT PRIMARY KEY,skip_until INTEGER NOT "
    "NULL,reason TEXT NOT NULL,updated_at INTEGER NOT NULL)",
    "table recipient on recipient: CREATE TABLE recipient(recipient TEXT "
    "PRIMARY KEY,consecutive_failures INTEGER NOT NULL DEFAULT "
    "0,locked_until INTEGER,updated_at INTEGER NOT NULL)",
};

// Throws Error(database) unless the schema is exactly what this build's
// migrations create for `version`: a file with a lowered user_version or an
// edited schema would otherwise be "migrated" into a broken state.
void check_schema(SQLite::Database& db,
                  const std::string& path,
                  int version,
                  const std::string& untouched)
{
  const auto actual = schema_of(db);
  if (version == k_schema_version
      && std::equal(actual.begin(),
                    actual.end(),
                    k_current_schema.begin(),
                    k_current_schema.end())) {
    return;
  }
  const auto& expected = built_schema_cached(version);
  if (actual == expected) {
    return;
  }
  std::string difference;
  for (const auto& object : actual) {
    if (std::find(expected.begin(), expected.end(), object) == expected.end()) {
      difference = "unexpected " + object.substr(0, object.find(':'));
      break;
    }
  }
  if (difference.empty()) {
    for (const auto& object : expected) {
      if (std::find(actual.begin(), actual.end(), object) == actual.end()) {
        difference = "missing " + object.substr(0, object.find(':'));
        break;
      }
    }
  }
  throw Error(core::ExitCode::database,
              "state database " + path + " says schema version "
                  + std::to_string(version)
                  + ", but its tables are not what that version has ("
                  + difference + "): it is damaged or was edited" + untouched
                  + ": "
                    "restore it from a backup, or move it away and smsotp "
                    "starts a new one");
}

// `wrote`: this run has already changed the file (its journal mode), so
// the messages must not say it was left untouched.
void check_identity(SQLite::Database& db, const std::string& path, bool wrote)
{
  const std::string untouched =
      wrote ? "; this run had only switched its journal mode"
            : "; it was left untouched";
  const int application_id = db.execAndGet("PRAGMA application_id").getInt();
  const int version = db.execAndGet("PRAGMA user_version").getInt();
  if (application_id == 0 && version == 0 && !has_tables(db)) {
    return; // a new, empty database
  }
  if (application_id != k_application_id) {
    throw Error(core::ExitCode::database,
                path + " is an SQLite database of some other program"
                    + untouched
                    + " (point store.database or --db at another file)");
  }
  if (version > k_schema_version) {
    throw Error(core::ExitCode::database,
                path + " has schema " + std::to_string(version)
                    + ", newer than this smsotp ("
                    + std::to_string(k_schema_version)
                    + "); refusing to downgrade it: use the newer smsotp");
  }
  check_schema(db, path, version, untouched);
}

void migrate(SQLite::Database& db, const std::string& path, bool wrote)
{
  ImmediateTransaction transaction(db);
  // Checked again under the write lock: another process may have migrated
  // between our first look and now.
  check_identity(db, path, wrote);
  int version = db.execAndGet("PRAGMA user_version").getInt();
  if (version == k_schema_version) {
    return;
  }
  for (; version < k_schema_version; ++version) {
    db.exec(k_migrations.at(static_cast<std::size_t>(version)));
  }
  db.exec("PRAGMA application_id = " + std::to_string(k_application_id));
  db.exec("PRAGMA user_version = " + std::to_string(k_schema_version));
  transaction.commit();
}

} // namespace

std::vector<std::string> built_schema(int version)
{
  return built_schema_cached(version);
}

std::vector<std::string> current_schema()
{
  return {k_current_schema.begin(), k_current_schema.end()};
}

namespace {

// Switching a new database to WAL needs an exclusive lock, and SQLite does
// not always wait for it: retry while another process holds it.
std::string switch_to_wal(SQLite::Database& db)
{
  const auto deadline = std::chrono::steady_clock::now()
                        + std::chrono::milliseconds(k_busy_timeout_ms);
  while (true) {
    try {
      return db.execAndGet("PRAGMA journal_mode = WAL").getString();
    } catch (const SQLite::Exception& error) {
      const int code = error.getErrorCode() & 0xff;
      if ((code != SQLITE_BUSY && code != SQLITE_LOCKED)
          || std::chrono::steady_clock::now() > deadline) {
        throw;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
}

} // namespace

void prepare_connection(SQLite::Database& db,
                        const std::string& path,
                        bool& wrote)
{
  install_busy_handler(db);
  {
    // One read transaction, so that a concurrent first-time migration is
    // seen either wholly or not at all (never "tables but no identity").
    db.exec("BEGIN");
    try {
      check_identity(db, path, false);
    } catch (...) {
      rollback_quietly(db);
      throw;
    }
    db.exec("COMMIT");
  }
  const std::string current = db.execAndGet("PRAGMA journal_mode").getString();
  if (current != "wal") {
    wrote = true; // the header records the journal mode
  }
  const std::string mode = current == "wal" ? current : switch_to_wal(db);
  if (mode != "wal") {
    throw Error(
        core::ExitCode::cant_create,
        path + ": cannot switch to WAL journal mode (got '" + mode
            + "'); is the directory writable and on a local file system?");
  }
  // FULL: under WAL with NORMAL a committed consume can roll back after a
  // power loss, which would make a used code valid again.
  db.exec("PRAGMA synchronous = FULL");
  db.exec("PRAGMA foreign_keys = ON");
  if (db.execAndGet("PRAGMA user_version").getInt() != k_schema_version) {
    migrate(db, path, wrote);
    wrote = true;
  }
  defer_checkpoints(db);
}

} // namespace smsotp::store::detail
