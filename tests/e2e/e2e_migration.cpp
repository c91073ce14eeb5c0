// Schema migrations through the binary: a database written by schema
// version 1, 2 or 3 is migrated to version 4 (provider_health in 3, the
// challenge_by_time index of the sending limits in 4) by the next send,
// keeping its rows; one from a newer smsotp is refused untouched.

#include "steps.hpp"

using namespace e2e;

namespace {

// Schema version 1, as src/store/schema.cpp's first migration creates it.
constexpr const char* k_schema_v1 =
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
    "'consumed', 'superseded', 'exhausted', 'expired')),"
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
    ");";

// Version 3's provider_health table.
constexpr const char* k_provider_health = "CREATE TABLE provider_health ("
                                          "  provider TEXT PRIMARY KEY,"
                                          "  skip_until INTEGER NOT NULL,"
                                          "  reason TEXT NOT NULL,"
                                          "  updated_at INTEGER NOT NULL"
                                          ");";

// "smso": smsotp's application_id.
constexpr const char* k_identity = "PRAGMA application_id = 1936552815;";

// An old finished challenge and a counter for another number, which the
// migration must keep.
constexpr const char* k_old_rows =
    "INSERT INTO challenge (id, recipient, recipient_masked, purpose, tag,"
    " code_length, created_at, expires_at, attempts, max_attempts, state,"
    " provider, finished_at) VALUES ('ch_000000000000000000000001',"
    " '+15033109876', '+15*******76', 'login', NULL, 6, 1600000000,"
    " 1600000300, 1, 5, 'consumed', 'outbox', 1600000100);"
    "INSERT INTO recipient (recipient, consecutive_failures, updated_at)"
    " VALUES ('+15033109876', 2, 1600000100);";

std::string column_names(const std::string& db, const std::string& table)
{
  return sql_value(db,
                   "SELECT group_concat(name, ',') FROM pragma_table_info('"
                       + table + "')");
}

} // namespace

TEST_CASE("a version 1, 2 or 3 database is migrated to version 4 on send")
{
  for (const int version : {1, 2, 3}) {
    CAPTURE(version);
    const Sandbox box;
    std::filesystem::create_directories(box.path("state"));
    std::string ddl = k_schema_v1;
    if (version >= 2) {
      ddl += "ALTER TABLE challenge ADD COLUMN superseded_by TEXT;";
    }
    if (version >= 3) {
      ddl += k_provider_health;
    }
    sql_exec(box.db(),
             ddl + k_identity + k_old_rows
                 + "PRAGMA user_version = " + std::to_string(version) + ";");
    set_mode(box.db(), 0600);
    REQUIRE(sql_value(box.db(), "PRAGMA user_version")
            == std::to_string(version));

    const std::string config = box.file_config();
    const std::string code = send_code(box, config);
    CHECK(sql_value(box.db(), "PRAGMA user_version") == "5");
    CHECK(sql_value(box.db(), "PRAGMA application_id") == "1936552815");
    CHECK(sql_value(box.db(), "PRAGMA journal_mode") == "wal");
    CHECK(column_names(box.db(), "provider_health")
          == "provider,skip_until,reason,updated_at");
    CHECK(contains(column_names(box.db(), "challenge"), ",superseded_by"));
    CHECK(sql_value(box.db(),
                    "SELECT group_concat(name, ',') FROM "
                    "pragma_index_info('challenge_by_time')")
          == "created_at");
    CHECK(sql_value(box.db(), "PRAGMA integrity_check") == "ok");
    // The old rows survived.
    CHECK(sql_value(box.db(),
                    "SELECT state FROM challenge WHERE id = "
                    "'ch_000000000000000000000001'")
          == "consumed");
    CHECK(sql_value(box.db(),
                    "SELECT consecutive_failures FROM recipient WHERE "
                    "recipient = '+15033109876'")
          == "2");
    CHECK(sql_value(box.db(), "SELECT count(*) FROM challenge") == "2");
    // And the new code works, once.
    CHECK(verify(box, config, wrong_code(code)).exit_code == 1);
    CHECK(verify(box, config, code).exit_code == 0);
    CHECK(verify(box, config, code).exit_code == 1);
    // A second run finds nothing more to migrate.
    CHECK(send_code(box, config) != "");
    CHECK(sql_value(box.db(), "PRAGMA user_version") == "5");
  }
}

TEST_CASE("a database from a newer smsotp is refused and left byte-identical")
{
  const Sandbox box;
  std::filesystem::create_directories(box.path("state"));
  sql_exec(box.db(),
           std::string(k_schema_v1)
               + "ALTER TABLE challenge ADD COLUMN superseded_by TEXT;"
               + k_provider_health
               + "CREATE INDEX challenge_by_time ON challenge (created_at);"
                 "CREATE TABLE from_the_future (x);"
               + k_identity + k_old_rows + "PRAGMA user_version = 99;");
  set_mode(box.db(), 0600);
  const std::string before = read_file(box.db());
  const std::string config = box.file_config();
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"send", "--to", k_to},
                                             {"verify", "--to", k_to, "123456"},
                                             {"purge"}}) {
    CAPTURE(args.front());
    std::vector<std::string> argv{"-c", config, "--json"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto result = box.run(argv);
    CHECK(result.exit_code == 65);
    CHECK(contains(result.err, "has schema 99, newer than this smsotp (5)"));
    CHECK(one_json(result)["error"]["exit_code"] == 65);
  }
  CHECK(read_file(box.db()) == before);
  CHECK_FALSE(file_exists(box.db() + "-wal"));
  CHECK_FALSE(file_exists(box.db() + "-shm"));
  CHECK(box.outbox_count() == 0);
}

TEST_CASE("an operator's ANALYZE leaves a healthy database usable")
{
  // ANALYZE (and PRAGMA optimize, which runs it) adds SQLite's own
  // sqlite_stat tables: not part of the schema smsotp's migrations create,
  // and not an edit (65).
  for (const char* maintenance : {"ANALYZE;", "ANALYZE challenge;"}) {
    CAPTURE(maintenance);
    const Sandbox box;
    const std::string config = box.file_config();
    send_code(box, config);
    sql_exec(box.db(), maintenance);
    REQUIRE(sql_value(box.db(),
                      "SELECT count(*) FROM sqlite_master WHERE name LIKE "
                      "'sqlite_stat%'")
            != "0");
    const std::string code = send_code(box, config);
    CHECK(verify(box, config, wrong_code(code)).exit_code == 1);
    CHECK(verify(box, config, code).exit_code == 0);
    CHECK(sql_value(box.db(), "PRAGMA integrity_check") == "ok");
  }
}

TEST_CASE("a live code of a version 4 database verifies after the "
          "migration to 5 (no key id)")
{
  // A code sent by the smsotp before key ids, still live when the new
  // smsotp first runs: its row gets key_id NULL and must still verify;
  // a wrong code still counts.
  const Sandbox box;
  const std::string config = box.file_config();
  const std::string code = send_code(box, config);
  sql_exec(
      box.db(),
      "ALTER TABLE challenge DROP COLUMN key_id; PRAGMA user_version = 4;");
  REQUIRE(sql_value(box.db(), "PRAGMA user_version") == "4");
  CHECK(verify(box, config, wrong_code(code)).exit_code == 1);
  CHECK(sql_value(box.db(), "PRAGMA user_version") == "5");
  CHECK(sql_value(box.db(), "SELECT key_id IS NULL FROM challenge") == "1");
  CHECK(sql_value(box.db(), "SELECT attempts FROM challenge") == "1");
  CHECK(verify(box, config, code).exit_code == 0);
  CHECK(verify(box, config, code).exit_code == 1);
}
