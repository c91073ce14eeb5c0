// Tests for src/core/config_keys.cpp: the key table is the single source of
// each setting's member, parser and formatter, so these pin down what every
// kind of key accepts, how it complains, and how --verbose shows it.

#include "config_parse.hpp"
#include "core/config.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

using smsotp::core::apply_text_value;
using smsotp::core::Config;
using smsotp::core::describe_settings;
using smsotp::core::ExitCode;
using smsotp::core::Origin;
using smsotp::core::parse_config_text;
using smsotp::test::catch_error;
using smsotp::test::CleanEnvironment;
using smsotp::test::parse_error;
using smsotp::test::ScopedEnv;

namespace {

// Compares line by line, so a failure names the first line that differs.
void check_lines(const std::vector<std::string>& actual,
                 const std::vector<std::string>& expected)
{
  for (std::size_t i = 0; i < std::max(actual.size(), expected.size()); ++i) {
    CAPTURE(i);
    CHECK((i < actual.size() ? actual[i] : std::string("(missing)"))
          == (i < expected.size() ? expected[i] : std::string("(extra)")));
  }
}

} // namespace

TEST_CASE("--verbose lists every setting in order, with its default")
{
  const Config config;
  check_lines(describe_settings(config),
              {"otp.length = 6 (default)",
               "otp.ttl = 5m (default)",
               "otp.max_attempts = 5 (default)",
               "otp.lockout_after = 20 (default)",
               "otp.lockout_duration = 1h (default)",
               "otp.purpose = login (default)",
               "store.database = (derived) (default)",
               "store.key_file = (derived) (default)",
               "store.schema = smsotp (default)",
               "store.connect_timeout = 5s (default)",
               "store.statement_timeout = 10s (default)",
               "store.lock_timeout = 5s (default)",
               "message.app = smsotp (default)",
               // One line that clang-format split, not a missing comma:
               // NOLINTNEXTLINE(bugprone-suspicious-missing-comma)
               "message.template = \"{app}: your code is {code}. It expires in "
               "{ttl_minutes} min. Do not share it.\" (default)",
               "message.max_segments = 1 (default)",
               "message.webotp_domain = (none) (default)",
               "message.android_app_hash = (none) (default)",
               "message.group_code = false (default)",
               "send.providers = [] (default)",
               "send.provider_cooldown = 1m (default)",
               "limits.per_recipient = 3 (default)",
               "limits.per_recipient_window = 10m (default)",
               "limits.min_interval = 30s (default)",
               "limits.per_recipient_daily = 10 (default)",
               "limits.per_prefix_hourly = 10 (default)",
               "limits.global_hourly = 100 (default)",
               "limits.global_daily = 1000 (default)",
               "policy.default_region = (none) (default)",
               "policy.allowed_countries = (not set) (default)",
               "policy.blocked_prefixes = [] (default)",
               "policy.require_mobile = false (default)",
               "log.syslog = true (default)",
               "log.facility = authpriv (default)"});
}

TEST_CASE("[log] turns the syslog audit off or moves it to another facility")
{
  const CleanEnvironment clean;
  Config config;
  parse_config_text(config,
                    "[log]\nsyslog = false\nfacility = \"local3\"\n",
                    "t.toml",
                    "/etc/smsotp");
  CHECK_FALSE(config.log_syslog.value);
  CHECK(config.log_facility.value == "local3");
  CHECK(config.log_facility.where == "t.toml:3:12");
  for (const char* name :
       {"auth", "authpriv", "daemon", "user", "local0", "local7"}) {
    CAPTURE(name);
    parse_config_text(config,
                      std::string("[log]\nfacility = \"") + name + "\"\n",
                      "t.toml",
                      "/etc/smsotp");
    CHECK(config.log_facility.value == name);
  }
  // A facility that is not one is a config error (78) naming the place.
  for (const char* name : {"authpriv ", "AUTHPRIV", "kern", "local8", ""}) {
    CAPTURE(name);
    const auto caught =
        parse_error(std::string("[log]\nfacility = \"") + name + "\"\n");
    CHECK(caught.code == ExitCode::config);
    CHECK(caught.message.starts_with("t.toml:2:12: log.facility: expected a "
                                     "syslog facility: auth, authpriv,"));
  }
  CHECK(parse_error("[log]\nsyslog = \"maybe\"\n").code == ExitCode::config);
  CHECK(parse_error("[log]\nsylog = false\n").code == ExitCode::config);
}

TEST_CASE("--verbose shows each kind of value as set, with its origin")
{
  const CleanEnvironment clean;
  Config config;
  parse_config_text(config,
                    "[otp]\n"
                    "length = 8\n"
                    "ttl = 90\n"
                    "max_attempts = 3\n"
                    "lockout_after = 10\n"
                    "lockout_duration = \"2h\"\n"
                    "purpose = \"reset\"\n"
                    "[store]\n"
                    "database = \"postgresql://ann:hunter2@db.example/otp\"\n"
                    "key_file = \"k/key\"\n"
                    "schema = \"otp_2\"\n"
                    "connect_timeout = \"7s\"\n"
                    "statement_timeout = 20\n"
                    "lock_timeout = \"1m\"\n"
                    "[message]\n"
                    "app = \"Acme\"\n"
                    "template = \"{code} is your {app} code\"\n"
                    "max_segments = 2\n"
                    "webotp_domain = \"example.com\"\n"
                    "android_app_hash = \"FA+9qCX9VSu\"\n"
                    "group_code = \"yes\"\n"
                    "[message.templates]\n"
                    "de = \"{code} ist Ihr Code\"\n"
                    "fr = \"{code} est votre code\"\n"
                    "[message.country_locales]\n"
                    "AT = \"de\"\n"
                    "[send]\n"
                    "providers = \"one, two\"\n"
                    "provider_cooldown = \"2m\"\n"
                    "[limits]\n"
                    "per_recipient = 0\n"
                    "per_recipient_window = \"1h\"\n"
                    "min_interval = 0\n"
                    "per_recipient_daily = 5\n"
                    "per_prefix_hourly = 6\n"
                    "global_hourly = 7\n"
                    "global_daily = 8\n"
                    "[policy]\n"
                    "default_region = \"ch\"\n"
                    "allowed_countries = [\"ch\", \"001\"]\n"
                    "blocked_prefixes = [\"+88\", \"+4474\"]\n"
                    "require_mobile = true\n"
                    "[log]\n"
                    "syslog = false\n"
                    "facility = \"local5\"\n",
                    "/c/t.toml",
                    "/c");
  apply_text_value(config, "otp.ttl", "2m", Origin::flag, "--ttl");
  apply_text_value(
      config, "limits.global_daily", "9", Origin::environment, "SMSOTP_G");
  check_lines(
      describe_settings(config),
      {"otp.length = 8 (file /c/t.toml:2:10)",
       "otp.ttl = 2m (flag --ttl)",
       "otp.max_attempts = 3 (file /c/t.toml:4:16)",
       "otp.lockout_after = 10 (file /c/t.toml:5:17)",
       "otp.lockout_duration = 2h (file /c/t.toml:6:20)",
       "otp.purpose = reset (file /c/t.toml:7:11)",
       // One line that clang-format split, not a missing comma:
       // NOLINTNEXTLINE(bugprone-suspicious-missing-comma)
       "store.database = postgresql://ann:***@db.example/otp (file "
       "/c/t.toml:9:12)",
       "store.key_file = /c/k/key (file /c/t.toml:10:12)",
       "store.schema = otp_2 (file /c/t.toml:11:10)",
       "store.connect_timeout = 7s (file /c/t.toml:12:19)",
       "store.statement_timeout = 20s (file /c/t.toml:13:21)",
       "store.lock_timeout = 1m (file /c/t.toml:14:16)",
       "message.app = Acme (file /c/t.toml:16:7)",
       "message.template = \"{code} is your {app} code\" (file "
       "/c/t.toml:17:12)",
       "message.max_segments = 2 (file /c/t.toml:18:16)",
       "message.webotp_domain = example.com (file /c/t.toml:19:17)",
       "message.android_app_hash = FA+9qCX9VSu (file /c/t.toml:20:20)",
       "message.group_code = true (file /c/t.toml:21:14)",
       "message.templates.de = \"{code} ist Ihr Code\" (file /c/t.toml:23:6)",
       "message.templates.fr = \"{code} est votre code\" (file "
       "/c/t.toml:24:6)",
       "message.country_locales.AT = de (file /c/t.toml:26:6)",
       "send.providers = [one, two] (file /c/t.toml:28:13)",
       "send.provider_cooldown = 2m (file /c/t.toml:29:21)",
       "limits.per_recipient = 0 (file /c/t.toml:31:17)",
       "limits.per_recipient_window = 1h (file /c/t.toml:32:24)",
       "limits.min_interval = 0s (file /c/t.toml:33:16)",
       "limits.per_recipient_daily = 5 (file /c/t.toml:34:23)",
       "limits.per_prefix_hourly = 6 (file /c/t.toml:35:21)",
       "limits.global_hourly = 7 (file /c/t.toml:36:17)",
       "limits.global_daily = 9 (environment SMSOTP_G)",
       "policy.default_region = CH (file /c/t.toml:39:18)",
       "policy.allowed_countries = [CH, 001] (file /c/t.toml:40:21)",
       "policy.blocked_prefixes = [+88, +4474] (file /c/t.toml:41:20)",
       "policy.require_mobile = true (file /c/t.toml:42:18)",
       "log.syslog = false (file /c/t.toml:44:10)",
       "log.facility = local5 (file /c/t.toml:45:12)"});
}

TEST_CASE("each kind of key says what it expected, at the value's position")
{
  for (const auto& item : std::vector<std::pair<std::string, std::string>>{
           {"[otp]\nlength = \"x\"\n",
            "t.toml:2:10: otp.length: expected a whole number, got \"x\""},
           {"[otp]\nlength = true\n",
            "t.toml:2:10: otp.length: expected an integer"},
           {"[otp]\nlength = 11\n",
            "t.toml:2:10: otp.length: 11 is out of range; allowed 6 to 10"},
           {"[otp]\nlockout_after = 101\n",
            "t.toml:2:17: otp.lockout_after: 101 is out of range; allowed 1 "
            "to 100 (NIST SP 800-63B: at most 100)"},
           {"[otp]\nttl = true\n",
            "t.toml:2:7: otp.ttl: expected a duration string like \"5m\""},
           {"[otp]\nttl = \"5 min\"\n",
            "t.toml:2:7: otp.ttl: expected a duration like 30s, 5m or 1h, "
            "got \"5 min\""},
           {"[otp]\nttl = 5\n",
            "t.toml:2:7: otp.ttl: 5s is out of range; allowed 30s to 10m "
            "(NIST SP 800-63B allows at most 10 minutes)"},
           {"[otp]\npurpose = 5\n",
            "t.toml:2:11: otp.purpose: expected a string"},
           {"[otp]\npurpose = \"a b\"\n",
            "t.toml:2:11: otp.purpose: expected 1 to 64 letters, digits, "
            "'-', '_' or '.'"},
           {"[store]\nkey_file = [\"a\"]\n",
            "t.toml:2:12: store.key_file: expected a string"},
           {"[store]\nschema = \"Otp\"\n",
            "t.toml:2:10: store.schema: expected a PostgreSQL schema name: 1 "
            "to 63 lower-case letters, digits or '_', not starting with a "
            "digit"},
           {"[send]\nproviders = 5\n",
            "t.toml:2:13: send.providers: expected a list of strings"},
           {"[send]\nproviders = [\"a\", 1]\n",
            "t.toml:2:13: send.providers: expected a list of strings"},
           {"[message]\ngroup_code = \"maybe\"\n",
            "t.toml:2:14: message.group_code: expected true or false"},
           {"[policy]\ndefault_region = \"GBR\"\n",
            "t.toml:2:18: policy.default_region: expected an ISO 3166 region "
            "like \"GB\", got \"GBR\""},
           {"[policy]\ndefault_region = \"*\"\n",
            "t.toml:2:18: policy.default_region: expected an ISO 3166 region "
            "like \"GB\", got \"*\""},
           {"[policy]\nallowed_countries = [\"G1\"]\n",
            "t.toml:2:21: policy.allowed_countries: expected an ISO 3166 "
            "region like \"GB\", \"001\" (non-geographic) or \"*\", got "
            "\"G1\""},
           {"[policy]\nallowed_countries = [\"\"]\n",
            "t.toml:2:21: policy.allowed_countries: expected an ISO 3166 "
            "region like \"GB\", \"001\" (non-geographic) or \"*\", got "
            "\"\""},
           {"[policy]\nallowed_countries = [\"*\", \"us\"]\n",
            "t.toml:2:21: policy.allowed_countries: \"*\" allows every "
            "country and cannot be combined with other entries"},
           {"[policy]\nblocked_prefixes = [\"88\"]\n",
            "t.toml:2:20: policy.blocked_prefixes: expected E.164 prefixes "
            "like \"+88\", got \"88\""},
           {"[message]\ntemplates = 5\n",
            "t.toml:2:13: message.templates must be a table "
            "([message.templates])"},
           {"[message.templates]\nde = 5\n",
            "t.toml:2:6: message.templates.de: expected a string"},
           {"[message.country_locales]\nAT = true\n",
            "t.toml:2:6: message.country_locales.AT: expected a string"},
       }) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& text = std::get<0>(item);
    const auto& message = std::get<1>(item);
    CAPTURE(text);
    const auto caught = parse_error(text);
    CHECK(caught.code == ExitCode::config);
    CHECK(caught.message == message);
  }
}

TEST_CASE("values given as text take the same checks as the file's")
{
  Config config;
  const auto caught = catch_error([&] {
    apply_text_value(config,
                     "policy.allowed_countries",
                     "us, *",
                     Origin::environment,
                     "SMSOTP_POLICY_ALLOWED_COUNTRIES");
  });
  CHECK(caught.code == ExitCode::config);
  CHECK(caught.message
        == "SMSOTP_POLICY_ALLOWED_COUNTRIES: policy.allowed_countries: \"*\" "
           "allows every country and cannot be combined with other entries");
  const auto flag = catch_error([&] {
    apply_text_value(config, "otp.length", "x", Origin::flag, "--length");
  });
  CHECK(flag.code == ExitCode::usage);
  CHECK(flag.message
        == "--length: otp.length: expected a whole number, got \"x\"");
  for (const auto& item :
       std::vector<std::pair<std::string, bool>>{{"true", true},
                                                 {"1", true},
                                                 {"yes", true},
                                                 {"on", true},
                                                 {"false", false},
                                                 {"0", false},
                                                 {"no", false},
                                                 {"off", false}}) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& text = std::get<0>(item);
    const auto& expected = std::get<1>(item);
    CAPTURE(text);
    apply_text_value(
        config, "policy.require_mobile", text, Origin::environment, "E");
    CHECK(config.require_mobile.value == expected);
  }
  CHECK(catch_error([&] {
          apply_text_value(
              config, "message.group_code", "TRUE", Origin::environment, "E");
        }).message
        == "E: message.group_code: expected true or false");
  // Durations as text may be whole seconds; paths as text stay as given.
  apply_text_value(config, "otp.ttl", "90", Origin::environment, "E");
  CHECK(config.ttl.value == 90);
  apply_text_value(config, "store.key_file", "rel/key", Origin::flag, "--k");
  CHECK(config.key_file.value == "rel/key");
  apply_text_value(config, "policy.default_region", "", Origin::flag, "--r");
  CHECK(config.default_region.value.empty());
  CHECK(config.default_region.origin == Origin::flag);
}

TEST_CASE("the free-form tables are set only by the file")
{
  const CleanEnvironment clean;
  const ScopedEnv templates("SMSOTP_MESSAGE_TEMPLATES", "de=x");
  const ScopedEnv locales("SMSOTP_MESSAGE_COUNTRY_LOCALES", "AT=de");
  Config config;
  smsotp::core::apply_environment(config);
  CHECK(config.message_templates.empty());
  CHECK(config.country_locales.empty());
  CHECK(catch_error([&] {
          apply_text_value(
              config, "message.templates", "x", Origin::flag, "--t");
        }).code
        == ExitCode::internal);
  const auto names = smsotp::core::setting_names("message");
  CHECK(names
        == std::vector<std::string>{"app",
                                    "template",
                                    "max_segments",
                                    "webotp_domain",
                                    "android_app_hash",
                                    "group_code"});
}

TEST_CASE("an unknown key in [message] lists the tables among the known keys")
{
  CHECK(parse_error("[message]\nxyzzyxyzzy = 1\n").message
        == "t.toml:2:1: unknown key 'message.xyzzyxyzzy' (known: app, "
           "template, max_segments, webotp_domain, android_app_hash, "
           "group_code, templates, country_locales)");
  CHECK(parse_error("[message]\ncountry_locale = 1\n").message
        == "t.toml:2:1: unknown key 'message.country_locale' (did you mean "
           "'country_locales'?)");
  CHECK(parse_error("[otq]\n").message
        == "t.toml:1:2: unknown key 'otq' (did you mean 'otp'?)");
}
