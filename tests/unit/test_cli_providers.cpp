// Tests for src/cli/providers.cpp (run_providers in-process).

#include "cli_fixture.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using smsotp::test::CliFixture;

TEST_CASE("providers lists what is configured and never a secret")
{
  CliFixture cli;
  cli.write_config("[send]\nproviders = [\"tw\"]\n"
                   "[store]\ndatabase = \"state.db\"\n"
                   "[provider.outbox]\nkind = \"file\"\npath = \"outbox.txt\"\n"
                   "[provider.tw]\nkind = \"twilio\"\naccount_sid = \"AC"
                   + std::string(32, '1')
                   + "\"\nfrom = \"+15017122661\"\n"
                     "auth_token = \"v3ry-s3cret-t0ken\"\n");
  const auto text = cli.providers();
  CHECK(text.status == 0);
  CHECK_CONTAINS(text.out, "outbox\tfile");
  CHECK_CONTAINS(text.out, "tw\ttwilio\t+15017122661\torder 1");
  CHECK_CONTAINS(text.out, "inline in config");
  CHECK_NOT_CONTAINS(text.out + text.err, "v3ry-s3cret-t0ken");

  cli.global.json = true;
  cli.global.verbose = 2; // -vv: every setting, none may show a secret
  const auto json_run = cli.providers();
  CHECK_NOT_CONTAINS(json_run.out + json_run.err, "v3ry-s3cret-t0ken");
  const auto json = nlohmann::json::parse(json_run.out);
  CHECK(json.at("providers").size() == 2);
  CHECK(json.at("kinds").size() >= 2);
}

TEST_CASE("providers with a bad provider table is a config error")
{
  CliFixture cli("[provider.sms]\nkind = \"twillio\"\n");
  const auto result = cli.providers();
  CHECK(result.status == 78);
  CHECK_CONTAINS(result.err, "did you mean 'twilio'");
}
