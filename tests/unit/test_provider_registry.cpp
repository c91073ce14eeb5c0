// Tests for src/provider/base/registry.cpp.

#include "core/config.hpp"
#include "provider/base/provider.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using smsotp::core::ExitCode;
using smsotp::provider::make_provider;
using smsotp::test::catch_error;

namespace {

smsotp::core::ProviderSpec spec_of_table(const std::string& table)
{
  smsotp::core::Config config;
  smsotp::core::parse_config_text(config, table, "r.toml", "/etc/smsotp");
  REQUIRE(config.providers.size() == 1);
  return config.providers.front();
}

const std::string k_twilio_keys =
    "account_sid = \"AC0123456789abcdef0123456789abcdef\"\n"
    "auth_token_env = \"SMSOTP_TEST_TOKEN\"\n";

} // namespace

TEST_CASE("the built-in kinds include file and twilio")
{
  const auto kinds = smsotp::provider::provider_kinds();
  CHECK(std::find(kinds.begin(), kinds.end(), "file") != kinds.end());
  CHECK(std::find(kinds.begin(), kinds.end(), "twilio") != kinds.end());
}

TEST_CASE("make_provider builds each kind")
{
  const auto file =
      make_provider(spec_of_table("[provider.out]\nkind = \"file\"\n"), {});
  CHECK(file->info().kind == "file");
  CHECK(file->info().name == "out");
  const auto twilio = make_provider(
      spec_of_table(
          "[provider.tw]\nkind = \"twilio\"\nfrom = \"+15017122661\"\n"
          + k_twilio_keys),
      {});
  CHECK(twilio->info().kind == "twilio");
  CHECK(twilio->info().sender == "+15017122661");
}

TEST_CASE("an unknown kind is a config error with a suggestion")
{
  const auto caught = catch_error([&] {
    make_provider(spec_of_table("[provider.sms]\nkind = \"twillio\"\n"), {});
  });
  CHECK(caught.code == ExitCode::config);
  CHECK(static_cast<int>(caught.code) == 78);
  CHECK(caught.message.starts_with("r.toml:1:"));
  CHECK_CONTAINS(caught.message, "'twillio'");
  CHECK_CONTAINS(caught.message, "did you mean 'twilio'");

  const auto far = catch_error([&] {
    make_provider(spec_of_table("[provider.sms]\nkind = \"carrier-pigeon\"\n"),
                  {});
  });
  CHECK(far.code == ExitCode::config);
  CHECK_CONTAINS(far.message, "file");
  CHECK_CONTAINS(far.message, "twilio");
}

TEST_CASE("an unknown key in a provider table is a config error naming it")
{
  const auto file = catch_error([&] {
    make_provider(
        spec_of_table("[provider.out]\nkind = \"file\"\npathh = \"x\"\n"), {});
  });
  CHECK(file.code == ExitCode::config);
  CHECK(file.message.starts_with("r.toml:3:9:"));
  CHECK_CONTAINS(file.message, "'pathh'");
  CHECK_CONTAINS(file.message, "did you mean 'path'");

  const auto twilio = catch_error([&] {
    make_provider(
        spec_of_table("[provider.tw]\nkind = \"twilio\"\nfrom = \"+1555\"\n"
                      + k_twilio_keys + "auth_tokn_file = \"t\"\n"),
        {});
  });
  CHECK(twilio.code == ExitCode::config);
  CHECK_CONTAINS(twilio.message, "'auth_tokn_file'");
}

TEST_CASE("secret_names is what each kind reads as its secrets")
{
  // The names a built provider reports are the ones its HttpKind declares;
  // the registry's export must be the same list (the generic gateway
  // declares its own in http_gateway_config.cpp).
  const std::vector<std::pair<std::string, std::string>> tables{
      {"file", "[provider.p]\nkind = \"file\"\n"},
      {"twilio",
       "[provider.p]\nkind = \"twilio\"\nfrom = \"+15017122661\"\n"
           + k_twilio_keys},
      {"vonage",
       "[provider.p]\nkind = \"vonage\"\napi_key = \"abcd1234\"\n"
       "from = \"Acme\"\napi_secret_env = \"X\"\n"},
      {"http",
       "[provider.p]\nkind = \"http\"\nurl = \"https://gw.example/send\"\n"
       "body_type = \"form\"\nbody = [\"key={secret}\", \"to={to}\", "
       "\"text={text}\"]\nsecret_env = \"X\"\nsuccess_status = 200\n"},
  };
  for (const auto& item : tables) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& kind = std::get<0>(item);
    const auto& table = std::get<1>(item);
    CAPTURE(kind);
    const auto provider = make_provider(spec_of_table(table), {});
    std::vector<std::string> reported;
    for (const auto& [name, ref] : provider->info().secrets) {
      reported.push_back(name);
    }
    const auto exported = smsotp::provider::secret_names(kind);
    REQUIRE(exported.has_value());
    CHECK(reported == *exported);
  }
  CHECK_FALSE(smsotp::provider::secret_names("twillio").has_value());
  // Vonage's api_key is a plain value, so a table of unknown kind does not
  // count it as a secret; auth_token is a secret wherever it appears.
  const auto fallback = smsotp::provider::unambiguous_secret_names();
  CHECK(std::find(fallback.begin(), fallback.end(), "api_key")
        == fallback.end());
  CHECK(std::find(fallback.begin(), fallback.end(), "auth_token")
        != fallback.end());
}
