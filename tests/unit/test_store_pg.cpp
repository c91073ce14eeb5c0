// What only the PostgreSQL store has (issue 8): the server's clock, a
// schema created once however many hosts open it at the same moment, the
// schema name rule, and an unreachable server as a temporary error. The
// names end in <postgresql> so that ctest runs them with the suite's server
// (tests/unit/CMakeLists.txt); the contract shared with SQLite is in the
// other test_store_*.cpp files.

#include "store_fixture.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

#include <ctime>
#include <thread>

using smsotp::core::ExitCode;
using smsotp::store::OpenMode;
using smsotp::store::StoreOptions;
using smsotp::test::catch_error;
using smsotp::test::k_t0;
using smsotp::test::StoreFixture;

namespace {

StoreOptions options_for(const std::string& schema)
{
  StoreOptions options;
  options.database = pgtest::shared_server().socket_conninfo();
  options.schema = schema;
  return options;
}

std::string count_schemas(const std::string& schema)
{
  pgtest::Connection sql(pgtest::shared_server().socket_conninfo());
  return sql.value("SELECT count(*) FROM pg_namespace WHERE nspname = $1",
                   {schema});
}

} // namespace

TEST_CASE("expiry comes from the server's clock, not the caller's<postgresql>")
{
  StoreFixture helper(smsotp::test::Backend::postgresql);
  auto options = options_for(pgtest::unique_schema("clock"));
  REQUIRE(options.server_time);
  const auto store = smsotp::store::open_store(options, OpenMode::create);
  REQUIRE(store != nullptr);
  auto request = helper.request("123456");
  request.ttl = 120;
  // A caller whose clock is years behind.
  const auto reservation = store->reserve(request, k_t0);
  const auto server_now = static_cast<std::int64_t>(std::time(nullptr));
  CHECK(reservation.created_at >= server_now - 60);
  CHECK(reservation.created_at <= server_now + 60);
  CHECK(reservation.expires_at == reservation.created_at + 120);
  // The caller's `now` does not make the code expire either.
  const auto outcome = store->verify(
      StoreFixture::verify_request("123456"), &helper.key(), k_t0 + 100000);
  CHECK(outcome.verified());
}

TEST_CASE("hosts opening a new schema at once create it once<postgresql>")
{
  const std::string schema = pgtest::unique_schema("race");
  constexpr int k_hosts = 8;
  std::vector<std::thread> threads;
  std::vector<std::string> errors(k_hosts);
  for (int i = 0; i < k_hosts; ++i) {
    threads.emplace_back([&, i] {
      try {
        if (smsotp::store::open_store(options_for(schema), OpenMode::create)
            == nullptr) {
          errors[static_cast<std::size_t>(i)] = "nullptr";
        }
      } catch (const std::exception& error) {
        errors[static_cast<std::size_t>(i)] = error.what();
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  for (const auto& error : errors) {
    CHECK(error.empty());
  }
  pgtest::Connection sql(pgtest::shared_server().socket_conninfo(), schema);
  CHECK(sql.value("SELECT count(*) FROM smsotp_meta WHERE name = "
                  "'schema_version'")
        == "1");
  CHECK(sql.value("SELECT count(*) FROM challenge") == "0");
}

TEST_CASE("opening an existing store finds no schema and creates "
          "none<postgresql>")
{
  const std::string schema = pgtest::unique_schema("absent");
  CHECK(smsotp::store::open_store(options_for(schema), OpenMode::existing_only)
        == nullptr);
  CHECK(count_schemas(schema) == "0");
}

TEST_CASE("a schema name that is not a plain identifier is a config "
          "error<postgresql>")
{
  for (const std::string schema :
       {"Smsotp", "a-b", "x; DROP TABLE y", "", "1abc"}) {
    CAPTURE(schema);
    const auto caught = catch_error([&] {
      smsotp::store::open_store(options_for(schema), OpenMode::create);
    });
    CHECK(caught.code == ExitCode::config);
    CHECK(count_schemas(schema) == "0");
  }
}

TEST_CASE("an unreachable server is a temporary error with "
          "retry_after<postgresql>")
{
  StoreOptions options = options_for("smsotp");
  options.database =
      "host=127.0.0.1 port=" + std::to_string(pgtest::unused_port())
      + " user=smsotp dbname=smsotp";
  options.connect_timeout = 2;
  const auto caught = catch_error(
      [&] { smsotp::store::open_store(options, OpenMode::create); });
  CHECK(caught.code == ExitCode::temporary);
  CHECK(caught.retry_after.has_value());
  CHECK_CONTAINS(caught.message, "127.0.0.1");
}
