// Tests for src/cli/context.cpp.

#include "cli/context.hpp"
#include "cli/provider_use.hpp"
#include "cli_fixture.hpp"
#include "provider/base/provider.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

using smsotp::core::ExitCode;
using smsotp::core::Origin;
using smsotp::test::catch_error;
using smsotp::test::CliFixture;

namespace {

smsotp::test::Caught context_error(CliFixture& cli)
{
  smsotp::test::Caught caught;
  cli.run([&](const smsotp::cli::Output& out) {
    caught = catch_error(
        [&] { smsotp::cli::make_context(cli.global, out, cli.clock()); });
    return 0;
  });
  return caught;
}

} // namespace

TEST_CASE("--db overrides the config with origin flag")
{
  CliFixture cli;
  cli.global.db_path = cli.file("other.db");
  const smsotp::cli::Output out(cli.global);
  const auto context = smsotp::cli::make_context(cli.global, out, cli.clock());
  CHECK(context.config.database_path() == cli.file("other.db"));
  CHECK(context.config.database.origin == Origin::flag);
  CHECK(context.config.path == cli.config_path());
}

TEST_CASE("-vv shows where each value came from; -v does not")
{
  CliFixture cli;
  cli.global.verbose = 1;
  const auto explain = cli.run([&](const smsotp::cli::Output& out) {
    smsotp::cli::make_context(cli.global, out, cli.clock());
    return 0;
  });
  CHECK_NOT_CONTAINS(explain.err, "otp.ttl = ");
  cli.global.verbose = 2;
  const auto result = cli.run([&](const smsotp::cli::Output& out) {
    smsotp::cli::make_context(cli.global, out, cli.clock());
    return 0;
  });
  CHECK_CONTAINS(result.err, "config file: " + cli.config_path());
  CHECK_CONTAINS(result.err,
                 "store.database = " + cli.file("state.db") + " (file "
                     + cli.config_path() + ":2:12)");
  CHECK_CONTAINS(result.err, "otp.ttl = 5m (default)");
}

TEST_CASE("an invalid template in the config is a config error")
{
  CliFixture cli;
  cli.write_config("[message]\ntemplate = \"no code\"\n");
  const auto caught = context_error(cli);
  CHECK(caught.code == ExitCode::config);
  CHECK_CONTAINS(caught.message, cli.config_path() + ":2:12");
}

TEST_CASE("a flag value out of range is a usage error")
{
  CliFixture cli;
  smsotp::test::Caught caught;
  cli.run([&](const smsotp::cli::Output& out) {
    caught = catch_error([&] {
      smsotp::cli::make_context(
          cli.global, out, cli.clock(), {{"otp.ttl", "--ttl", "11m"}});
    });
    return 0;
  });
  CHECK(caught.code == ExitCode::usage);
  CHECK_CONTAINS(caught.message, "--ttl");
  const smsotp::cli::Output out(cli.global);
  const auto context = smsotp::cli::make_context(
      cli.global, out, cli.clock(), {{"otp.ttl", "--ttl", std::nullopt}});
  CHECK(context.config.ttl.origin == Origin::default_value);
}

TEST_CASE("a flag wins over the environment and the file")
{
  CliFixture cli;
  cli.write_config(
      "[store]\ndatabase = \"state.db\"\n[otp]\npurpose = \"a\"\n");
  const smsotp::test::ScopedEnv purpose("SMSOTP_OTP_PURPOSE", "b");
  const smsotp::cli::Output out(cli.global);
  const auto context = smsotp::cli::make_context(
      cli.global, out, cli.clock(), {{"otp.purpose", "--purpose", "c"}});
  CHECK(context.config.purpose.value == "c");
  CHECK(context.config.purpose.origin == Origin::flag);
  CHECK(context.config.purpose.where == "--purpose");
}

TEST_CASE("make_providers explains which provider is meant")
{
  CliFixture cli;
  cli.write_config("[provider.outbox]\nkind = \"file\"\n"
                   "[provider.spare]\nkind = \"file\"\n");
  const smsotp::cli::Output out(cli.global);
  const auto context = smsotp::cli::make_context(cli.global, out, cli.clock());

  const auto typo = catch_error(
      [&] { smsotp::cli::make_providers(context, std::string("outbx")); });
  CHECK(typo.code == ExitCode::usage);
  CHECK_CONTAINS(typo.message, "did you mean 'outbox'");

  const auto ambiguous =
      catch_error([&] { smsotp::cli::make_providers(context, std::nullopt); });
  CHECK(ambiguous.code == ExitCode::config);
  CHECK_CONTAINS(ambiguous.message, "send.providers");

  CHECK(smsotp::cli::make_providers(context, std::string("spare")).size() == 1);
}

TEST_CASE("make_providers without any provider is a config error")
{
  CliFixture cli;
  cli.write_config("[otp]\nlength = 6\n");
  const smsotp::cli::Output out(cli.global);
  const auto context = smsotp::cli::make_context(cli.global, out, cli.clock());
  const auto caught =
      catch_error([&] { smsotp::cli::make_providers(context, std::nullopt); });
  CHECK(caught.code == ExitCode::config);
  CHECK_CONTAINS(caught.message, "[provider.NAME]");
}

namespace {

const std::string k_canary_token = "InlineCanaryToken0123456789abcd";

// A file provider to send through and a Twilio table with `secret_line`.
std::string config_with(const std::string& secret_line,
                        const std::string& extra_twilio_line = "")
{
  return "[store]\ndatabase = \"state.db\"\n[send]\nproviders = [\"out\"]\n"
         "[provider.out]\nkind = \"file\"\npath = \"outbox.txt\"\n"
         "[provider.sms]\nkind = \"twilio\"\n"
         "account_sid = \"AC0123456789abcdef0123456789abcdef\"\n"
         "from = \"+15017122661\"\n"
         + secret_line + "\n" + extra_twilio_line;
}

} // namespace

TEST_CASE("an inline secret in a config others can read is refused")
{
  CliFixture cli;
  for (const mode_t mode : {0644U, 0640U, 0604U, 0444U}) {
    CAPTURE(mode);
    cli.write_config(config_with("auth_token = \"" + k_canary_token + "\""),
                     mode);
    const auto caught = context_error(cli);
    CHECK(caught.code == ExitCode::permission);
    CHECK(static_cast<int>(caught.code) == 77);
    CHECK_CONTAINS(caught.message, cli.config_path());
    CHECK_CONTAINS(caught.message,
                   "provider.sms.auth_token (" + cli.config_path() + ":12:");
    CHECK_CONTAINS(caught.message, "chmod 600");
    CHECK_CONTAINS(caught.message, "auth_token_file");
    CHECK_NOT_CONTAINS(caught.message, k_canary_token);
  }
  // A table that fails to load for another reason is checked all the same.
  cli.write_config(config_with("auth_token = \"" + k_canary_token + "\"",
                               "no_such_key = 1\n"),
                   0644);
  const auto broken = context_error(cli);
  CHECK(broken.code == ExitCode::permission);
  CHECK_CONTAINS(broken.message, "provider.sms.auth_token");
}

TEST_CASE("a readable config without inline secrets, or a private one, loads")
{
  CliFixture cli;
  cli.write_config(config_with("auth_token_env = \"TWILIO_AUTH_TOKEN\""), 0644);
  CHECK_FALSE(context_error(cli).thrown);
  cli.write_config(config_with("auth_token = \"" + k_canary_token + "\""),
                   0600);
  CHECK_FALSE(context_error(cli).thrown);
  // A non-secret key that shares a secret's name in another kind.
  cli.write_config(
      "[store]\ndatabase = \"state.db\"\n[provider.v]\nkind = \"vonage\"\n"
      "api_key = \"abc123\"\napi_secret_env = \"VONAGE_API_SECRET\"\n"
      "from = \"Acme\"\n",
      0644);
  const auto vonage = context_error(cli);
  CHECK_NOT_CONTAINS(vonage.message, "inline");
}

TEST_CASE("an inline secret of every kind is found in a readable config")
{
  CliFixture cli;
  // The expected names come from the registry, which reads the lists the
  // kinds themselves declare: a new kind or a renamed secret is covered.
  int checked = 0;
  for (const auto& kind : smsotp::provider::provider_kinds()) {
    const auto names = smsotp::provider::secret_names(kind);
    REQUIRE(names.has_value());
    for (const auto& name : *names) {
      CAPTURE(kind);
      CAPTURE(name);
      cli.write_config(
          "[store]\ndatabase = \"state.db\"\n[provider.p]\nkind = \"" + kind
              + "\"\n" + name + " = \"" + k_canary_token + "\"\n",
          0644);
      const auto caught = context_error(cli);
      CHECK(caught.code == ExitCode::permission);
      CHECK_CONTAINS(caught.message, "provider.p." + name + " (");
      CHECK_NOT_CONTAINS(caught.message, k_canary_token);
      ++checked;
    }
  }
  CHECK(checked >= 11);
}

TEST_CASE("Vonage's api_key is not a secret, even when the table is incomplete")
{
  CliFixture cli;
  // api_secret in a file; the table lacks `from`, so it cannot be built.
  smsotp::test::write_file(cli.file("vonage.secret"), "s3cretvalue\n", 0600);
  cli.write_config(
      "[store]\ndatabase = \"state.db\"\n[provider.v]\nkind = \"vonage\"\n"
      "api_key = \"abc12345\"\napi_secret_file = \"vonage.secret\"\n",
      0644);
  const auto caught = context_error(cli);
  CHECK_FALSE(caught.thrown);
  CHECK_NOT_CONTAINS(caught.message, "inline");
}

TEST_CASE("a table of an unknown kind is judged without false positives")
{
  CliFixture cli;
  // No secret inline: the config loads; using the provider is what fails.
  cli.write_config("[store]\ndatabase = \"state.db\"\n[provider.p]\n"
                   "kind = \"twillio\"\napi_key = \"abc12345\"\n"
                   "auth_token_env = \"TOKEN\"\n",
                   0644);
  CHECK_FALSE(context_error(cli).thrown);
  smsotp::test::Caught later;
  cli.run([&](const smsotp::cli::Output& out) {
    later = catch_error([&] {
      const auto context =
          smsotp::cli::make_context(cli.global, out, cli.clock());
      smsotp::cli::make_providers(context, std::nullopt, "--provider");
    });
    return 0;
  });
  CHECK(later.code == ExitCode::config);
  CHECK_CONTAINS(later.message, "unknown kind 'twillio'");
  CHECK_CONTAINS(later.message, "did you mean 'twilio'");
  // A name no kind uses for anything but a secret is still refused.
  cli.write_config("[store]\ndatabase = \"state.db\"\n[provider.p]\n"
                   "kind = \"twillio\"\nauth_token = \""
                       + k_canary_token + "\"\n",
                   0644);
  const auto caught = context_error(cli);
  CHECK(caught.code == ExitCode::permission);
  CHECK_CONTAINS(caught.message, "provider.p.auth_token (");
}
