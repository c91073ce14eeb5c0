// Tests for src/cli/verify.cpp (run_verify in-process).

#include "cli_fixture.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using smsotp::test::CliFixture;
using smsotp::test::k_cli_t0;
using smsotp::test::k_cli_to;

TEST_CASE("verify accepts the delivered code once")
{
  CliFixture cli;
  REQUIRE(cli.send_to(k_cli_to).status == 0);
  const auto code = cli.last_code();
  const auto first = cli.verify_code("+1 503 323 4567", code);
  CHECK(first.status == 0);
  CHECK(first.out == "verified\n");
  const auto second = cli.verify_code(k_cli_to, code);
  CHECK(second.status == 1);
  CHECK(second.out == "verification failed\n");
}

TEST_CASE("every rejection looks the same without verbose")
{
  CliFixture cli;
  REQUIRE(cli.send_to(k_cli_to).status == 0);
  const auto code = cli.last_code();
  const std::string wrong = code == "000000" ? "111111" : "000000";
  const auto mismatch = cli.verify_code(k_cli_to, wrong);
  const auto unknown = cli.verify_code("+447400123456", wrong);
  CHECK(mismatch.status == 1);
  CHECK(unknown.status == 1);
  CHECK(mismatch.out == unknown.out);
  CHECK(mismatch.err == unknown.err);
}

TEST_CASE("verify --json and --verbose give the reason")
{
  CliFixture cli;
  REQUIRE(cli.send_to(k_cli_to).status == 0);
  const auto code = cli.last_code();
  cli.global.json = true;
  const auto wrong = nlohmann::json::parse(
      cli.verify_code(k_cli_to, code == "000000" ? "111111" : "000000").out);
  CHECK(wrong.at("verified") == false);
  CHECK(wrong.at("reason") == "mismatch");
  CHECK(wrong.at("attempts") == 1);
  const auto ok = cli.verify_code(k_cli_to, code);
  CHECK(ok.status == 0);
  CHECK(nlohmann::json::parse(ok.out).at("verified") == true);
  cli.global.json = false;
  cli.global.verbose = true;
  CHECK_CONTAINS(cli.verify_code(k_cli_to, code).err, "reason: used");
}

TEST_CASE("-vv shows the purpose verify's flag set, with the flag")
{
  CliFixture cli;
  cli.global.verbose = 2; // -vv: every setting's origin
  smsotp::cli::VerifyOptions options;
  options.to = "+15033234567";
  options.code = "123456";
  options.purpose = "reset";
  const auto result = cli.verify(options);
  CHECK(result.status == 1);
  CHECK_CONTAINS(result.err, "otp.purpose = reset (flag --purpose)");
}

TEST_CASE("a malformed code is 64 and is not counted")
{
  CliFixture cli;
  REQUIRE(cli.send_to(k_cli_to).status == 0);
  const auto code = cli.last_code();
  for (const std::string bad : {"12345", "+123456", "\xd9\xa1\xd9\xa2"}) {
    CAPTURE(bad);
    const auto result = cli.verify_code(k_cli_to, bad);
    CHECK(result.status == 64);
    CHECK(result.out.empty());
  }
  cli.global.json = true;
  const auto ok = nlohmann::json::parse(cli.verify_code(k_cli_to, code).out);
  CHECK(ok.at("verified") == true);
  CHECK(ok.at("attempts") == 1);
}

TEST_CASE("verify with spaces dashes and a newline in the code")
{
  CliFixture cli;
  REQUIRE(cli.send_to(k_cli_to).status == 0);
  const auto code = cli.last_code();
  const auto typed = code.substr(0, 3) + "-" + code.substr(3) + "\n";
  CHECK(cli.verify_code(k_cli_to, typed).status == 0);
}

TEST_CASE("verify before any send is a plain failure and creates nothing")
{
  CliFixture cli;
  const auto result = cli.verify_code(k_cli_to, "123456");
  CHECK(result.status == 1);
  CHECK(result.out == "verification failed\n");
  CHECK_FALSE(smsotp::test::path_exists(cli.file("state.db")));
}

TEST_CASE("an expired code fails at exactly expires_at")
{
  CliFixture cli;
  REQUIRE(cli.send_to(k_cli_to).status == 0);
  const auto code = cli.last_code();
  cli.clock().set(k_cli_t0 + 300);
  CHECK(cli.verify_code(k_cli_to, code).status == 1);
}

TEST_CASE("a locked recipient gets 75 with retry-after")
{
  CliFixture cli("[otp]\nlockout_after = 2\n[provider.outbox]\nkind = "
                 "\"file\"\npath = \"outbox.txt\"\n");
  REQUIRE(cli.send_to(k_cli_to).status == 0);
  const auto code = cli.last_code();
  const std::string wrong = code == "000000" ? "111111" : "000000";
  CHECK(cli.verify_code(k_cli_to, wrong).status == 1);
  CHECK(cli.verify_code(k_cli_to, wrong).status == 1);
  const auto locked = cli.verify_code(k_cli_to, code);
  CHECK(locked.status == 75);
  CHECK_CONTAINS(locked.err, "retry-after");
  CHECK(cli.send_to(k_cli_to).status == 75);
}

TEST_CASE("a well-formed code of another length is a counted mismatch")
{
  // The answer to 6..10 digits must not depend on whether the number holds
  // a live code (or of which length): that would be an oracle.
  CliFixture cli;
  REQUIRE(cli.send_to(k_cli_to).status == 0);
  const auto code = cli.last_code();
  REQUIRE(code.size() == 6);
  const auto longer = cli.verify_code(k_cli_to, "1234567");
  const auto unknown = cli.verify_code("+447400123456", "1234567");
  CHECK(longer.status == 1);
  CHECK(longer.out == "verification failed\n");
  CHECK(unknown.status == 1);
  CHECK(longer.out == unknown.out);
  CHECK(longer.err == unknown.err);
  cli.global.json = true;
  const auto counted =
      nlohmann::json::parse(cli.verify_code(k_cli_to, "1234567890").out);
  CHECK(counted.at("reason") == "mismatch");
  CHECK(counted.at("attempts") == 2);
  const auto ok = nlohmann::json::parse(cli.verify_code(k_cli_to, code).out);
  CHECK(ok.at("verified") == true);
  CHECK(ok.at("attempts") == 3);
}
