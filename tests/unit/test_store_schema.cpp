// Tests for src/store/schema.cpp (through open_sqlite_store): creating,
// recognising and refusing database files.

#include "store/sqlite_common.hpp"
#include "store/store.hpp"
#include "store_fixture.hpp"
#include "testutil.hpp"

#include <SQLiteCpp/Database.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

using smsotp::core::ExitCode;
using smsotp::store::open_sqlite_store;
using smsotp::store::OpenMode;
using smsotp::test::catch_error;
using smsotp::test::TempDir;

namespace {

std::vector<std::string> directory_entries(const std::string& path)
{
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(path)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Opening `path` must fail with 65 and leave it and its directory as they
// were.
void check_refused_untouched(const TempDir& dir, const std::string& path)
{
  const auto before = smsotp::test::read_file(path);
  const auto entries = directory_entries(dir.path());
  for (const auto mode : {OpenMode::create, OpenMode::existing_only}) {
    const auto caught = catch_error([&] { open_sqlite_store(path, mode); });
    CHECK(caught.code == ExitCode::database);
    CHECK(static_cast<int>(caught.code) == 65);
    CHECK_CONTAINS(caught.message, path);
  }
  CHECK(smsotp::test::read_file(path) == before);
  CHECK(directory_entries(dir.path()) == entries);
}

} // namespace

TEST_CASE("a new database is created 0600 even under umask 000")
{
  TempDir dir;
  const smsotp::test::ScopedUmask umask(0);
  const auto path = dir.file("state/dir/state.db");
  {
    auto store = open_sqlite_store(path, OpenMode::create);
    REQUIRE(store != nullptr);
    smsotp::store::ReserveRequest request;
    request.challenge_id = "ch_1";
    request.recipient = "+15551234567";
    request.recipient_masked = "+15*******67";
    request.purpose = "login";
    store->reserve(request, smsotp::test::k_t0);
    CHECK(smsotp::test::file_mode(path) == 0600);
    for (const auto* suffix : {"-wal", "-shm"}) {
      if (smsotp::test::path_exists(path + suffix)) {
        CAPTURE(suffix);
        CHECK(smsotp::test::file_mode(path + suffix) == 0600);
      }
    }
  }
  CHECK(smsotp::test::file_mode(path) == 0600);
  CHECK(smsotp::test::file_mode(dir.file("state/dir")) == 0700);
}

TEST_CASE("a new database uses WAL and carries smsotp's identity")
{
  TempDir dir;
  const auto path = dir.file("state.db");
  open_sqlite_store(path, OpenMode::create).reset();
  SQLite::Database db(path, SQLite::OPEN_READWRITE);
  CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
  CHECK(db.execAndGet("PRAGMA application_id").getInt() == 0x736d736f);
  CHECK(db.execAndGet("PRAGMA user_version").getInt()
        == smsotp::store::detail::k_schema_version);
  CHECK(db.tableExists("challenge"));
  CHECK(db.tableExists("recipient"));
}

TEST_CASE("a database is reopened with its contents")
{
  TempDir dir;
  const auto path = dir.file("state.db");
  smsotp::store::ReserveRequest request;
  request.challenge_id = "ch_keep";
  request.recipient = "+15551234567";
  request.recipient_masked = "+15*******67";
  request.purpose = "login";
  open_sqlite_store(path, OpenMode::create)
      ->reserve(request, smsotp::test::k_t0);
  auto again = open_sqlite_store(path, OpenMode::existing_only);
  REQUIRE(again != nullptr);
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("SELECT count(*) FROM challenge WHERE id = 'ch_keep'")
            .getInt()
        == 1);
}

TEST_CASE("existing_only on a missing path creates nothing")
{
  TempDir dir;
  const auto path = dir.file("sub/state.db");
  CHECK(open_sqlite_store(path, OpenMode::existing_only) == nullptr);
  CHECK_FALSE(smsotp::test::path_exists(path));
  CHECK_FALSE(smsotp::test::path_exists(dir.file("sub")));
}

TEST_CASE("a text file at the database path is refused and left untouched")
{
  TempDir dir;
  const auto path = dir.file("state.db");
  smsotp::test::write_file(path, "these are my notes\nline two\n", 0600);
  check_refused_untouched(dir, path);
}

TEST_CASE("random bytes at the database path are refused and left untouched")
{
  TempDir dir;
  const auto path = dir.file("state.db");
  std::string noise;
  std::uint32_t state = 12345;
  for (int i = 0; i < 8192; ++i) {
    state = state * 1103515245U + 12345U;
    noise.push_back(static_cast<char>(state >> 24U));
  }
  smsotp::test::write_file(path, noise, 0600);
  check_refused_untouched(dir, path);
}

TEST_CASE("another program's SQLite database is refused and left untouched")
{
  TempDir dir;
  const auto path = dir.file("state.db");
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE notes (body TEXT)");
    db.exec("INSERT INTO notes VALUES ('keep me')");
  }
  check_refused_untouched(dir, path);
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "delete");
  CHECK_FALSE(db.tableExists("challenge"));
}

TEST_CASE("a database from a newer smsotp is refused and left untouched")
{
  TempDir dir;
  const auto path = dir.file("state.db");
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA application_id = " + std::to_string(0x736d736f));
    db.exec("PRAGMA user_version = 99");
    db.exec("CREATE TABLE future (x)");
  }
  const auto caught =
      catch_error([&] { open_sqlite_store(path, OpenMode::create); });
  CHECK_CONTAINS(caught.message, "99");
  check_refused_untouched(dir, path);
}

TEST_CASE("an empty file is treated as a new database")
{
  TempDir dir;
  const auto path = dir.file("state.db");
  smsotp::test::write_file(path, "", 0600);
  auto store = open_sqlite_store(path, OpenMode::existing_only);
  REQUIRE(store != nullptr);
  store.reset();
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  CHECK(db.execAndGet("PRAGMA application_id").getInt() == 0x736d736f);
}

TEST_CASE("a directory at the database path cannot be used")
{
  TempDir dir;
  const auto caught =
      catch_error([&] { open_sqlite_store(dir.path(), OpenMode::create); });
  CHECK(caught.thrown);
  CHECK(caught.code == ExitCode::cant_create);
}

TEST_CASE("a database written by the first smsotp build keeps working")
{
  // Schema version 1 exactly as commit f0ca3d4 created it. Later builds
  // must migrate such a file forward, not fail on it.
  TempDir dir;
  const auto path = dir.file("state.db");
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec(
        "CREATE TABLE challenge (id TEXT PRIMARY KEY, recipient TEXT NOT NULL,"
        " recipient_masked TEXT NOT NULL, purpose TEXT NOT NULL, tag BLOB,"
        " code_length INTEGER NOT NULL, created_at INTEGER NOT NULL,"
        " expires_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
        " max_attempts INTEGER NOT NULL, state TEXT NOT NULL CHECK (state IN"
        " ('pending', 'sent', 'failed', 'consumed', 'superseded', 'exhausted',"
        " 'expired')), provider TEXT, provider_message_id TEXT,"
        " finished_at INTEGER);"
        "CREATE INDEX challenge_by_recipient ON challenge (recipient, purpose,"
        " created_at);"
        "CREATE INDEX challenge_by_state ON challenge (state, expires_at);"
        "CREATE TABLE recipient (recipient TEXT PRIMARY KEY,"
        " consecutive_failures INTEGER NOT NULL DEFAULT 0,"
        " locked_until INTEGER, updated_at INTEGER NOT NULL);");
    db.exec("PRAGMA application_id = " + std::to_string(0x736d736f));
    db.exec("PRAGMA user_version = 1");
    db.exec("PRAGMA journal_mode = WAL");
  }
  smsotp::test::StoreFixture helper; // only for its request() helper
  const auto first = helper.request("111111");
  const auto second = helper.request("222222");
  auto store = open_sqlite_store(path, OpenMode::existing_only);
  REQUIRE(store != nullptr);
  store->reserve(first, smsotp::test::k_t0);
  store->finalize(first.challenge_id,
                  {smsotp::core::SendStatus::sent, "p", "SM1", "", {}},
                  smsotp::test::k_t0 + 1);
  store->reserve(second, smsotp::test::k_t0 + 40);
  store->finalize(second.challenge_id,
                  {smsotp::core::SendStatus::sent, "p", "SM2", "", {}},
                  smsotp::test::k_t0 + 41);
  const auto outcome =
      store->verify(smsotp::test::StoreFixture::verify_request("222222"),
                    &helper.key(),
                    smsotp::test::k_t0 + 42);
  CHECK(outcome.verified());
}

TEST_CASE("our database with a lowered user_version is refused untouched")
{
  for (const int version : {0, 1, 3}) {
    CAPTURE(version);
    TempDir dir;
    const auto path = dir.file("state.db");
    open_sqlite_store(path, OpenMode::create).reset();
    {
      SQLite::Database db(path, SQLite::OPEN_READWRITE);
      db.exec("PRAGMA user_version = " + std::to_string(version));
    }
    check_refused_untouched(dir, path);
    const auto caught =
        catch_error([&] { open_sqlite_store(path, OpenMode::create); });
    CHECK_CONTAINS(caught.message, "says schema version");
  }
}

TEST_CASE("an edited schema is refused untouched, named by its object")
{
  TempDir dir;
  const auto path = dir.file("state.db");
  open_sqlite_store(path, OpenMode::create).reset();
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    db.exec("CREATE TABLE extra (x)");
  }
  check_refused_untouched(dir, path);
  const auto caught =
      catch_error([&] { open_sqlite_store(path, OpenMode::create); });
  CHECK_CONTAINS(caught.message, "unexpected table extra");
}

TEST_CASE("the schema kept in the source is what the migrations build")
{
  // Opening a current database compares with the kept copy and builds
  // nothing; a stale copy would send every open to the slow path.
  CHECK(smsotp::store::detail::current_schema()
        == smsotp::store::detail::built_schema(
            smsotp::store::detail::k_schema_version));
  CHECK(smsotp::store::detail::built_schema(0).empty());
}
