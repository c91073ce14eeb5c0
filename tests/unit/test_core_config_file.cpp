// Tests for src/core/config_file.cpp: parsing TOML (every error names
// file:line:col) and finding and reading the config file.

#include "config_parse.hpp"
#include "core/config.hpp"
#include "core/duration.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <future>

using smsotp::core::Config;
using smsotp::core::ExitCode;
using smsotp::core::Origin;
using smsotp::core::parse_config_text;
using smsotp::test::catch_error;
using smsotp::test::CleanEnvironment;
using smsotp::test::parse_error;
using smsotp::test::ScopedEnv;
using smsotp::test::TempDir;

TEST_CASE("sample.toml parses and keeps the defaults")
{
  const auto text =
      smsotp::test::read_file(smsotp::test::source_path("sample.toml"));
  REQUIRE_FALSE(text.empty());
  Config config;
  parse_config_text(config, text, "sample.toml", SMSOTP_SOURCE_DIR);
  const Config defaults;
  CHECK(config.ttl.value == defaults.ttl.value);
  CHECK(config.code_length.value == defaults.code_length.value);
  CHECK(config.message_template.value == defaults.message_template.value);
  CHECK(config.ordered_providers() == std::vector<std::string>{"outbox"});
  const auto* outbox = config.find_provider("outbox");
  REQUIRE(outbox != nullptr);
  CHECK(outbox->kind == "file");
}

TEST_CASE("sample.toml documents every key with its default")
{
  const auto text =
      smsotp::test::read_file(smsotp::test::source_path("sample.toml"));
  const Config defaults;
  const std::vector<std::string> documented{
      "# length = " + std::to_string(defaults.code_length.value),
      "# ttl = \"" + smsotp::core::format_duration(defaults.ttl.value) + "\"",
      "# max_attempts = " + std::to_string(defaults.max_attempts.value),
      "# lockout_after = " + std::to_string(defaults.lockout_after.value),
      "# lockout_duration = \""
          + smsotp::core::format_duration(defaults.lockout_duration.value)
          + "\"",
      "# purpose = \"" + defaults.purpose.value + "\"",
      "# app = \"" + defaults.app_name.value + "\"",
      "# template = \"" + defaults.message_template.value + "\"",
  };
  for (const auto& line : documented) {
    CHECK_CONTAINS(text, line);
  }
  for (const auto& name : smsotp::core::setting_names("")) {
    const auto key = name.substr(name.find('.') + 1);
    CAPTURE(name);
    CHECK_CONTAINS(text, key + " = ");
  }
}

TEST_CASE("a TOML syntax error names file line and column")
{
  const auto caught = parse_error("[otp]\nttl = \n");
  CHECK(caught.code == ExitCode::config);
  CHECK(caught.message.starts_with("t.toml:2:"));
}

TEST_CASE("an unknown key names its position and the likely key")
{
  const auto caught = parse_error("[otp]\nlength = 6\nttll = \"5m\"\n");
  CHECK(caught.code == ExitCode::config);
  CHECK(caught.message.starts_with("t.toml:3:1:"));
  CHECK_CONTAINS(caught.message, "ttll");
  CHECK_CONTAINS(caught.message, "did you mean 'ttl'");

  const auto section = parse_error("\n[otpp]\nttl = \"5m\"\n");
  CHECK(section.message.starts_with("t.toml:2:"));
  CHECK_CONTAINS(section.message, "did you mean 'otp'");
}

TEST_CASE("a value of the wrong type names its position")
{
  const auto boolean = parse_error("[otp]\nlength = true\n");
  CHECK(boolean.code == ExitCode::config);
  CHECK(boolean.message.starts_with("t.toml:2:10:"));
  CHECK_CONTAINS(boolean.message, "otp.length");

  const auto number = parse_error("[otp]\nlength = 6.5\n");
  CHECK(number.message.starts_with("t.toml:2:10:"));

  const auto list = parse_error("[message]\napp = [\"a\"]\n");
  CHECK(list.message.starts_with("t.toml:2:7:"));

  const auto table = parse_error("otp = 5\n");
  CHECK(table.message.starts_with("t.toml:1:"));
}

TEST_CASE("out-of-range values name their position and the limits")
{
  const std::vector<std::tuple<std::string, std::string, std::string>> cases{
      {"[otp]\nttl = \"11m\"\n", "t.toml:2:7:", "10m"},
      {"[otp]\nttl = \"10s\"\n", "t.toml:2:7:", "30s"},
      {"[otp]\nlength = 5\n", "t.toml:2:10:", "6 to 10"},
      {"[otp]\nlength = 11\n", "t.toml:2:10:", "6 to 10"},
      {"[otp]\n\nlockout_after = 101\n", "t.toml:3:17:", "100"},
      {"[otp]\nmax_attempts = 0\n", "t.toml:2:16:", "1 to 10"},
      {"[otp]\nlockout_duration = \"30s\"\n", "t.toml:2:20:", "1m"},
      {"[otp]\npurpose = \"a b\"\n", "t.toml:2:11:", "letters"},
  };
  for (const auto& item : cases) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& text = std::get<0>(item);
    const auto& position = std::get<1>(item);
    const auto& limit = std::get<2>(item);
    CAPTURE(text);
    const auto caught = parse_error(text);
    CHECK(caught.code == ExitCode::config);
    CHECK_MESSAGE(caught.message.starts_with(position), caught.message);
    CHECK_CONTAINS(caught.message, limit);
  }
}

TEST_CASE("a duplicate key is an error at the second occurrence")
{
  const auto caught = parse_error("[otp]\nlength = 6\nlength = 7\n");
  CHECK(caught.code == ExitCode::config);
  CHECK(caught.message.starts_with("t.toml:3:"));
}

TEST_CASE("values in the file remember where they came from")
{
  Config config;
  parse_config_text(
      config,
      "[otp]\nttl = \"2m\"\nlength = 8\n[message]\napp = \"Acme\"\n",
      "/etc/smsotp/config.toml",
      "/etc/smsotp");
  CHECK(config.ttl.value == 120);
  CHECK(config.ttl.origin == Origin::file);
  CHECK(config.ttl.where == "/etc/smsotp/config.toml:2:7");
  CHECK(config.code_length.value == 8);
  CHECK(config.app_name.value == "Acme");
  CHECK(config.max_attempts.origin == Origin::default_value);
}

TEST_CASE("relative store paths resolve against the config's directory")
{
  Config config;
  parse_config_text(config,
                    "[store]\ndatabase = \"state.db\"\nkey_file = \"/k/key\"\n",
                    "/etc/smsotp/config.toml",
                    "/etc/smsotp");
  CHECK(config.database.value == "/etc/smsotp/state.db");
  CHECK(config.key_file.value == "/k/key");
}

TEST_CASE("a PostgreSQL store.database is kept as written, not resolved")
{
  for (const std::string database :
       {"postgresql://app@db.example/smsotp?sslmode=verify-full",
        "host=/run/postgresql dbname=smsotp"}) {
    CAPTURE(database);
    Config config;
    parse_config_text(config,
                      "[store]\ndatabase = \"" + database + "\"\n",
                      "/etc/smsotp/config.toml",
                      "/etc/smsotp");
    CHECK(config.database.value == database);
  }
}

TEST_CASE("provider tables keep raw typed values with positions")
{
  Config config;
  parse_config_text(config,
                    "[provider.sms]\nkind = \"twilio\"\naccount_sid = \"AC1\"\n"
                    "timeout = 5\nverbose = true\nlist = [\"a\", \"b\"]\n"
                    "[provider.twilio]\n",
                    "p.toml",
                    "/cfg");
  const auto* sms = config.find_provider("sms");
  REQUIRE(sms != nullptr);
  CHECK(sms->kind == "twilio");
  CHECK(sms->base_directory == "/cfg");
  CHECK(sms->values.count("kind") == 0);
  CHECK(sms->values.at("account_sid").text == "AC1");
  CHECK(sms->values.at("account_sid").where == "p.toml:3:15");
  CHECK(sms->values.at("timeout").integer == 5);
  CHECK(sms->values.at("verbose").boolean);
  CHECK(sms->values.at("list").list == std::vector<std::string>{"a", "b"});
  // Without a kind the table's name is the kind.
  const auto* twilio = config.find_provider("twilio");
  REQUIRE(twilio != nullptr);
  CHECK(twilio->kind == "twilio");

  const auto bad_kind = parse_error("[provider.x]\nkind = 5\n");
  CHECK(bad_kind.code == ExitCode::config);
  CHECK(bad_kind.message.starts_with("t.toml:2:8:"));
  const auto not_table = parse_error("provider = 5\n");
  CHECK(not_table.code == ExitCode::config);
  const auto bad_value =
      parse_error("[provider.x]\nkind = \"file\"\nn = 1.5\n");
  CHECK(bad_value.message.starts_with("t.toml:3:5:"));
}

TEST_CASE("invalid UTF-8 and deep nesting are config errors")
{
  const auto utf8 = parse_error("[message]\napp = \"\xff\xfe\"\n");
  CHECK(utf8.code == ExitCode::config);
  CHECK(utf8.message.starts_with("t.toml:2:"));

  const std::string deep =
      "a = " + std::string(5000, '[') + std::string(5000, ']') + "\n";
  CHECK(parse_error(deep).code == ExitCode::config);
}

TEST_CASE("load_config with an explicit missing path is a config error")
{
  const CleanEnvironment clean;
  TempDir dir;
  const auto missing = dir.file("nope.toml");
  const auto caught = catch_error([&] { smsotp::core::load_config(missing); });
  CHECK(caught.code == ExitCode::config);
  CHECK(static_cast<int>(caught.code) == 78);
  CHECK_CONTAINS(caught.message, missing);
}

TEST_CASE("load_config refuses a config others can write")
{
  const CleanEnvironment clean;
  TempDir dir;
  const auto path = dir.file("config.toml");
  for (const mode_t mode : {0664U, 0646U, 0666U}) {
    smsotp::test::write_file(path, "[otp]\nlength = 8\n", mode);
    CAPTURE(mode);
    const auto caught = catch_error([&] { smsotp::core::load_config(path); });
    CHECK(caught.code == ExitCode::permission);
    CHECK(static_cast<int>(caught.code) == 77);
    CHECK_CONTAINS(caught.message, path);
  }
}

TEST_CASE("file_private is true only for an owner-only config")
{
  const CleanEnvironment clean;
  TempDir dir;
  const auto path = dir.file("config.toml");
  for (const auto& item : std::vector<std::pair<mode_t, bool>>{{0600, true},
                                                               {0400, true},
                                                               {0640, false},
                                                               {0644, false},
                                                               {0604, false}}) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& mode = std::get<0>(item);
    const auto& expected = std::get<1>(item);
    smsotp::test::write_file(path, "[otp]\nlength = 8\n", mode);
    CAPTURE(mode);
    const auto config = smsotp::core::load_config(path);
    CHECK(config.file_private == expected);
    CHECK(config.path == path);
    CHECK(config.code_length.value == 8);
  }
}

TEST_CASE("load_config applies the environment over the file")
{
  const CleanEnvironment clean;
  TempDir dir;
  const auto path = dir.file("config.toml");
  smsotp::test::write_file(path, "[otp]\nttl = \"5m\"\nlength = 7\n", 0600);
  const ScopedEnv ttl("SMSOTP_OTP_TTL", "2m");
  const auto config = smsotp::core::load_config(path);
  CHECK(config.ttl.value == 120);
  CHECK(config.ttl.origin == Origin::environment);
  CHECK(config.ttl.where == "SMSOTP_OTP_TTL");
  CHECK(config.code_length.value == 7);
  CHECK(config.code_length.origin == Origin::file);
}

TEST_CASE("load_config finds the file through SMSOTP_CONFIG and XDG")
{
  const CleanEnvironment clean;
  TempDir dir;
  const auto by_env = dir.file("env.toml");
  smsotp::test::write_file(by_env, "[otp]\nlength = 7\n", 0600);
  const auto by_flag = dir.file("flag.toml");
  smsotp::test::write_file(by_flag, "[otp]\nlength = 9\n", 0600);
  {
    const ScopedEnv env("SMSOTP_CONFIG", by_env);
    CHECK(smsotp::core::load_config("").code_length.value == 7);
    CHECK(smsotp::core::load_config(by_flag).code_length.value == 9);
  }
  std::filesystem::create_directories(dir.file("xdg/smsotp"));
  const auto by_xdg = dir.file("xdg/smsotp/config.toml");
  smsotp::test::write_file(by_xdg, "[otp]\nlength = 8\n", 0600);
  const ScopedEnv xdg("XDG_CONFIG_HOME", dir.file("xdg"));
  const auto config = smsotp::core::load_config("");
  CHECK(config.path == by_xdg);
  CHECK(config.code_length.value == 8);
}

TEST_CASE("load_config resolves store.database next to the file")
{
  const CleanEnvironment clean;
  TempDir dir;
  const auto path = dir.file("config.toml");
  smsotp::test::write_file(path, "[store]\ndatabase = \"db/state.db\"\n", 0600);
  const auto config = smsotp::core::load_config(path);
  CHECK(config.database.value == dir.file("db/state.db"));
  CHECK(config.database_path() == dir.file("db/state.db"));
  CHECK(config.key_path() == dir.file("db/smsotp.key"));
}

TEST_CASE("load_config refuses a directory a FIFO and a huge file")
{
  const CleanEnvironment clean;
  TempDir dir;
  CHECK(catch_error([&] { smsotp::core::load_config(dir.path()); }).code
        == ExitCode::config);

  const auto fifo = dir.file("fifo.toml");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto result = std::async(std::launch::async, [&] {
    return catch_error([&] { smsotp::core::load_config(fifo); });
  });
  if (result.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
    const int writer = ::open(fifo.c_str(), O_WRONLY);
    if (writer >= 0) {
      ::close(writer);
    }
    FAIL("load_config blocked on a FIFO");
  }
  CHECK(result.get().code == ExitCode::config);

  const auto huge = dir.file("huge.toml");
  smsotp::test::write_file(
      huge, "# " + std::string(std::size_t{1024} * 1024, 'x') + "\n", 0600);
  const auto caught = catch_error([&] { smsotp::core::load_config(huge); });
  CHECK(caught.code == ExitCode::config);
  CHECK_CONTAINS(caught.message, "too large");
}

TEST_CASE("a syntax error in a loaded file names the file path")
{
  const CleanEnvironment clean;
  TempDir dir;
  const auto path = dir.file("bad.toml");
  smsotp::test::write_file(path, "[otp]\nlength = = 6\n", 0600);
  const auto caught = catch_error([&] { smsotp::core::load_config(path); });
  CHECK(caught.code == ExitCode::config);
  CHECK(caught.message.starts_with(path + ":2:"));
}

TEST_CASE("load_config refuses a config in a directory others can write")
{
  const CleanEnvironment clean;
  TempDir dir;
  for (const mode_t mode : {0777U, 0770U, 0757U}) {
    CAPTURE(mode);
    std::filesystem::create_directories(dir.file("conf"));
    REQUIRE(::chmod(dir.file("conf").c_str(), mode) == 0);
    const auto path = dir.file("conf/config.toml");
    smsotp::test::write_file(path, "[otp]\nlength = 8\n", 0600);
    const auto caught = catch_error([&] { smsotp::core::load_config(path); });
    CHECK(caught.code == ExitCode::permission);
    CHECK_CONTAINS(caught.message, path);
    CHECK_CONTAINS(caught.message, "directory " + dir.file("conf"));
    CHECK_CONTAINS(caught.message, "chmod go-w");
  }
  // A sticky directory such as /tmp: others cannot replace our file there.
  REQUIRE(::chmod(dir.file("conf").c_str(), 01777) == 0);
  CHECK(
      smsotp::core::load_config(dir.file("conf/config.toml")).code_length.value
      == 8);
}

TEST_CASE("load_config refuses a config or directory of another user")
{
  if (::geteuid() != 0) {
    MESSAGE("skipped: chown needs root");
    return;
  }
  const CleanEnvironment clean;
  TempDir dir;
  std::filesystem::create_directories(dir.file("conf"));
  const auto path = dir.file("conf/config.toml");
  smsotp::test::write_file(path, "[otp]\nlength = 8\n", 0600);
  REQUIRE(::chown(path.c_str(), 65534, 65534) == 0);
  const auto file = catch_error([&] { smsotp::core::load_config(path); });
  CHECK(file.code == ExitCode::permission);
  CHECK_CONTAINS(file.message, path);
  CHECK_CONTAINS(file.message, "owned by uid 65534");
  CHECK_CONTAINS(file.message, "chown it");
  REQUIRE(::chown(path.c_str(), 0, 0) == 0);
  REQUIRE(::chown(dir.file("conf").c_str(), 65534, 65534) == 0);
  const auto directory = catch_error([&] { smsotp::core::load_config(path); });
  CHECK(directory.code == ExitCode::permission);
  CHECK_CONTAINS(directory.message, "directory " + dir.file("conf"));
  CHECK_CONTAINS(directory.message, "owned by uid 65534");
}
