// Tests for src/core/config.cpp: values from text (environment, flags),
// origins, derived paths. Reading files is in test_core_config_file.cpp.

#include "core/config.hpp"
#include "core/duration.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using smsotp::core::apply_text_value;
using smsotp::core::Config;
using smsotp::core::ExitCode;
using smsotp::core::Origin;
using smsotp::test::catch_error;
using smsotp::test::CleanEnvironment;
using smsotp::test::ScopedEnv;

namespace {

bool has_line(const std::vector<std::string>& lines, const std::string& line)
{
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

} // namespace

TEST_CASE("a value from a flag is stored with its origin")
{
  Config config;
  apply_text_value(config, "otp.length", "8", Origin::flag, "--length");
  CHECK(config.code_length.value == 8);
  CHECK(config.code_length.origin == Origin::flag);
  CHECK(config.code_length.where == "--length");
  apply_text_value(config, "otp.ttl", "2m", Origin::flag, "--ttl");
  CHECK(config.ttl.value == 120);
}

TEST_CASE("a bad flag value is a usage error and a bad variable a config error")
{
  for (const auto& item : std::vector<std::pair<std::string, std::string>>{
           {"otp.ttl", "11m"},
           {"otp.ttl", "29s"},
           {"otp.ttl", "abc"},
           {"otp.length", "5"},
           {"otp.length", "11"},
           {"otp.length", "-6"},
           {"otp.length", "six"},
           {"otp.length", "99999999999999999999"},
           {"otp.lockout_after", "101"},
           {"otp.max_attempts", "0"},
           {"otp.purpose", "two words"},
       }) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& key = std::get<0>(item);
    const auto& text = std::get<1>(item);
    CAPTURE(key);
    CAPTURE(text);
    Config config;
    const auto as_flag = catch_error(
        [&] { apply_text_value(config, key, text, Origin::flag, "--x"); });
    CHECK(as_flag.code == ExitCode::usage);
    CHECK(static_cast<int>(as_flag.code) == 64);
    CHECK_CONTAINS(as_flag.message, "--x");
    const auto as_env = catch_error([&] {
      apply_text_value(config, key, text, Origin::environment, "SMSOTP_X");
    });
    CHECK(as_env.code == ExitCode::config);
    CHECK(static_cast<int>(as_env.code) == 78);
    CHECK_CONTAINS(as_env.message, "SMSOTP_X");
    // Nothing was stored.
    CHECK(config.ttl.origin == Origin::default_value);
    CHECK(config.code_length.origin == Origin::default_value);
  }
}

TEST_CASE("range errors say what is allowed")
{
  Config config;
  const auto ttl = catch_error([&] {
    apply_text_value(config, "otp.ttl", "11m", Origin::flag, "--ttl");
  });
  CHECK_CONTAINS(ttl.message, "11m");
  CHECK_CONTAINS(ttl.message, "30s to 10m");
  const auto lockout = catch_error([&] {
    apply_text_value(
        config, "otp.lockout_after", "101", Origin::environment, "E");
  });
  CHECK_CONTAINS(lockout.message, "1 to 100");
}

TEST_CASE("range limits themselves are accepted")
{
  Config config;
  apply_text_value(config, "otp.ttl", "30s", Origin::flag, "--ttl");
  CHECK(config.ttl.value == 30);
  apply_text_value(config, "otp.ttl", "10m", Origin::flag, "--ttl");
  CHECK(config.ttl.value == 600);
  apply_text_value(config, "otp.length", "6", Origin::flag, "--length");
  apply_text_value(config, "otp.length", "10", Origin::flag, "--length");
  CHECK(config.code_length.value == 10);
  apply_text_value(config, "otp.lockout_after", "100", Origin::flag, "--l");
  CHECK(config.lockout_after.value == 100);
}

TEST_CASE("an unknown setting name is a programming error")
{
  Config config;
  const auto caught = catch_error(
      [&] { apply_text_value(config, "otp.nope", "1", Origin::flag, "--x"); });
  CHECK(caught.code == ExitCode::internal);
}

TEST_CASE("environment variable names follow SMSOTP_SECTION_KEY")
{
  CHECK(smsotp::core::env_name("otp.ttl") == "SMSOTP_OTP_TTL");
  CHECK(smsotp::core::env_name("store.key_file") == "SMSOTP_STORE_KEY_FILE");
  const auto otp = smsotp::core::setting_names("otp");
  CHECK(std::find(otp.begin(), otp.end(), "ttl") != otp.end());
  CHECK(std::find(otp.begin(), otp.end(), "lockout_after") != otp.end());
  const auto all = smsotp::core::setting_names("");
  CHECK(std::find(all.begin(), all.end(), "send.providers") != all.end());
}

TEST_CASE("apply_environment overrides with origin environment")
{
  const CleanEnvironment clean;
  const ScopedEnv ttl("SMSOTP_OTP_TTL", "2m");
  const ScopedEnv providers("SMSOTP_SEND_PROVIDERS", "a, b,,c");
  const ScopedEnv empty("SMSOTP_OTP_LENGTH", "");
  Config config;
  smsotp::core::apply_environment(config);
  CHECK(config.ttl.value == 120);
  CHECK(config.ttl.origin == Origin::environment);
  CHECK(config.ttl.where == "SMSOTP_OTP_TTL");
  CHECK(config.provider_order.value == std::vector<std::string>{"a", "b", "c"});
  // An empty variable is ignored.
  CHECK(config.code_length.origin == Origin::default_value);
}

TEST_CASE("a bad environment value is a config error naming the variable")
{
  const CleanEnvironment clean;
  const ScopedEnv ttl("SMSOTP_OTP_TTL", "5 minutes");
  Config config;
  const auto caught =
      catch_error([&] { smsotp::core::apply_environment(config); });
  CHECK(caught.code == ExitCode::config);
  CHECK_CONTAINS(caught.message, "SMSOTP_OTP_TTL");
}

TEST_CASE("describe shows every value with its origin")
{
  const CleanEnvironment clean;
  Config config;
  smsotp::core::parse_config_text(
      config, "[otp]\nlength = 8\n", "/etc/t.toml", "/etc");
  apply_text_value(
      config, "otp.ttl", "2m", Origin::environment, "SMSOTP_OTP_TTL");
  apply_text_value(config, "store.database", "/x/s.db", Origin::flag, "--db");
  const auto lines = smsotp::core::describe_settings(config);
  CHECK(has_line(lines, "otp.length = 8 (file /etc/t.toml:2:10)"));
  CHECK(has_line(lines, "otp.ttl = 2m (environment SMSOTP_OTP_TTL)"));
  CHECK(has_line(lines, "otp.max_attempts = 5 (default)"));
  CHECK(has_line(lines, "store.database = /x/s.db (flag --db)"));
}

TEST_CASE("the database path is derived from XDG_STATE_HOME or HOME")
{
  const CleanEnvironment clean;
  Config config;
  {
    const ScopedEnv state("XDG_STATE_HOME", "/srv/state");
    CHECK(config.database_path() == "/srv/state/smsotp/state.db");
    CHECK(config.key_path() == "/srv/state/smsotp/smsotp.key");
  }
  {
    const ScopedEnv home("HOME", "/home/ann");
    CHECK(config.database_path() == "/home/ann/.local/state/smsotp/state.db");
  }
  {
    const ScopedEnv home("HOME", std::nullopt);
    const auto caught = catch_error([&] { config.database_path(); });
    CHECK(caught.code == ExitCode::config);
  }
  config.database = {"/var/lib/smsotp/state.db", Origin::file, "t:1:1"};
  CHECK(config.database_path() == "/var/lib/smsotp/state.db");
  CHECK(config.key_path() == "/var/lib/smsotp/smsotp.key");
  config.key_file = {"/etc/smsotp/key", Origin::file, "t:2:1"};
  CHECK(config.key_path() == "/etc/smsotp/key");
}

TEST_CASE("provider order comes from send.providers or the only provider")
{
  Config config;
  CHECK(config.ordered_providers().empty());
  smsotp::core::parse_config_text(
      config, "[provider.one]\nkind = \"file\"\n", "t.toml", "/tmp");
  CHECK(config.ordered_providers() == std::vector<std::string>{"one"});
  smsotp::core::parse_config_text(
      config, "[provider.two]\nkind = \"file\"\n", "u.toml", "/tmp");
  CHECK(config.ordered_providers().empty());
  apply_text_value(
      config, "send.providers", "two,one", Origin::flag, "--providers");
  CHECK(config.ordered_providers() == std::vector<std::string>{"two", "one"});
  REQUIRE(config.find_provider("two") != nullptr);
  CHECK(config.find_provider("two")->kind == "file");
  CHECK(config.find_provider("three") == nullptr);
}

TEST_CASE("defaults follow DESIGN §4")
{
  const Config config;
  CHECK(config.code_length.value == 6);
  CHECK(config.ttl.value == 300);
  CHECK(config.max_attempts.value == 5);
  CHECK(config.lockout_after.value == 20);
  CHECK(config.file_private == false);
}
