// Failover along send.providers through the binary: a twilio "primary"
// scripted per scenario, then a happy vonage "backup". The backup is used
// only when the primary surely did not deliver; no scenario sends the same
// code twice where the first request may have gone out. A failed provider
// is skipped by later processes for send.provider_cooldown.

#include "fake_twilio.hpp"
#include "provider_kinds.hpp"
#include "steps.hpp"

#include <optional>

using namespace e2e;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t k_now = 1'800'000'000;

enum class Primary
{
  fake,        // a FakeProvider giving `answer`
  closed_port, // nothing listens
  untrusted,   // HTTPS with a certificate smsotp does not trust
};

enum class Valid
{
  none,    // no stored code may verify
  primary, // the code the primary received verifies
  backup,  // the code the backup received verifies
};

struct Scenario
{
  const char* name;
  Primary primary;
  Answer answer;
  std::string primary_extra; // lines for the primary's table
  int exit_code;
  std::size_t primary_requests; // ignored unless Primary::fake
  std::size_t backup_requests;
  Valid valid;
};

Answer twilio_error(int status, int code)
{
  return {status,
          R"({"code":)" + std::to_string(code)
              + R"(,"message":"The 'To' number +15551234567 is not valid",)"
                R"("status":)"
              + std::to_string(status) + "}"};
}

Answer slow(Answer answer, std::chrono::milliseconds delay)
{
  answer.delay = delay;
  return answer;
}

const std::vector<Scenario>& scenarios()
{
  static const std::vector<Scenario> k_scenarios{
      {"primary refuses the connection",
       Primary::closed_port,
       {},
       "retries = 0\n",
       0,
       0,
       1,
       Valid::backup},
      {"primary's TLS certificate is not trusted",
       Primary::untrusted,
       {},
       "",
       0,
       0,
       1,
       Valid::backup},
      {"primary rejects the credentials (401)",
       Primary::fake,
       twilio_answer(Reply::unauthorized),
       "",
       0,
       1,
       1,
       Valid::backup},
      {"primary answers 429 with Retry-After: 30",
       Primary::fake,
       twilio_answer(Reply::rate_limited_long),
       "",
       0,
       1,
       1,
       Valid::backup},
      {"primary answers 429 without Retry-After, retries = 1",
       Primary::fake,
       twilio_answer(Reply::rate_limited),
       "retries = 1\n",
       0,
       2,
       1,
       Valid::backup},
      {"primary refuses the sender, not the recipient (twilio 21606)",
       Primary::fake,
       twilio_error(400, 21606),
       "",
       0,
       1,
       1,
       Valid::backup},
      {"primary rejects the recipient (twilio 21211)",
       Primary::fake,
       twilio_error(400, 21211),
       "",
       69,
       1,
       0,
       Valid::none},
      {"primary answers 500: outcome unknown",
       Primary::fake,
       twilio_answer(Reply::server_error),
       "",
       76,
       1,
       0,
       Valid::primary},
      {"primary answers 200 without a sid: outcome unknown",
       Primary::fake,
       twilio_answer(Reply::no_sid),
       "",
       76,
       1,
       0,
       Valid::primary},
      {"primary times out after the request was sent",
       Primary::fake,
       slow(twilio_answer(Reply::created), 3s),
       "timeout = \"1s\"\n",
       76,
       1,
       0,
       Valid::primary},
  };
  return k_scenarios;
}

std::string two_provider_config(const Sandbox& box,
                                const std::string& primary_url,
                                const std::string& primary_extra,
                                const std::string& backup_url,
                                const std::string& send_extra = "")
{
  return kinds_config(box,
                      {{"primary", "twilio", primary_url, "", primary_extra},
                       {"backup", "vonage", backup_url, "", "retries = 0\n"}},
                      "",
                      "kinds.toml",
                      send_extra);
}

} // namespace

TEST_CASE("send fails over only when the first provider surely did not send")
{
  for (const auto& scenario : scenarios()) {
    const std::string name = scenario.name;
    CAPTURE(name);
    const Sandbox box;
    const FakeProvider backup(kind_handler("vonage"));
    std::optional<TestCert> cert;
    if (scenario.primary == Primary::untrusted) {
      cert = make_test_cert(box);
    }
    const FakeProvider primary(always(scenario.answer),
                               cert ? &*cert : nullptr);
    const std::string primary_url =
        scenario.primary == Primary::closed_port
            ? "http://127.0.0.1:" + std::to_string(closed_port())
            : primary.base_url();
    const std::string config = two_provider_config(
        box, primary_url, scenario.primary_extra, backup.base_url());
    const auto sent = box.run({"-c", config, "-v", "send", "--to", k_to});
    CAPTURE(sent.out);
    CAPTURE(sent.err);
    CHECK(sent.exit_code == scenario.exit_code);
    if (scenario.primary == Primary::fake) {
      CHECK(primary.request_count() == scenario.primary_requests);
    } else {
      CHECK(primary.request_count() == 0);
    }
    CHECK(backup.request_count() == scenario.backup_requests);
    if (scenario.backup_requests > 0) {
      CHECK(contains(sent.err, "; trying backup"));
      CHECK(contains(sent.err, "via backup"));
    } else {
      CHECK_FALSE(contains(sent.err, "trying backup"));
    }
    const bool challenge_printed =
        scenario.exit_code == 0 || scenario.exit_code == 76;
    CHECK(challenge_printed == is_challenge_id(sent.out.substr(0, 27)));

    // One challenge, one code: the backup carries the same code the
    // primary saw (the primary surely did not deliver it), and it verifies
    // only if a request that may have delivered it went out.
    const auto from_primary = primary.requests();
    const auto from_backup = backup.requests();
    std::string code;
    if (!from_primary.empty()) {
      code = code_in(from_primary.back());
    }
    if (!from_backup.empty()) {
      CHECK(names_recipient("vonage", from_backup.back(), k_to));
      const std::string delivered = code_in(from_backup.back());
      CHECK((code.empty() || code == delivered));
      code = delivered;
    }
    if (!code.empty()) {
      REQUIRE(code.size() == 6);
      CHECK(verify(box, config, code).exit_code
            == (scenario.valid == Valid::none ? 1 : 0));
    }
    if (scenario.valid == Valid::none) {
      CHECK(sql_value(box.db(), "SELECT state FROM challenge") == "failed");
      CHECK(sql_value(box.db(), "SELECT tag IS NULL FROM challenge") == "1");
    }
  }
}

TEST_CASE("a failed provider is skipped by the next process until its "
          "cooldown ends")
{
  const Sandbox box;
  const int primary_port = closed_port();
  const FakeProvider backup(kind_handler("vonage"));
  const std::string cooldown =
      two_provider_config(box,
                          "http://127.0.0.1:" + std::to_string(primary_port),
                          "retries = 0\n",
                          backup.base_url(),
                          "provider_cooldown = \"1m\"\n");

  RunOptions at_start;
  at_start.now = k_now;
  const auto first =
      box.run({"-c", cooldown, "-v", "send", "--to", k_to}, at_start);
  CAPTURE(first.err);
  CHECK(first.exit_code == 0);
  CHECK(backup.request_count() == 1);
  CHECK(contains(first.err, "; trying backup"));
  CHECK(sql_value(box.db(),
                  "SELECT skip_until FROM provider_health WHERE provider = "
                  "'primary'")
        == std::to_string(k_now + 60));

  // Now the primary would answer, but a new process within the cooldown
  // does not even try it.
  const FakeProvider primary(kind_handler("twilio"), nullptr, primary_port);
  RunOptions later;
  later.now = k_now + 30;
  const auto second =
      box.run({"-c", cooldown, "-v", "send", "--to", k_to}, later);
  CAPTURE(second.err);
  CHECK(second.exit_code == 0);
  CHECK(primary.request_count() == 0);
  CHECK(backup.request_count() == 2);
  CHECK(contains(second.err, "skipping provider primary for another 30s"));
  CHECK(
      verify(box, cooldown, code_in(backup.requests().back()), {}, k_to, later)
          .exit_code
      == 0);

  // Past the cooldown the primary is first again, and its success clears
  // the record.
  RunOptions after;
  after.now = k_now + 61;
  const auto third =
      box.run({"-c", cooldown, "-v", "send", "--to", k_to}, after);
  CAPTURE(third.err);
  CHECK(third.exit_code == 0);
  CHECK(primary.request_count() == 1);
  CHECK(backup.request_count() == 2);
  CHECK_FALSE(contains(third.err, "skipping provider"));
  CHECK(sql_value(box.db(), "SELECT count(*) FROM provider_health") == "0");
  CHECK(
      verify(box, cooldown, code_in(primary.requests().back()), {}, k_to, after)
          .exit_code
      == 0);
}

TEST_CASE("when every provider is in cooldown send still tries them")
{
  const Sandbox box;
  FakeProvider primary(always(twilio_answer(Reply::unauthorized)));
  FakeProvider backup(always({401, R"({"type":"unauthorized"})"}));
  const std::string config =
      two_provider_config(box, primary.base_url(), "", backup.base_url());
  RunOptions at_start;
  at_start.now = k_now;
  const auto first =
      box.run({"-c", config, "--json", "send", "--to", k_to}, at_start);
  CHECK(first.exit_code == 77);
  CHECK(one_json(first)["error"]["class"] == "permission");
  CHECK(primary.request_count() == 1);
  CHECK(backup.request_count() == 1);
  CHECK(sql_value(box.db(), "SELECT count(*) FROM provider_health") == "2");

  RunOptions soon;
  soon.now = k_now + 5;
  const auto second = box.run({"-c", config, "-v", "send", "--to", k_to}, soon);
  CAPTURE(second.err);
  CHECK(second.exit_code == 77);
  CHECK(contains(second.err, "all providers failed recently; trying them"));
  CHECK(primary.request_count() == 2);
  CHECK(backup.request_count() == 2);

  // Both recover: the primary, first in order, delivers; the backup rests.
  primary.set_handler(kind_handler("twilio"));
  backup.set_handler(kind_handler("vonage"));
  RunOptions recovered;
  recovered.now = k_now + 10;
  const auto third = box.run({"-c", config, "send", "--to", k_to}, recovered);
  CAPTURE(third.err);
  CHECK(third.exit_code == 0);
  CHECK(primary.request_count() == 3);
  CHECK(backup.request_count() == 2);
  CHECK(
      verify(
          box, config, code_in(primary.requests().back()), {}, k_to, recovered)
          .exit_code
      == 0);
  // The primary's success cleared its record; the backup's stays until its
  // cooldown ends, and purge then removes it.
  CHECK(sql_value(box.db(),
                  "SELECT group_concat(provider) FROM "
                  "provider_health")
        == "backup");
  RunOptions expired;
  expired.now = k_now + 5 + 61;
  CHECK(box.run({"-c", config, "purge"}, expired).exit_code == 0);
  CHECK(sql_value(box.db(), "SELECT count(*) FROM provider_health") == "0");
}

TEST_CASE("send --provider ignores the cooldown without a note about it")
{
  const Sandbox box;
  FakeProvider primary(always(twilio_answer(Reply::unauthorized)));
  const std::string config = kinds_config(
      box, {{"primary", "twilio", primary.base_url(), "", "retries = 0\n"}});
  CHECK(box.run({"-c", config, "send", "--to", k_to}).exit_code == 77);
  REQUIRE(sql_value(box.db(), "SELECT count(*) FROM provider_health") == "1");
  primary.set_handler(kind_handler("twilio"));
  const auto chosen = box.run(
      {"-c", config, "-v", "send", "--to", k_to, "--provider", "primary"});
  CAPTURE(chosen.err);
  CHECK(chosen.exit_code == 0);
  CHECK(primary.request_count() == 2);
  CHECK_FALSE(contains(chosen.err, "skipping provider"));
  CHECK_FALSE(contains(chosen.err, "trying them anyway"));
  CHECK_FALSE(contains(chosen.err, "failed recently"));
}
