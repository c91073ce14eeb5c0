// The PostgreSQL schema: created and migrated on first use, once, however
// many hosts start at the same moment.
//
// smsotp's tables live in one schema (store.schema) with a marker table,
// smsotp_meta, holding application = smsotp and schema_version. Every
// command reads the marker in one statement (the fast path); only a
// missing or older schema takes the slow path: a transaction under the
// same advisory writer lock every write takes, which looks again (another
// host may just have migrated) and runs the missing migrations.

#include "core/error.hpp"
#include "store/pg_policy.hpp"
#include "store/pg_store.hpp"

#include <array>

namespace smsotp::store::detail {

namespace {

// Migration N takes the schema from version N to N + 1; "@." stands for the
// quoted schema prefix. Only ever append. Version 1 mirrors the SQLite
// schema at its newest version: bigint seconds, bytea tags (NULL once a
// challenge can no longer verify), the state CHECK, the same indexes, plus
// `seq` for SQLite's rowid (insertion order) and an index for finalize's
// lookups by superseded_by.
constexpr std::array<const char*, k_pg_schema_version> k_migrations{
    // 0 -> 1
    "CREATE TABLE @.challenge ("
    "  id text PRIMARY KEY,"
    "  seq bigint GENERATED ALWAYS AS IDENTITY,"
    "  recipient text NOT NULL,"
    "  recipient_masked text NOT NULL,"
    "  purpose text NOT NULL,"
    "  tag bytea,"
    "  key_id text,"
    "  code_length bigint NOT NULL,"
    "  created_at bigint NOT NULL,"
    "  expires_at bigint NOT NULL,"
    "  attempts bigint NOT NULL DEFAULT 0,"
    "  max_attempts bigint NOT NULL,"
    "  state text NOT NULL CHECK (state IN ('pending', 'sent', 'failed',"
    "    'consumed', 'superseded', 'exhausted', 'expired')),"
    "  provider text,"
    "  provider_message_id text,"
    "  finished_at bigint,"
    "  superseded_by text"
    ");"
    "CREATE INDEX challenge_by_recipient ON @.challenge"
    "  (recipient, purpose, created_at);"
    "CREATE INDEX challenge_by_state ON @.challenge (state, expires_at);"
    "CREATE INDEX challenge_by_time ON @.challenge (created_at);"
    "CREATE INDEX challenge_by_superseded ON @.challenge (superseded_by)"
    "  WHERE superseded_by IS NOT NULL;"
    "CREATE TABLE @.recipient ("
    "  recipient text PRIMARY KEY,"
    "  consecutive_failures bigint NOT NULL DEFAULT 0,"
    "  locked_until bigint,"
    "  updated_at bigint NOT NULL"
    ");"
    "CREATE TABLE @.provider_health ("
    "  provider text PRIMARY KEY,"
    "  skip_until bigint NOT NULL,"
    "  reason text NOT NULL,"
    "  updated_at bigint NOT NULL"
    ");",
};

std::string with_prefix(const std::string& sql, const std::string& prefix)
{
  std::string out;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    if (sql[i] == '@' && i + 1 < sql.size() && sql[i + 1] == '.') {
      out += prefix;
      ++i;
    } else {
      out += sql[i];
    }
  }
  return out;
}

struct Marker
{
  bool found = false;
  std::string application;
  int version = 0;
};

Marker read_marker(const PgResult& result)
{
  Marker marker;
  marker.found = true;
  for (int row = 0; row < result.rows(); ++row) {
    const auto name = result.text(row, 0).value_or("");
    const auto value = result.text(row, 1).value_or("");
    if (name == "application") {
      marker.application = value;
    } else if (name == "schema_version") {
      marker.version =
          static_cast<int>(std::strtol(value.c_str(), nullptr, 10));
    }
  }
  return marker;
}

std::string marker_sql(const std::string& prefix)
{
  return "SELECT name, value FROM " + prefix
         + "smsotp_meta WHERE name IN ('application', 'schema_version')";
}

// Throws Error(database) for a marker that is not ours or is newer; true
// if the schema is current.
bool check_marker(const Marker& marker,
                  const std::string& schema,
                  const std::string& display)
{
  const std::string where =
      "PostgreSQL store " + display + ", schema " + schema;
  if (marker.application != "smsotp") {
    throw Error(core::ExitCode::database,
                where
                    + " belongs to some other program (its smsotp_meta does "
                      "not say application=smsotp); it was left untouched: "
                      "set store.schema to another name");
  }
  if (marker.version > k_pg_schema_version) {
    throw Error(core::ExitCode::database,
                where + " has schema version " + std::to_string(marker.version)
                    + ", newer than this smsotp ("
                    + std::to_string(k_pg_schema_version)
                    + "); refusing to downgrade it: use the newer smsotp on "
                      "every host");
  }
  return marker.version == k_pg_schema_version;
}

// The slow path, in its own transaction under the writer lock.
bool migrate(PgConnection& connection,
             const StoreOptions& options,
             OpenMode mode)
{
  const std::string& schema = options.schema;
  const std::string prefix = pg_prefix(schema);
  connection.exec_batch(
      pg_begin(options, false) + "SELECT pg_advisory_xact_lock("
      + std::to_string(k_pg_lock_class) + ", hashtext('" + schema + "'))");
  const auto found = connection.exec(
      "SELECT n.oid IS NOT NULL,"
      " to_regclass(quote_ident($1) || '.smsotp_meta') IS NOT NULL,"
      " (SELECT count(*) FROM pg_class c WHERE c.relnamespace = n.oid"
      "   AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S'))"
      " FROM (SELECT 1) AS one LEFT JOIN pg_namespace n ON n.nspname = $1",
      {schema});
  const bool has_schema = found.text(0, 0) == "t";
  const bool has_marker = found.text(0, 1) == "t";
  const std::int64_t relations = found.number(0, 2);
  int version = 0;
  if (has_marker) {
    const auto marker = read_marker(connection.exec(marker_sql(prefix)));
    if (check_marker(marker, schema, connection.display())) {
      connection.exec_batch("COMMIT");
      return true; // another host migrated it meanwhile
    }
    version = marker.version;
  } else {
    if (relations > 0) {
      throw Error(core::ExitCode::database,
                  "PostgreSQL store " + connection.display() + ": schema "
                      + schema
                      + " holds tables but no smsotp_meta marker: it is not "
                        "smsotp's; it was left untouched: set store.schema to "
                        "another name");
    }
    // existing_only (verify, purge) creates nothing where there is no
    // schema at all; an empty schema of this name is the administrator's
    // invitation (see the man page's least-privilege setup, where the
    // owner's first `purge` creates the tables), so it is filled.
    if (mode == OpenMode::existing_only && !has_schema) {
      connection.exec_batch("ROLLBACK");
      return false;
    }
    connection.exec_batch(
        (has_schema ? std::string()
                    : "CREATE SCHEMA IF NOT EXISTS "
                          + prefix.substr(0, prefix.size() - 1) + "; ")
        + "CREATE TABLE " + prefix
        + "smsotp_meta (name text PRIMARY KEY, value text NOT NULL); "
          "INSERT INTO "
        + prefix
        + "smsotp_meta VALUES ('application', 'smsotp'), "
          "('schema_version', '0')");
  }
  for (; version < k_pg_schema_version; ++version) {
    connection.exec_batch(with_prefix(
        k_migrations.at(static_cast<std::size_t>(version)), prefix));
  }
  connection.exec(
      "UPDATE " + prefix
          + "smsotp_meta SET value = $1 WHERE name = 'schema_version'",
      {std::to_string(k_pg_schema_version)});
  connection.exec_batch("COMMIT");
  return true;
}

} // namespace

std::string pg_prefix(const std::string& schema)
{
  return "\"" + schema + "\".";
}

std::string pg_begin(const StoreOptions& options, bool read_only)
{
  return std::string(read_only ? "BEGIN READ ONLY; " : "BEGIN; ")
         + "SET LOCAL statement_timeout = "
         + std::to_string(options.statement_timeout * 1000)
         + "; SET LOCAL lock_timeout = "
         + std::to_string(options.lock_timeout * 1000) + "; ";
}

bool pg_ensure_schema(PgConnection& connection,
                      const StoreOptions& options,
                      OpenMode mode)
{
  const std::string prefix = pg_prefix(options.schema);
  const std::string doing = "checking the schema";
  try {
    // The fast path: one statement outside any transaction.
    const auto marker = read_marker(connection.exec(marker_sql(prefix)));
    if (check_marker(marker, options.schema, connection.display())) {
      return true;
    }
  } catch (const PgFailure& failure) {
    // 42P01 undefined_table, 3F000 invalid_schema_name: not created yet.
    if (failure.sqlstate() != "42P01" && failure.sqlstate() != "3F000") {
      throw_pg_error(
          failure, connection.display(), doing, false, connection.user());
    }
  }
  try {
    return migrate(connection, options, mode);
  } catch (const PgFailure& failure) {
    connection.rollback_quietly();
    if (failure.sqlstate() == "42501") {
      throw Error(core::ExitCode::permission,
                  "PostgreSQL store " + connection.display() + ": role '"
                      + connection.user()
                      + "' may not create or migrate schema " + options.schema
                      + " (" + failure.what()
                      + "); run any smsotp command once as the owner role to "
                        "create or migrate it, then retry");
    }
    throw_pg_error(failure,
                   connection.display(),
                   "creating or migrating schema " + options.schema,
                   false,
                   connection.user());
  } catch (...) {
    connection.rollback_quietly();
    throw;
  }
}

} // namespace smsotp::store::detail
