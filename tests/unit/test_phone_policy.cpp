// Tests for src/phone/policy.cpp, and for the policy.* settings it reads.

#include "core/config.hpp"
#include "phone/policy.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using smsotp::core::Config;
using smsotp::core::ExitCode;
using smsotp::core::Origin;
using smsotp::phone::check;
using smsotp::phone::NumberType;
using smsotp::phone::Policy;
using smsotp::phone::policy_from;
using smsotp::test::catch_error;
using smsotp::test::CleanEnvironment;
using smsotp::test::ScopedEnv;

namespace {

const std::string k_us = "+12025550123"; // FIXED_LINE_OR_MOBILE
const std::string k_ca = "+14165550123"; // NANP, but CA
const std::string k_gb_mobile = "+447400123456";
const std::string k_gb_fixed = "+442079460000"; // Ofcom drama range, fixed
const std::string k_toll_free = "+18003569377";
const std::string k_non_geo = "+80012345678";

Policy allow(std::vector<std::string> countries)
{
  Policy policy;
  policy.allowed_countries = std::move(countries);
  return policy;
}

Config parse(const std::string& text)
{
  Config config;
  smsotp::core::parse_config_text(config, text, "/etc/p.toml", "/etc");
  return config;
}

// Checks that `e164` is refused with 69, a message naming `rule`, the masked
// number and never the number itself.
void check_refused(const Policy& policy,
                   const std::string& e164,
                   const std::string& rule)
{
  CAPTURE(e164);
  const auto caught = catch_error([&] { check(policy, e164); });
  CHECK(caught.thrown);
  CHECK(caught.code == ExitCode::refused);
  CHECK(static_cast<int>(caught.code) == 69);
  CHECK_CONTAINS(caught.message, "policy: destination ");
  CHECK_CONTAINS(caught.message, rule);
  CHECK_CONTAINS(caught.message, smsotp::phone::mask(e164));
  CHECK_NOT_CONTAINS(caught.message, e164);
  CHECK_CONTAINS(caught.message, "nothing was stored or sent");
}

} // namespace

TEST_CASE("a missing or empty allow-list is a config error naming the key")
{
  const auto missing = catch_error([] { check(Policy{}, k_us); });
  CHECK(missing.code == ExitCode::config);
  CHECK(static_cast<int>(missing.code) == 78);
  CHECK_CONTAINS(missing.message, "policy.allowed_countries is not set");
  CHECK_CONTAINS(missing.message, "allowed_countries = [\"US\", \"GB\"]");
  CHECK_CONTAINS(missing.message, "SMSOTP_POLICY_ALLOWED_COUNTRIES");
  CHECK_CONTAINS(missing.message, "[\"*\"] allows every country");

  auto empty = allow({});
  empty.allowed_where = "/etc/p.toml:2:21";
  const auto caught = catch_error([&] { check(empty, k_us); });
  CHECK(caught.code == ExitCode::config);
  CHECK_CONTAINS(caught.message, "/etc/p.toml:2:21: ");
  CHECK_CONTAINS(caught.message, "policy.allowed_countries is empty");
}

TEST_CASE("a region libphonenumber does not know is a config error")
{
  const auto uk = catch_error([] { check(allow({"US", "UK"}), k_us); });
  CHECK(uk.code == ExitCode::config);
  CHECK_CONTAINS(uk.message, "\"UK\" is not a region");
  CHECK_CONTAINS(uk.message, "the United Kingdom is \"GB\"");
  const auto xy = catch_error([] { check(allow({"XY"}), k_us); });
  CHECK(xy.code == ExitCode::config);
  CHECK_CONTAINS(xy.message, "ISO 3166");
}

TEST_CASE("a country not in the allow-list is refused with 69")
{
  const auto policy = allow({"US", "CA"});
  check_refused(policy, k_gb_mobile, "(GB) is not in policy.allowed_countries");
  check_refused(policy, k_gb_mobile, "[US, CA]");
  check_refused(policy, "+41446681800", "(CH)");
  check_refused(policy, k_non_geo, "(001)");
  // NANP shares +1: the region comes from the area code.
  check_refused(allow({"US"}), k_ca, "(CA) is not in");
  CHECK(check(allow({"CA"}), k_ca).region == "CA");
}

TEST_CASE("allowed countries pass and report region and type")
{
  const auto policy = allow({"US", "CA", "GB"});
  const auto us = check(policy, k_us);
  CHECK(us.region == "US");
  CHECK(us.type == NumberType::fixed_line_or_mobile);
  const auto gb = check(policy, k_gb_mobile);
  CHECK(gb.region == "GB");
  CHECK(gb.type == NumberType::mobile);
  CHECK(check(policy, k_gb_fixed).type == NumberType::fixed_line);
  CHECK(check(allow({"001"}), k_non_geo).region == "001");
}

TEST_CASE("[\"*\"] is the explicit opt-out and allows every country")
{
  const auto policy = allow({"*"});
  for (const auto& number :
       {k_us, k_ca, k_gb_mobile, k_gb_fixed, k_non_geo, k_toll_free}) {
    CAPTURE(number);
    CHECK_NOTHROW(check(policy, number));
  }
}

TEST_CASE("a blocked prefix is refused with 69, even with [\"*\"]")
{
  auto policy = allow({"*"});
  policy.blocked_prefixes = {"+88", "+4474"};
  check_refused(policy, k_gb_mobile, "starts with \"+4474\"");
  check_refused(policy, k_gb_mobile, "policy.blocked_prefixes");
  CHECK(check(policy, k_gb_fixed).region == "GB");
  CHECK(check(policy, k_us).region == "US");
  // The prefix is checked before the country.
  policy.allowed_countries = std::vector<std::string>{"US"};
  check_refused(policy, k_gb_mobile, "policy.blocked_prefixes");
}

TEST_CASE("require_mobile refuses fixed lines and lets NANP numbers pass")
{
  auto policy = allow({"*"});
  policy.require_mobile = true;
  check_refused(policy, k_gb_fixed, "(GB) is not a mobile number (fixed_line)");
  check_refused(policy, k_gb_fixed, "policy.require_mobile");
  check_refused(policy, "+41446681800", "(fixed_line)");
  check_refused(policy, k_toll_free, "(toll_free)");
  CHECK(check(policy, k_gb_mobile).type == NumberType::mobile);
  // NANP metadata never says MOBILE; FIXED_LINE_OR_MOBILE must pass.
  CHECK(check(policy, k_us).type == NumberType::fixed_line_or_mobile);
  CHECK(check(policy, k_ca).type == NumberType::fixed_line_or_mobile);
  policy.require_mobile = false;
  CHECK_NOTHROW(check(policy, k_gb_fixed));
}

TEST_CASE("policy settings come from [policy] in the config file")
{
  const CleanEnvironment clean;
  const auto config = parse("[policy]\n"
                            "default_region = \"gb\"\n"
                            "allowed_countries = [\"us\", \"GB\", \"001\"]\n"
                            "blocked_prefixes = [\"+88\"]\n"
                            "require_mobile = true\n");
  CHECK(config.default_region.value == "GB");
  const auto policy = policy_from(config);
  REQUIRE(policy.allowed_countries.has_value());
  CHECK(*policy.allowed_countries
        == std::vector<std::string>{"US", "GB", "001"});
  CHECK(policy.allowed_where == "/etc/p.toml:3:21");
  CHECK(policy.blocked_prefixes == std::vector<std::string>{"+88"});
  CHECK(policy.require_mobile);
  const auto lines = smsotp::core::describe_settings(config);
  for (const auto* line :
       {"policy.default_region = GB (file /etc/p.toml:2:18)",
        "policy.allowed_countries = [US, GB, 001] (file /etc/p.toml:3:21)",
        "policy.blocked_prefixes = [+88] (file /etc/p.toml:4:20)",
        "policy.require_mobile = true (file /etc/p.toml:5:18)"}) {
    CAPTURE(line);
    CHECK(std::find(lines.begin(), lines.end(), line) != lines.end());
  }
}

TEST_CASE("without [policy] the allow-list is unset and the rest is off")
{
  const Config config;
  const auto policy = policy_from(config);
  CHECK_FALSE(policy.allowed_countries.has_value());
  CHECK(policy.blocked_prefixes.empty());
  CHECK_FALSE(policy.require_mobile);
  CHECK(config.default_region.value.empty());
  const auto lines = smsotp::core::describe_settings(config);
  CHECK(std::find(lines.begin(),
                  lines.end(),
                  "policy.allowed_countries = (not set) (default)")
        != lines.end());
}

TEST_CASE("the environment overrides the policy settings")
{
  const CleanEnvironment clean;
  const ScopedEnv countries("SMSOTP_POLICY_ALLOWED_COUNTRIES", "US, gb");
  const ScopedEnv prefixes("SMSOTP_POLICY_BLOCKED_PREFIXES", "+88,+4474");
  const ScopedEnv mobile("SMSOTP_POLICY_REQUIRE_MOBILE", "yes");
  const ScopedEnv region("SMSOTP_POLICY_DEFAULT_REGION", "ch");
  auto config = parse("[policy]\nallowed_countries = [\"*\"]\n");
  smsotp::core::apply_environment(config);
  const auto policy = policy_from(config);
  CHECK(*policy.allowed_countries == std::vector<std::string>{"US", "GB"});
  CHECK(policy.allowed_where == "SMSOTP_POLICY_ALLOWED_COUNTRIES");
  CHECK(policy.blocked_prefixes == std::vector<std::string>{"+88", "+4474"});
  CHECK(policy.require_mobile);
  CHECK(config.require_mobile.origin == Origin::environment);
  CHECK(config.default_region.value == "CH");
}

TEST_CASE("malformed policy settings are config errors with their location")
{
  const CleanEnvironment clean;
  const std::vector<std::pair<std::string, std::string>> table{
      {"allowed_countries = [\"USA\"]", "expected an ISO 3166 region"},
      {"allowed_countries = [\"*\", \"US\"]", "cannot be combined"},
      {"allowed_countries = [\"\"]", "got \"\""},
      {"allowed_countries = [1]", "expected a list"},
      {"blocked_prefixes = [\"88\"]", "expected E.164 prefixes"},
      {"blocked_prefixes = [\"+\"]", "expected E.164 prefixes"},
      {"blocked_prefixes = [\"+8 8\"]", "expected E.164 prefixes"},
      {"require_mobile = \"maybe\"", "expected true or false"},
      {"require_mobile = 1", "expected true or false"},
      {"default_region = \"GBR\"", "expected an ISO 3166 region"},
      {"default_region = \"*\"", "expected an ISO 3166 region"},
      {"default_regoin = \"GB\"", "did you mean 'default_region'"},
  };
  for (const auto& item : table) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& line = std::get<0>(item);
    const auto& why = std::get<1>(item);
    CAPTURE(line);
    const auto caught = catch_error([&] { parse("[policy]\n" + line + "\n"); });
    CHECK(caught.code == ExitCode::config);
    CHECK_CONTAINS(caught.message, "/etc/p.toml:2:");
    CHECK_CONTAINS(caught.message, why);
  }
  const ScopedEnv mobile("SMSOTP_POLICY_REQUIRE_MOBILE", "maybe");
  Config config;
  const auto caught =
      catch_error([&] { smsotp::core::apply_environment(config); });
  CHECK(caught.code == ExitCode::config);
  CHECK_CONTAINS(caught.message, "SMSOTP_POLICY_REQUIRE_MOBILE");
}

TEST_CASE("a list may also be written as one comma-separated string")
{
  // As for send.providers, and as in the environment.
  const auto config = parse("[policy]\nallowed_countries = \"US, gb\"\n");
  CHECK(config.allowed_countries.value == std::vector<std::string>{"US", "GB"});
}

TEST_CASE("an explicitly empty default region means international input only")
{
  const auto config = parse("[policy]\ndefault_region = \"\"\n");
  CHECK(config.default_region.value.empty());
  CHECK(config.default_region.origin == Origin::file);
}
