// Tests for src/message/compose.cpp: per-locale template choice, the WebOTP
// and app hash lines, grouped codes, message.max_segments and the load-time
// checks of every message.* setting (through the TOML parser, so that each
// error names file:line:col).

#include "core/config.hpp"
#include "message/compose.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

using smsotp::core::Config;
using smsotp::core::ExitCode;
using smsotp::message::compose;
using smsotp::message::select_template;
using smsotp::message::TemplateValues;
using smsotp::message::validate_config;
using smsotp::test::catch_error;

namespace {

Config config_from(const std::string& text)
{
  Config config;
  smsotp::core::parse_config_text(config, text, "t.toml", "/etc/smsotp");
  validate_config(config);
  return config;
}

smsotp::test::Caught config_error(const std::string& text)
{
  return catch_error([&] { config_from(text); });
}

const std::string k_locales = "[message]\ntemplate = \"Code {code}\"\n"
                              "[message.templates]\n"
                              "de = \"Code: {code}\"\n"
                              "pt = \"Codigo PT {code}\"\n"
                              "pt-BR = \"Codigo BR {code}\"\n"
                              "[message.country_locales]\n"
                              "AT = \"de\"\n"
                              "br = \"pt-BR\"\n"
                              "PT = \"pt-PT\"\n";

const TemplateValues k_values{"123456", "Acme", 300, "login"};

} // namespace

TEST_CASE("without per-locale templates message.template is used")
{
  const Config config;
  const auto selected = select_template(config, std::nullopt, "DE");
  CHECK(selected.locale.empty());
  CHECK(selected.key == "message.template");
  CHECK(selected.text == config.message_template.value);
}

TEST_CASE("--locale looks up the exact tag, then its shorter forms")
{
  const auto config = config_from(k_locales);
  const std::vector<std::pair<std::string, std::string>> table{
      {"de", "de"},
      {"DE", "de"},
      {"de-AT", "de"},
      {"de-CH-1996", "de"},
      {"pt-BR", "pt-BR"},
      {"pt_br", "pt-BR"},
      {"pt-PT", "pt"},
      {"pt", "pt"},
  };
  for (const auto& item : table) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& asked = std::get<0>(item);
    const auto& found = std::get<1>(item);
    CAPTURE(asked);
    const auto selected = select_template(config, asked, "US");
    CHECK(selected.locale == found);
    CHECK(selected.key == "message.templates." + found);
    CHECK(selected.where.starts_with("t.toml:"));
  }
}

TEST_CASE("a --locale that finds nothing is a usage error naming the tags")
{
  const auto config = config_from(k_locales);
  for (const std::string asked : {"fr", "fr-DE", "en"}) {
    const auto caught =
        catch_error([&] { select_template(config, asked, ""); });
    CHECK(caught.code == ExitCode::usage);
    CHECK_CONTAINS(caught.message, "--locale " + asked);
    CHECK_CONTAINS(caught.message, "known: de, pt, pt-BR");
  }
  for (const std::string bad :
       {"", "d", "deutsch", "de-", "de--AT", "de.UTF-8"}) {
    CAPTURE(bad);
    const auto caught = catch_error([&] { select_template(config, bad, ""); });
    CHECK(caught.code == ExitCode::usage);
    CHECK_CONTAINS(caught.message, "is not a locale tag");
  }
  const auto none =
      catch_error([&] { select_template(Config{}, std::string("de"), ""); });
  CHECK(none.code == ExitCode::usage);
  CHECK_CONTAINS(none.message, "[message.templates] is empty");
}

TEST_CASE("the recipient's region picks a template through country_locales")
{
  const auto config = config_from(k_locales);
  CHECK(select_template(config, std::nullopt, "AT").locale == "de");
  CHECK(select_template(config, std::nullopt, "BR").locale == "pt-BR");
  // PT maps to pt-PT, which falls back to pt.
  CHECK(select_template(config, std::nullopt, "PT").locale == "pt");
  // Regions without a mapping, and numbers without a region, use the default.
  CHECK(select_template(config, std::nullopt, "DE").key == "message.template");
  CHECK(select_template(config, std::nullopt, "").key == "message.template");
  CHECK(select_template(config, std::nullopt, "001").locale.empty());
  // --locale wins over the region.
  CHECK(select_template(config, std::string("de"), "BR").locale == "de");
}

TEST_CASE("per-locale settings are checked at load with file:line:col")
{
  const std::vector<std::tuple<std::string, std::string, std::string>> table{
      {"[message.templates]\nde = \"no code\"\n",
       "t.toml:2:6: message.templates.de: ",
       "found 0"},
      {"[message.templates]\nde = \"{code} {nope}\"\n",
       "t.toml:2:6: message.templates.de: ",
       "{nope}"},
      {"[message.templates]\n\"d e\" = \"{code}\"\n",
       "t.toml:2:9: message.templates.d e: ",
       "not a locale tag"},
      {"[message.templates]\npt-BR = \"{code}\"\npt_br = \"{code}\"\n",
       "t.toml:3:9: message.templates.pt_br: ",
       "the same locale as pt-BR"},
      {"[message.templates]\nde = 5\n",
       "t.toml:2:6: message.templates.de: ",
       "expected a string"},
      {"[message]\ntemplates = \"{code}\"\n",
       "t.toml:2:13: message.templates ",
       "must be a table"},
      {"[message.templates]\nde = \"{code}\"\n"
       "[message.country_locales]\nAT = \"fr\"\n",
       "t.toml:4:6: message.country_locales.AT: ",
       "locale \"fr\" has no template (known: de)"},
      {"[message.country_locales]\nAT = \"de\"\n",
       "t.toml:2:6: message.country_locales.AT: ",
       "[message.templates] is empty"},
      {"[message.templates]\nde = \"{code}\"\n"
       "[message.country_locales]\nAUT = \"de\"\n",
       "t.toml:4:7: message.country_locales.AUT: ",
       "not an ISO 3166 region"},
      {"[message.templates]\nde = \"{code}\"\n"
       "[message.country_locales]\nAT = \"de\"\nat = \"de\"\n",
       "t.toml:5:6: message.country_locales.at: ",
       "the same region as AT"},
  };
  for (const auto& item : table) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& text = std::get<0>(item);
    const auto& prefix = std::get<1>(item);
    const auto& why = std::get<2>(item);
    CAPTURE(text);
    const auto caught = config_error(text);
    CHECK(caught.thrown);
    CHECK(caught.code == ExitCode::config);
    CHECK_MESSAGE(caught.message.starts_with(prefix), caught.message);
    CHECK_CONTAINS(caught.message, why);
  }
}

TEST_CASE("a misspelt [message] table gets a did-you-mean")
{
  const auto caught = config_error("[message.country_locale]\nDE = \"de\"\n");
  CHECK(caught.code == ExitCode::config);
  CHECK_CONTAINS(caught.message, "did you mean 'country_locales'");
}

TEST_CASE("webotp_domain and android_app_hash are checked at load")
{
  for (const std::string bad : {"https://example.com",
                                "example.com:443",
                                "example.com/login",
                                "-example.com",
                                "example-.com",
                                "a..com",
                                "example.com.",
                                "exa mple.com",
                                "bücher.de"}) {
    CAPTURE(bad);
    const auto caught =
        config_error("[message]\nwebotp_domain = \"" + bad + "\"\n");
    CHECK(caught.code == ExitCode::config);
    CHECK(caught.message.starts_with("t.toml:2:17: message.webotp_domain: "));
  }
  CHECK(config_from("[message]\nwebotp_domain = \"login.Example.com\"\n")
            .webotp_domain.value
        == "login.Example.com");
  CHECK(smsotp::message::valid_hostname("localhost"));
  CHECK(smsotp::message::valid_hostname("xn--bcher-kva.de"));
  CHECK_FALSE(smsotp::message::valid_hostname(std::string(64, 'a') + ".com"));

  for (const std::string bad : {"FA+9qCX9VS", "FA+9qCX9VSuu", "FA+9qCX9VS-"}) {
    CAPTURE(bad);
    const auto caught =
        config_error("[message]\nandroid_app_hash = \"" + bad + "\"\n");
    CHECK(caught.code == ExitCode::config);
    CHECK(
        caught.message.starts_with("t.toml:2:20: message.android_app_hash: "));
  }
  CHECK(config_from("[message]\nandroid_app_hash = \"FA+9qCX9VSu\"\n")
            .android_app_hash.value
        == "FA+9qCX9VSu");
}

TEST_CASE("max_segments is 1 to 10, also from the environment")
{
  const auto caught = config_error("[message]\nmax_segments = 11\n");
  CHECK(caught.code == ExitCode::config);
  CHECK(caught.message.starts_with("t.toml:2:16: message.max_segments: "));
  CHECK_CONTAINS(caught.message, "1 to 10");
  CHECK(config_error("[message]\nmax_segments = 0\n").thrown);
  CHECK(config_from("[message]\nmax_segments = 3\n").max_segments.value == 3);

  const smsotp::test::CleanEnvironment clean;
  const smsotp::test::ScopedEnv segments("SMSOTP_MESSAGE_MAX_SEGMENTS", "2");
  const smsotp::test::ScopedEnv group("SMSOTP_MESSAGE_GROUP_CODE", "true");
  Config config;
  smsotp::core::apply_environment(config);
  CHECK(config.max_segments.value == 2);
  CHECK(config.group_code.value);
}

TEST_CASE("compose adds the app hash line and the WebOTP line last")
{
  auto config = config_from(k_locales);
  const auto selected = select_template(config, std::nullopt, "");
  CHECK(compose(config, selected, k_values).text == "Code 123456");

  config.webotp_domain.value = "Login.Example.com";
  CHECK(compose(config, selected, k_values).text
        == "Code 123456\n@login.example.com #123456");

  config.android_app_hash.value = "FA+9qCX9VSu";
  CHECK(compose(config, selected, k_values).text
        == "Code 123456\nFA+9qCX9VSu\n@login.example.com #123456");

  config.webotp_domain.value.clear();
  CHECK(compose(config, selected, k_values).text == "Code 123456\nFA+9qCX9VSu");
}

TEST_CASE("a grouped code stays whole in the WebOTP line")
{
  auto config = config_from("[message]\ntemplate = \"{app}: {code}\"\n"
                            "group_code = true\n"
                            "webotp_domain = \"example.com\"\n");
  const auto selected = select_template(config, std::nullopt, "");
  CHECK(compose(config, selected, k_values).text
        == "Acme: 123 456\n@example.com #123456");
  TemplateValues masked = k_values;
  masked.code = "********";
  CHECK(compose(config, selected, masked).text
        == "Acme: *** *** **\n@example.com #********");
}

TEST_CASE("compose measures the whole message, extra lines included")
{
  auto config = config_from(k_locales);
  const auto selected = select_template(config, std::string("de"), "");
  const auto plain = compose(config, selected, k_values);
  CHECK(plain.info.encoding == smsotp::message::Encoding::gsm7);
  CHECK(plain.info.units == 12);
  CHECK(plain.info.segments == 1);

  config.webotp_domain.value = "example.com";
  config.android_app_hash.value = "FA+9qCX9VSu";
  // "Code: 123456" 12 + "\nFA+9qCX9VSu" 12 + "\n@example.com #123456" 21.
  CHECK(compose(config, selected, k_values).info.units == 45);
}

TEST_CASE("a message above max_segments is a config error that explains")
{
  auto config = config_from("[message]\n"
                            "template = \"{code} "
                            + std::string(150, 'x') + "\"\n");
  const auto selected = select_template(config, std::nullopt, "");
  // 157 septets: one segment.
  CHECK(compose(config, selected, k_values).info.segments == 1);

  config.webotp_domain.value = "example.com";
  const auto caught = catch_error([&] { compose(config, selected, k_values); });
  CHECK(caught.code == ExitCode::config);
  CHECK(caught.message.starts_with("t.toml:2:12: message.template: "));
  CHECK_CONTAINS(caught.message, "with the WebOTP line");
  CHECK_CONTAINS(caught.message,
                 "GSM-7, 178 septets = 2 segments (153 per part)");
  CHECK_CONTAINS(caught.message, "above message.max_segments = 1");

  config.max_segments.value = 2;
  CHECK(compose(config, selected, k_values).info.segments == 2);
}

TEST_CASE("one non-GSM character can push a template over the limit")
{
  // "Twój kod: 123456. " is 18 characters; 'ó' is not in GSM-7.
  const std::string tail(60, 'x');
  auto config = config_from("[message.templates]\npl = \"Twój kod: {code}. "
                            + tail + "\"\n");
  const auto selected = select_template(config, std::string("pl-PL"), "");
  const auto caught = catch_error([&] { compose(config, selected, k_values); });
  CHECK(caught.code == ExitCode::config);
  CHECK(caught.message.starts_with("t.toml:2:6: message.templates.pl: "));
  CHECK_CONTAINS(caught.message,
                 "UCS-2, 78 UTF-16 units = 2 segments (67 per part)");
  // The same length in plain GSM-7 is one segment.
  config.message_templates.at("pl").value = "Twoj kod: {code}. " + tail;
  CHECK(
      compose(config, select_template(config, std::string("pl"), ""), k_values)
          .info.segments
      == 1);
}
