// Tests for the message part of src/cli/send.cpp: --locale and the
// recipient's country choose the template, --dry-run and --json show the
// encoding and segment count, message.max_segments refuses before anything is
// stored or sent, and grouped codes and the WebOTP line reach the provider.

#include "cli_fixture.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using smsotp::test::CliFixture;
using smsotp::test::k_cli_t0;

namespace {

const std::string k_us = "+15033234567";
const std::string k_de = "+4915123456789";
const std::string k_outbox =
    "[provider.outbox]\nkind = \"file\"\npath = \"outbox.txt\"\n";
const std::string k_locales = "[message.templates]\n"
                              "de = \"{app}: Ihr Code lautet {code}\"\n"
                              "pt-BR = \"{app}: seu codigo e {code}\"\n"
                              "[message.country_locales]\n"
                              "DE = \"de\"\n";

smsotp::cli::SendOptions dry(const std::string& to,
                             std::optional<std::string> locale = std::nullopt)
{
  smsotp::cli::SendOptions options;
  options.to = to;
  options.locale = std::move(locale);
  options.dry_run = true;
  return options;
}

void check_nothing_happened(const CliFixture& cli)
{
  CHECK_FALSE(smsotp::test::path_exists(cli.file("state.db")));
  CHECK_FALSE(smsotp::test::path_exists(cli.file("smsotp.key")));
  CHECK_FALSE(smsotp::test::path_exists(cli.file("outbox.txt")));
}

// The last outbox line's text, with the file provider's "\n" escapes undone.
std::string last_message(const CliFixture& cli)
{
  auto text = smsotp::test::read_file(cli.file("outbox.txt"));
  REQUIRE(text.ends_with("\n"));
  text.pop_back();
  text = text.substr(text.rfind('\n') + 1);
  text = text.substr(text.find('\t') + 1);
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == 'n') {
      out += '\n';
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

} // namespace

TEST_CASE("send --locale chooses the template")
{
  CliFixture cli(k_outbox + k_locales);
  cli.global.json = true;
  const auto result = cli.send(dry(k_us, "de-AT"));
  CHECK(result.status == 0);
  const auto json = nlohmann::json::parse(result.out);
  CHECK(json.at("locale") == "de");
  CHECK(json.at("text") == "smsotp: Ihr Code lautet ******");
  CHECK(json.at("encoding") == "gsm7");
  CHECK(json.at("segments") == 1);
  check_nothing_happened(cli);
}

TEST_CASE("without --locale the recipient's country chooses the template")
{
  CliFixture cli(k_outbox + k_locales);
  cli.global.json = true;
  const auto german = nlohmann::json::parse(cli.send(dry(k_de)).out);
  CHECK(german.at("country") == "DE");
  CHECK(german.at("locale") == "de");
  CHECK_CONTAINS(german.at("text").get<std::string>(), "Ihr Code");
  // No mapping for US: message.template, and "locale" is null.
  const auto american = nlohmann::json::parse(cli.send(dry(k_us)).out);
  CHECK(american.at("locale").is_null());
  CHECK_CONTAINS(american.at("text").get<std::string>(), "your code is");
}

TEST_CASE("an unknown --locale is a usage error naming the known tags")
{
  CliFixture cli(k_outbox + k_locales);
  for (const bool dry_run : {true, false}) {
    auto options = dry(k_us, "fr");
    options.dry_run = dry_run;
    const auto result = cli.send(options);
    CHECK(result.status == 64);
    CHECK_CONTAINS(result.err, "--locale fr");
    CHECK_CONTAINS(result.err, "known: de, pt-BR");
  }
  check_nothing_happened(cli);
}

TEST_CASE("send --dry-run shows the encoding and segment count")
{
  CliFixture cli(k_outbox + k_locales);
  const auto text = cli.send(dry(k_us));
  CHECK(text.status == 0);
  CHECK_CONTAINS(text.out, "# template message.template: GSM-7, 1 segment (");
  CHECK_CONTAINS(text.out, " of 160 septets)");

  CliFixture emoji(k_outbox
                   + "[message]\nmax_segments = 2\n"
                     "template = \"🔐 {app}: your code is {code}. It expires "
                     "in {ttl_minutes} minutes. Never share it, not even "
                     "with us.\"\n");
  const auto ucs2 = emoji.send(dry(k_us));
  CHECK(ucs2.status == 0);
  CHECK_CONTAINS(ucs2.out, "# template message.template: UCS-2, 2 segments (");
  emoji.global.json = true;
  const auto json = nlohmann::json::parse(emoji.send(dry(k_us)).out);
  CHECK(json.at("encoding") == "ucs2");
  CHECK(json.at("segments") == 2);
  check_nothing_happened(emoji);
}

TEST_CASE("send --json reports the locale, encoding and segments it sent")
{
  CliFixture cli(k_outbox + k_locales);
  cli.global.json = true;
  smsotp::cli::SendOptions options;
  options.to = k_de;
  const auto result = cli.send(options);
  CHECK(result.status == 0);
  const auto json = nlohmann::json::parse(result.out);
  CHECK(json.at("status") == "sent");
  CHECK(json.at("locale") == "de");
  CHECK(json.at("encoding") == "gsm7");
  CHECK(json.at("segments") == 1);
  CHECK(last_message(cli).starts_with("smsotp: Ihr Code lautet "));
}

TEST_CASE("a message above max_segments exits 78 before anything happens")
{
  CliFixture cli(k_outbox + "[message]\ntemplate = \"{code} "
                 + std::string(160, 'x') + "\"\n");
  for (const bool dry_run : {true, false}) {
    auto options = dry(k_us);
    options.dry_run = dry_run;
    const auto result = cli.send(options);
    CHECK(result.status == 78);
    CHECK_CONTAINS(result.err, cli.config_path() + ":9:12: message.template: ");
    CHECK_CONTAINS(result.err, "GSM-7, 167 septets = 2 segments");
    CHECK_CONTAINS(result.err, "above message.max_segments = 1");
  }
  check_nothing_happened(cli);

  // A longer code can be what tips it over: --length is checked too.
  CliFixture edge(k_outbox + "[message]\ntemplate = \"{code} "
                  + std::string(153, 'x') + "\"\n");
  edge.global.json = true;
  auto options = dry(k_us);
  options.dry_run = false;
  CHECK(edge.send(options).status == 0);
  options.length = "7";
  const auto refused = edge.send(options);
  CHECK(refused.status == 78);
  CHECK(nlohmann::json::parse(refused.out).at("error").at("class") == "config");
}

TEST_CASE("a grouped code and the WebOTP line reach the provider")
{
  CliFixture cli(k_outbox
                 + "[message]\ntemplate = \"{app} code: {code}\"\n"
                   "group_code = true\nwebotp_domain = \"login.example.com\"\n"
                   "android_app_hash = \"FA+9qCX9VSu\"\n");
  smsotp::cli::SendOptions options;
  options.to = k_us;
  REQUIRE(cli.send(options).status == 0);
  const auto message = last_message(cli);
  const auto hash = message.rfind('#');
  REQUIRE(hash != std::string::npos);
  const auto code = message.substr(hash + 1);
  REQUIRE(code.size() == 6);
  CHECK(message
        == "smsotp code: " + code.substr(0, 3) + " " + code.substr(3)
               + "\nFA+9qCX9VSu\n@login.example.com #" + code);
  // verify takes the code as shown (grouped) or as in the WebOTP line.
  CHECK(cli.verify_code(k_us, code.substr(0, 3) + " " + code.substr(3)).status
        == 0);

  cli.clock().set(k_cli_t0 + 120);
  REQUIRE(cli.send(options).status == 0);
  const auto again = last_message(cli);
  CHECK(cli.verify_code(k_us, again.substr(again.rfind('#') + 1)).status == 0);
}
