// The destination policy ([policy], research/security.md R16 and A9)
// through the built binary: a refused number costs nothing (no request to
// the provider, nothing stored), an allowed one is sent; national input with
// policy.default_region.

#include "fake_twilio.hpp"
#include "steps.hpp"

using namespace e2e;

namespace {

const std::string k_gb_mobile = "+447400123456";
const std::string k_gb_fixed = "+442079460000";

std::string config_for(const Sandbox& box,
                       const FakeTwilio& fake,
                       const std::string& policy)
{
  TwilioConfig config;
  config.base_url = fake.base_url();
  config.extra = "[policy]\n" + policy;
  return twilio_config(box, config);
}

// Nothing of smsotp's state exists: no database, no key file.
void check_nothing_stored(const Sandbox& box)
{
  CHECK_FALSE(file_exists(box.db()));
  CHECK_FALSE(file_exists(box.key_file()));
}

} // namespace

TEST_CASE("a disallowed country makes no request, stores nothing and exits 69")
{
  const Sandbox box;
  const FakeTwilio fake(Reply::created);
  const std::string config =
      config_for(box, fake, "allowed_countries = [\"US\", \"CA\"]\n");
  const auto sent = box.run({"-c", config, "send", "--to", k_gb_mobile});
  INFO(sent.err);
  CHECK(sent.exit_code == 69);
  CHECK(sent.out.empty());
  CHECK(sent.err
        == "smsotp: error: policy: destination +44********56 (GB) is not in "
           "policy.allowed_countries [US, CA]; nothing was stored or sent\n");
  CHECK_FALSE(contains(sent.all(), k_gb_mobile));
  CHECK(fake.request_count() == 0);
  check_nothing_stored(box);

  const auto json =
      one_json(box.run({"-c", config, "--json", "send", "--to", k_gb_mobile}));
  CHECK(json["error"]["class"] == "refused");
  CHECK(json["error"]["exit_code"] == 69);
  // The same with formatted input, and in a dry run.
  CHECK(box.run({"-c", config, "send", "--to", "+44 7400 123 456"}).exit_code
        == 69);
  CHECK(box.run({"-c", config, "send", "--to", k_gb_mobile, "--dry-run"})
            .exit_code
        == 69);
  CHECK(fake.request_count() == 0);
  check_nothing_stored(box);
}

TEST_CASE("an allowed country is sent, with its country and type in --json")
{
  const Sandbox box;
  const FakeTwilio fake(Reply::created);
  const std::string config =
      config_for(box, fake, "allowed_countries = [\"US\", \"CA\"]\n");
  const auto sent =
      box.run({"-c", config, "--json", "send", "--to", "+1 (503) 323-4567"});
  const auto json = one_json(sent);
  CHECK(sent.exit_code == 0);
  CHECK(json["status"] == "sent");
  CHECK(json["to"] == "+15*******67");
  CHECK(json["country"] == "US");
  CHECK(json["number_type"] == "fixed_line_or_mobile");
  REQUIRE(fake.request_count() == 1);
  // The provider gets the E.164 form.
  CHECK(fake.requests()[0].form.at("To") == k_to);
  CHECK(verify(box, config, code_from_body(fake.requests()[0])).exit_code == 0);
}

TEST_CASE("send without an allow-list fails with 78 and names the key")
{
  const Sandbox box;
  const FakeTwilio fake(Reply::created);
  const std::string config =
      config_for(box, fake, "blocked_prefixes = [\"+88\"]\n");
  const auto sent = box.run({"-c", config, "send", "--to", k_to});
  CHECK(sent.exit_code == 78);
  CHECK(contains(sent.err, "policy.allowed_countries is not set"));
  CHECK(contains(sent.err, "SMSOTP_POLICY_ALLOWED_COUNTRIES"));
  CHECK(fake.request_count() == 0);
  check_nothing_stored(box);
  // The environment can supply it.
  RunOptions env;
  env.env.push_back("SMSOTP_POLICY_ALLOWED_COUNTRIES=US,GB");
  CHECK(box.run({"-c", config, "send", "--to", k_to}, env).exit_code == 0);
  CHECK(fake.request_count() == 1);
}

TEST_CASE("blocked prefixes and require_mobile refuse before any request")
{
  const Sandbox box;
  const FakeTwilio fake(Reply::created);
  const std::string config =
      config_for(box,
                 fake,
                 "allowed_countries = [\"*\"]\nblocked_prefixes = [\"+1503\"]\n"
                 "require_mobile = true\n");
  const auto blocked = box.run({"-c", config, "send", "--to", k_to});
  CHECK(blocked.exit_code == 69);
  CHECK(contains(blocked.err, "starts with \"+1503\""));
  const auto fixed = box.run({"-c", config, "send", "--to", k_gb_fixed});
  CHECK(fixed.exit_code == 69);
  CHECK(contains(fixed.err, "is not a mobile number (fixed_line)"));
  CHECK(fake.request_count() == 0);
  check_nothing_stored(box);
  // A GB mobile and a US number outside the blocked prefix pass.
  CHECK(box.run({"-c", config, "send", "--to", k_gb_mobile}).exit_code == 0);
  CHECK(box.run({"-c", config, "send", "--to", "+12025550123"}).exit_code == 0);
  CHECK(fake.request_count() == 2);
}

TEST_CASE("the environment overrides the allow-list of the file")
{
  const Sandbox box;
  const FakeTwilio fake(Reply::created);
  const std::string config =
      config_for(box, fake, "allowed_countries = [\"*\"]\n");
  RunOptions env;
  env.env.push_back("SMSOTP_POLICY_ALLOWED_COUNTRIES=GB");
  const auto sent = box.run({"-c", config, "send", "--to", k_to}, env);
  CHECK(sent.exit_code == 69);
  CHECK(contains(sent.err, "(US) is not in policy.allowed_countries [GB]"));
  CHECK(fake.request_count() == 0);
}

TEST_CASE("providers test obeys the policy")
{
  const Sandbox box;
  const FakeTwilio fake(Reply::created);
  const std::string config =
      config_for(box, fake, "allowed_countries = [\"GB\"]\n");
  const auto refused =
      box.run({"-c", config, "providers", "test", "twilio", "--to", k_to});
  CHECK(refused.exit_code == 69);
  CHECK(contains(refused.err, "policy.allowed_countries"));
  CHECK(fake.request_count() == 0);
  const auto sent = box.run(
      {"-c", config, "providers", "test", "twilio", "--to", k_gb_mobile});
  INFO(sent.err);
  CHECK(sent.exit_code == 0);
  REQUIRE(fake.request_count() == 1);
  CHECK(fake.requests()[0].form.at("To") == k_gb_mobile);
}

TEST_CASE("national numbers need policy.default_region")
{
  const Sandbox box;
  const std::string without = box.file_config();
  const auto refused = box.run({"-c", without, "send", "--to", "07400 123456"});
  CHECK(refused.exit_code == 64);
  CHECK(contains(refused.err, "missing country code"));
  CHECK(contains(refused.err, "policy.default_region"));

  const std::string config = box.file_config(
      "[policy]\nallowed_countries = [\"GB\"]\ndefault_region = \"GB\"\n");
  const auto sent = box.run({"-c", config, "send", "--to", "07400 123456"});
  INFO(sent.err);
  REQUIRE(sent.exit_code == 0);
  // Stored and delivered in E.164 form.
  const std::string code = box.last_code(k_gb_mobile);
  REQUIRE(code.size() == 6);
  CHECK(sql_value(box.db(), "SELECT recipient FROM challenge") == k_gb_mobile);
  // verify and purge accept the same number in any form.
  CHECK(verify(box, config, wrong_code(code), {}, "(07400) 123-456").exit_code
        == 1);
  CHECK(verify(box, config, code, {}, "+44 7400 123456").exit_code == 0);
  const auto purged =
      box.run({"-c", config, "--json", "purge", "--to", "07400123456"});
  CHECK(purged.exit_code == 0);
  CHECK(one_json(purged)["challenges"] == 1);
}

TEST_CASE("verify and purge do not apply the policy")
{
  const Sandbox box;
  const std::string open = box.file_config();
  const std::string code = send_code(box, open, {}, k_gb_mobile);
  // The allow-list shrinks after the code was sent: it still verifies.
  const std::string closed =
      box.write_file("closed.toml",
                     "[store]\ndatabase = \"" + box.db()
                         + "\"\n[policy]\nallowed_countries = [\"US\"]\n"
                           "[provider.outbox]\nkind = \"file\"\npath = \""
                         + box.outbox() + "\"\n");
  CHECK(box.run({"-c", closed, "send", "--to", k_gb_mobile}).exit_code == 69);
  CHECK(verify(box, closed, code, {}, k_gb_mobile).exit_code == 0);
  CHECK(box.run({"-c", closed, "purge", "--to", k_gb_mobile}).exit_code == 0);
}

TEST_CASE("invalid numbers are usage errors that say why")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const std::vector<std::pair<std::string, std::string>> table{
      {"+15555550123", "not a valid number for region US (+1)"},
      {"+1 800 FLOWERS", "letters are not accepted"},
      {"+1650253", "too short for region US (+1)"},
      {"+4474001234567", "too long for region GB (+44)"},
      {"+16502530000\n", "control character '\\n' at byte 12"},
  };
  for (const auto& item : table) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& input = std::get<0>(item);
    const auto& why = std::get<1>(item);
    CAPTURE(input);
    const auto sent = box.run({"-c", config, "send", "--to", input});
    CHECK(sent.exit_code == 64);
    CHECK(contains(sent.err, why));
    const auto checked =
        box.run({"-c", config, "verify", "--to", input, "123456"});
    CHECK(checked.exit_code == 64);
    CHECK(contains(checked.err, why));
  }
  check_nothing_stored(box);
}
