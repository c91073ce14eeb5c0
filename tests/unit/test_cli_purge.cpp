// Tests for src/cli/purge.cpp (run_purge in-process).

#include "cli_fixture.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using smsotp::test::CliFixture;
using smsotp::test::k_cli_t0;
using smsotp::test::k_cli_to;

TEST_CASE("purge removes used codes and reports the counts")
{
  CliFixture cli;
  REQUIRE(cli.send_to(k_cli_to).status == 0);
  REQUIRE(cli.verify_code(k_cli_to, cli.last_code()).status == 0);
  // A used code counts toward the daily sending limit for a day; after
  // that it is only clutter.
  cli.clock().set(k_cli_t0 + 86400 + 1);
  cli.global.json = true;
  smsotp::cli::PurgeOptions options;
  options.dry_run = true;
  const auto dry = nlohmann::json::parse(cli.purge(options).out);
  CHECK(dry.at("dry_run") == true);
  CHECK(dry.at("challenges") == 1);
  options.dry_run = false;
  const auto real = cli.purge(options);
  CHECK(real.status == 0);
  CHECK(nlohmann::json::parse(real.out).at("challenges") == 1);
  CHECK(nlohmann::json::parse(cli.purge(options).out).at("challenges") == 0);
}

TEST_CASE("purge keeps used codes that still count toward a sending limit")
{
  CliFixture cli;
  REQUIRE(cli.send_to(k_cli_to).status == 0);
  REQUIRE(cli.verify_code(k_cli_to, cli.last_code()).status == 0);
  smsotp::cli::PurgeOptions options;
  options.older_than = "0s";
  CHECK(cli.purge(options).out.starts_with("0 challenges"));
  // Otherwise a purge right after each code would defeat min_interval.
  cli.clock().set(k_cli_t0 + 10);
  CHECK(cli.send_to(k_cli_to).status == 75);
}

TEST_CASE("purge keeps a live code")
{
  CliFixture cli;
  REQUIRE(cli.send_to(k_cli_to).status == 0);
  const auto code = cli.last_code();
  const auto result = cli.purge({});
  CHECK(result.status == 0);
  CHECK(result.out.starts_with("0 challenges"));
  CHECK(cli.verify_code(k_cli_to, code).status == 0);
}

TEST_CASE("purge --to lifts a lockout")
{
  CliFixture cli("[otp]\nlockout_after = 1\n[provider.outbox]\nkind = "
                 "\"file\"\npath = \"outbox.txt\"\n");
  REQUIRE(cli.send_to(k_cli_to).status == 0);
  const std::string wrong = cli.last_code() == "000000" ? "111111" : "000000";
  REQUIRE(cli.verify_code(k_cli_to, wrong).status == 1);
  REQUIRE(cli.send_to(k_cli_to).status == 75);
  smsotp::cli::PurgeOptions options;
  options.to = "+1 503 323 4567";
  CHECK(cli.purge(options).status == 0);
  CHECK(cli.send_to(k_cli_to).status == 0);
}

TEST_CASE("purge rejects contradictory or malformed options with 64")
{
  CliFixture cli;
  smsotp::cli::PurgeOptions both;
  both.all = true;
  both.to = k_cli_to;
  CHECK(cli.purge(both).status == 64);
  smsotp::cli::PurgeOptions bad_age;
  bad_age.older_than = "1 hour";
  CHECK(cli.purge(bad_age).status == 64);
  smsotp::cli::PurgeOptions bad_number;
  bad_number.to = "5551234567";
  CHECK(cli.purge(bad_number).status == 64);
}

TEST_CASE("purge without a database succeeds and creates none")
{
  CliFixture cli;
  const auto result = cli.purge({});
  CHECK(result.status == 0);
  CHECK_FALSE(smsotp::test::path_exists(cli.file("state.db")));
}
