// Tests for src/store/sqlite_rows_purge.cpp beyond the store contract: a
// purge that deletes most challenges empties the table and puts the
// survivors back. Whichever way it goes, the rows left and the count
// returned must be exactly those of a plain DELETE with purge's condition.

#include "store/sqlite_common.hpp"
#include "store/store.hpp"
#include "store_fixture.hpp"
#include "testutil.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <doctest/doctest.h>

#include <string>
#include <vector>

using smsotp::store::open_sqlite_store;
using smsotp::store::OpenMode;
using smsotp::store::PurgeRequest;
using smsotp::store::detail::k_purge_empty_min;
using smsotp::test::k_alice;
using smsotp::test::k_bob;
using smsotp::test::k_t0;
using smsotp::test::StoreFixture;

namespace {

constexpr std::int64_t k_now = k_t0 + 500;
constexpr std::int64_t k_older_than = 200;
const std::string k_carol = "+15557654321";

// Every row of `table` in rowid order, each cell as "storage class:value",
// so that a changed type (an empty BLOB turned NULL) or rowid shows.
std::vector<std::string> snapshot(SQLite::Database& db,
                                  const std::string& table)
{
  SQLite::Statement query(db,
                          "SELECT rowid, * FROM " + table + " ORDER BY rowid");
  std::vector<std::string> rows;
  while (query.executeStep()) {
    std::string row;
    for (int column = 0; column < query.getColumnCount(); ++column) {
      const auto cell = query.getColumn(column);
      row += std::to_string(cell.getType()) + ":" + cell.getString() + "|";
    }
    rows.push_back(row);
  }
  return rows;
}

// `count` challenges that finished long ago, as a store that purge has not
// seen for months holds them; some without a tag, some with odd attempts.
void add_old_rows(const std::string& path, std::int64_t count)
{
  SQLite::Database db(path, SQLite::OPEN_READWRITE);
  SQLite::Statement insert(
      db,
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
      " WHERE i < :count)"
      " INSERT INTO challenge (id, recipient, recipient_masked, purpose, tag,"
      " code_length, created_at, expires_at, attempts, max_attempts, state,"
      " provider, provider_message_id, finished_at, superseded_by, key_id)"
      " SELECT printf('ch_old%06d', i), printf('+1555%07d', i), '+15***',"
      " 'login', CASE WHEN i % 3 = 0 THEN NULL ELSE"
      " CAST(printf('%032d', i) AS BLOB) END, 6, :t - 100000 + i,"
      " :t - 99700 + i, i % 4, 5,"
      " CASE WHEN i % 2 = 0 THEN 'expired' ELSE 'consumed' END,"
      " 'twilio', 'SM' || i, :t - 99000 + i, NULL, 'k1' FROM n");
  insert.bind(":count", count);
  insert.bind(":t", k_t0);
  insert.exec();
}

// Rows purge must keep: Alice's live code, a code superseded by Bob's live
// one (superseded_by set, tag kept), Carol's locked counter and exhausted
// challenge, and a hand-written live row whose tag is an empty BLOB and
// whose key_id and provider are NULL. Plus three rows that go.
void add_scenario(StoreFixture& fixture)
{
  auto consumed = fixture.request("111111", k_alice, "a");
  fixture.store().reserve(consumed, k_t0);
  auto verify = StoreFixture::verify_request("111111");
  verify.purpose = "a";
  REQUIRE(fixture.store().verify(verify, &fixture.key(), k_t0 + 1).verified());
  auto expired = fixture.request("222222", k_alice, "b");
  expired.ttl = 60;
  fixture.store().reserve(expired, k_t0);
  fixture.reserve("333333", k_t0 + 2, k_carol);

  fixture.reserve("444444", k_t0 + 400);
  fixture.reserve("555555", k_t0 + 401, k_bob);
  fixture.reserve("666666", k_t0 + 402, k_bob);
  fixture.reserve("777777", k_t0 + 403, k_carol);
  for (int i = 0; i < 10; ++i) {
    (void)fixture.verify("000000", k_t0 + 410 + i, k_carol);
  }
  SQLite::Database db(fixture.path(), SQLite::OPEN_READWRITE);
  db.exec("INSERT INTO challenge (id, recipient, recipient_masked, purpose,"
          " tag, code_length, created_at, expires_at, max_attempts, state)"
          " VALUES ('ch_handmade', '+15550000000', '+15***', 'login', X'',"
          " 6, 1700000450, 1700000900, 5, 'sent')");
}

struct Reference
{
  std::int64_t purged = 0;
  std::vector<std::string> challenges;
  std::vector<std::string> recipients;
};

// What a plain DELETE with purge's condition leaves, in a transaction that
// is rolled back.
Reference delete_reference(const std::string& path)
{
  SQLite::Database db(path, SQLite::OPEN_READWRITE);
  db.exec("BEGIN IMMEDIATE");
  SQLite::Statement remove(
      db,
      "DELETE FROM challenge WHERE (state NOT IN ('pending', 'sent') OR"
      " expires_at <= :now) AND coalesce(finished_at, expires_at) <= :before");
  remove.bind(":now", k_now);
  remove.bind(":before", k_now - k_older_than);
  Reference reference;
  reference.purged = remove.exec();
  reference.challenges = snapshot(db, "challenge");
  reference.recipients = snapshot(db, "recipient");
  db.exec("ROLLBACK");
  return reference;
}

void check_purge_matches_delete(std::int64_t old_rows, bool empties)
{
  StoreFixture fixture;
  add_scenario(fixture);
  add_old_rows(fixture.path(), old_rows);
  // expire_stale marks Bob's and Alice's expired codes first; a dry run
  // does that too, so the reference is taken after it.
  PurgeRequest request;
  request.older_than = k_older_than;
  request.dry_run = true;
  const auto dry = fixture.store().purge(request, k_now);
  const auto reference = delete_reference(fixture.path());
  REQUIRE(reference.purged == dry.challenges);
  // The case is on the side of the threshold it means to test.
  REQUIRE((reference.purged > k_purge_empty_min) == empties);
  REQUIRE(reference.challenges.size() > 5);

  request.dry_run = false;
  const auto counts = fixture.store().purge(request, k_now);
  CHECK(counts.challenges == reference.purged);
  {
    SQLite::Database db(fixture.path(), SQLite::OPEN_READONLY);
    CHECK(snapshot(db, "challenge") == reference.challenges);
    CHECK(snapshot(db, "recipient") == reference.recipients);
  }
  CHECK(fixture.state_of("ch_handmade") == "sent");
  CHECK(fixture.verify("444444", k_now + 1).verified());
  CHECK(fixture.verify("666666", k_now + 1, k_bob).verified());

  // The next open checks the schema (it would throw on a change).
  fixture.close();
  auto reopened = open_sqlite_store(fixture.path(), OpenMode::existing_only);
  CHECK(reopened != nullptr);
}

} // namespace

TEST_CASE("a purge that deletes most rows leaves exactly what DELETE leaves")
{
  check_purge_matches_delete(k_purge_empty_min + 5, true);
}

TEST_CASE("a purge just under the threshold deletes row by row, same result")
{
  check_purge_matches_delete(k_purge_empty_min - 5, false);
}
