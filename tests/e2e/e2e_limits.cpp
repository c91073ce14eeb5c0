// Sending limits ([limits], research/security.md R15) and the
// per-recipient lockout through the built binary: limits are reserved with
// the challenge before any HTTP call, so racing senders never exceed them;
// a refusal exits 75 with retry-after, stores nothing and makes no request;
// a send that surely failed costs nothing and does not count. The standard
// configs of the other e2e tests turn the limits off (k_no_limits); the
// configs here set their own [limits] table, so the defaults apply to every
// key they do not name.

#include "fake_twilio.hpp"
#include "steps.hpp"

#include <algorithm>
#include <sstream>

using namespace e2e;

namespace {

constexpr std::int64_t k_t = 1'800'000'000; // any fixed instant

RunOptions at(std::int64_t now)
{
  RunOptions options;
  options.now = now;
  return options;
}

std::string config_for(const Sandbox& box,
                       const std::string& base_url,
                       const std::string& limits)
{
  TwilioConfig config;
  config.base_url = base_url;
  config.retries = "0";
  config.extra = "[limits]\n" + limits;
  return twilio_config(box, config);
}

// A refusal by the limits: exit 75, nothing on stdout, the reason and the
// retry-after on stderr; returns the retry-after in seconds.
std::int64_t check_refused_text(const Result& result)
{
  INFO("stderr: " << result.err);
  CHECK(result.exit_code == 75);
  CHECK(result.out.empty());
  CHECK(result.err.starts_with("smsotp: error: rate limit: "));
  CHECK(contains(result.err, "nothing was sent (retry-after: "));
  const auto start = result.err.rfind("(retry-after: ");
  REQUIRE(start != std::string::npos);
  return std::stoll(result.err.substr(start + 14));
}

// The same through --json: class temporary, exit 75, retry_after.
std::int64_t check_refused_json(const Result& result)
{
  CHECK(result.exit_code == 75);
  const auto json = one_json(result);
  const auto& error = json["error"];
  CHECK(error["class"] == "temporary");
  CHECK(error["exit_code"] == 75);
  CHECK(contains(error["message"].get<std::string>(), "rate limit: "));
  REQUIRE(error.contains("retry_after"));
  return error["retry_after"].get<std::int64_t>();
}

// Everything send stores about challenges and recipients, as one string.
std::string stored(const Sandbox& box)
{
  return sql_value(box.db(),
                   "SELECT (SELECT count(*) || ':' || "
                   "coalesce(group_concat(id || '/' || state, ','), '') "
                   "FROM challenge) || '|' || (SELECT count(*) FROM "
                   "recipient)");
}

} // namespace

TEST_CASE("20 sends to one number at once: exactly per_recipient reach the "
          "provider")
{
  const Sandbox box;
  const FakeTwilio fake(Reply::created);
  const std::string config = config_for(
      box, fake.base_url(), "per_recipient = 3\nmin_interval = \"0s\"\n");
  const auto results =
      box.spawn_many({"-c", config, "--json", "send", "--to", k_to}, 20);
  int sent = 0;
  int refused = 0;
  for (const auto& result : results) {
    INFO("stderr: " << result.err);
    if (result.exit_code == 0) {
      CHECK(one_json(result)["status"] == "sent");
      ++sent;
    } else {
      const auto retry_after = check_refused_json(result);
      CHECK(retry_after > 0);
      CHECK(retry_after <= 600); // the default per_recipient_window
      ++refused;
    }
  }
  CHECK(sent == 3);
  CHECK(refused == 17);
  CHECK(fake.request_count() == 3);
  CHECK(sql_value(box.db(), "SELECT count(*) FROM challenge") == "3");
  // Of the three codes only the newest is live, and it verifies.
  const auto requests = fake.requests();
  REQUIRE(requests.size() == 3);
  CHECK(sql_value(box.db(),
                  "SELECT count(*) FROM challenge WHERE tag IS NOT NULL")
        == "1");
  int verified = 0;
  for (const auto& request : requests) {
    verified +=
        verify(box, config, code_from_body(request)).exit_code == 0 ? 1 : 0;
  }
  CHECK(verified == 1);
}

TEST_CASE("min_interval refuses a second send with its retry-after")
{
  const Sandbox box;
  const std::string config =
      box.file_config("[limits]\nmin_interval = \"30s\"\nper_recipient = 3\n");
  send_code(box, config, {}, k_to, at(k_t));
  const auto text = box.run({"-c", config, "send", "--to", k_to}, at(k_t + 10));
  CHECK(check_refused_text(text) == 20);
  CHECK(contains(text.err, "at most one code per 30s to the same number"));
  const auto json =
      box.run({"-c", config, "--json", "send", "--to", k_to}, at(k_t + 29));
  CHECK(check_refused_json(json) == 1);
  CHECK(box.outbox_count() == 1);
  // Another number is not affected, and at t + 30 the gap is over.
  send_code(box, config, {}, "+15033100001", at(k_t + 11));
  const std::string code = send_code(box, config, {}, k_to, at(k_t + 30));
  CHECK(box.outbox_count() == 2);
  CHECK(verify(box, config, code, {}, k_to, at(k_t + 31)).exit_code == 0);
}

TEST_CASE("a prefix burst stops at per_prefix_hourly with no extra request")
{
  const Sandbox box;
  const FakeTwilio fake(Reply::created);
  const std::string config =
      config_for(box, fake.base_url(), "per_prefix_hourly = 5\n");
  // Eight adjacent numbers of one block (+1503420....), one after another.
  for (int i = 0; i < 8; ++i) {
    const std::string to = "+1503420000" + std::to_string(i);
    CAPTURE(to);
    const auto result = box.run({"-c", config, "--json", "send", "--to", to});
    if (i < 5) {
      INFO("stderr: " << result.err);
      CHECK(result.exit_code == 0);
    } else {
      const auto retry_after = check_refused_json(result);
      CHECK(retry_after > 3500);
      CHECK(retry_after <= 3600);
      CHECK(contains(one_json(result)["error"]["message"].get<std::string>(),
                     "5 per 1h reached"));
    }
    CHECK(fake.request_count() == static_cast<std::size_t>(std::min(i + 1, 5)));
  }
  const auto text = box.run({"-c", config, "send", "--to", "+15034200009"});
  CHECK(check_refused_text(text) > 3500);
  CHECK(fake.request_count() == 5);
  CHECK(sql_value(box.db(), "SELECT count(*) FROM challenge") == "5");
  // The next block, and another area, are not affected.
  CHECK(box.run({"-c", config, "send", "--to", "+15034210000"}).exit_code == 0);
  CHECK(box.run({"-c", config, "send", "--to", "+12025550123"}).exit_code == 0);
  CHECK(fake.request_count() == 7);
}

// Issue 10 item 7: a company whose staff share a block is locked out by
// the prefix limit; the refusal names the block and the command that lifts
// it, and that command, run as printed, lifts it.
TEST_CASE("a prefix refusal names the block and the purge that lifts it")
{
  const Sandbox box;
  const FakeTwilio fake(Reply::created);
  const std::string config =
      config_for(box, fake.base_url(), "per_prefix_hourly = 2\n");
  for (const char* to : {"+15034200001", "+15034200002"}) {
    REQUIRE(box.run({"-c", config, "send", "--to", to}).exit_code == 0);
  }
  const auto refused = box.run({"-c", config, "send", "--to", "+15034209999"});
  CHECK(check_refused_text(refused) > 3500);
  CHECK(contains(refused.err, "the block +1503420****"));
  const std::string hint = "lifts it now with: smsotp ";
  const auto where = refused.err.find(hint);
  REQUIRE(where != std::string::npos);
  const auto end = refused.err.find(')', where);
  // The command as printed, split at spaces.
  std::vector<std::string> command{"-c", config};
  std::istringstream words(
      refused.err.substr(where + hint.size(), end - where - hint.size()));
  for (std::string word; words >> word;) {
    command.push_back(word);
  }
  CHECK(command
        == std::vector<std::string>{
            "-c", config, "purge", "--prefix", "+1503420"});

  // purge --to of the refused number does not lift the block's limit.
  REQUIRE(box.run({"-c", config, "purge", "--to", "+15034209999"}).exit_code
          == 0);
  CHECK(box.run({"-c", config, "send", "--to", "+15034209999"}).exit_code
        == 75);
  // A dry run counts the block's two challenges and lifts nothing.
  const auto dry =
      box.run({"-c", config, "purge", "--prefix", "+1503420****", "--dry-run"});
  CHECK(dry.exit_code == 0);
  CHECK(dry.out == "2 challenges, 0 recipient counters\n");
  CHECK(box.run({"-c", config, "send", "--to", "+15034209999"}).exit_code
        == 75);
  const auto lifted = box.run(command);
  INFO("stderr: " << lifted.err);
  CHECK(lifted.exit_code == 0);
  CHECK(lifted.out == "2 challenges, 0 recipient counters\n");
  CHECK(box.run({"-c", config, "send", "--to", "+15034209999"}).exit_code == 0);
  CHECK(fake.request_count() == 3);
}

TEST_CASE("purge --prefix takes one block and nothing else")
{
  const Sandbox box;
  const std::string config = box.file_config();
  for (const char* bad : {"1503420", "+", "+15O3", "+1503420*1", ""}) {
    CAPTURE(bad);
    const auto result = box.run({"-c", config, "purge", "--prefix", bad});
    CHECK(result.exit_code == 64);
    CHECK(contains(result.err, "--prefix needs '+' and the leading digits"));
  }
  const auto both =
      box.run({"-c", config, "purge", "--prefix", "+1503420", "--all"});
  CHECK(both.exit_code == 64);
  CHECK(contains(both.err, "cannot be combined"));
  CHECK_FALSE(file_exists(box.db()));
}

TEST_CASE("global_hourly caps sends to all numbers together")
{
  const Sandbox box;
  const std::string config =
      box.file_config("[limits]\nglobal_hourly = 2\nper_prefix_hourly = 0\n");
  send_code(box, config, {}, "+15033100001");
  send_code(box, config, {}, "+15032600001");
  const auto refused = box.run({"-c", config, "send", "--to", "+12025550123"});
  CHECK(check_refused_text(refused) > 3500);
  CHECK(contains(refused.err, "all sends: 2 per 1h reached"));
  CHECK(box.outbox_count("+12025550123") == 0);
}

TEST_CASE("a send refused by the limits stores nothing and makes no request")
{
  const Sandbox box;
  const FakeTwilio fake(Reply::created);
  const std::string config = config_for(
      box, fake.base_url(), "per_recipient = 1\nmin_interval = \"0s\"\n");
  REQUIRE(box.run({"-c", config, "send", "--to", k_to}).exit_code == 0);
  REQUIRE(fake.request_count() == 1);
  const std::string before = stored(box);
  const auto text = box.run({"-c", config, "send", "--to", k_to});
  CHECK(check_refused_text(text) > 0);
  CHECK(contains(text.err, "sends to +15*******67: 1 per 10m reached"));
  CHECK_FALSE(contains(text.all(), k_to));
  CHECK(check_refused_json(
            box.run({"-c", config, "--json", "send", "--to", k_to}))
        > 0);
  CHECK(stored(box) == before);
  CHECK(fake.request_count() == 1);
  // The refused sends superseded nothing: the first code still works.
  CHECK(verify(box, config, code_from_body(fake.requests()[0])).exit_code == 0);
}

TEST_CASE("a send that surely failed does not count toward the limits")
{
  const Sandbox box;
  const int port = closed_port();
  const std::string config =
      config_for(box,
                 "http://127.0.0.1:" + std::to_string(port),
                 "per_recipient = 2\nmin_interval = \"30s\"\n");
  // Nothing listens: three sends that surely did not reach a provider.
  for (int i = 0; i < 3; ++i) {
    const auto failed =
        box.run({"-c", config, "send", "--to", k_to}, at(k_t + i));
    INFO("stderr: " << failed.err);
    CHECK(failed.exit_code == 75);
    CHECK(contains(failed.err, "cannot reach the provider"));
    CHECK_FALSE(contains(failed.err, "rate limit"));
  }
  CHECK(sql_value(box.db(),
                  "SELECT count(*) FROM challenge WHERE state = 'failed'")
        == "3");
  // The provider comes up: neither min_interval nor per_recipient counted
  // the failures.
  const FakeProvider fake(always(twilio_answer(Reply::created)), nullptr, port);
  CHECK(box.run({"-c", config, "send", "--to", k_to}, at(k_t + 3)).exit_code
        == 0);
  const auto gap = box.run({"-c", config, "send", "--to", k_to}, at(k_t + 4));
  CHECK(check_refused_text(gap) == 29);
  CHECK(box.run({"-c", config, "send", "--to", k_to}, at(k_t + 33)).exit_code
        == 0);
  const auto full = box.run({"-c", config, "send", "--to", k_to}, at(k_t + 70));
  CHECK(check_refused_text(full) == 3 + 600 - 70);
  CHECK(contains(full.err, "2 per 10m reached"));
  CHECK(fake.request_count() == 2);
}

TEST_CASE("consecutive failed verifications lock the recipient until "
          "lockout_duration or purge --to")
{
  const Sandbox box;
  const std::string config =
      box.file_config("[otp]\nlockout_after = 3\nlockout_duration = \"1h\"\n"
                      "[limits]\nmin_interval = \"30s\"\n");
  // The failures count across challenges: one on the first code, two on
  // the code that superseded it.
  const std::string first = send_code(box, config, {}, k_to, at(k_t));
  CHECK(verify(box, config, wrong_code(first), {}, k_to, at(k_t + 1)).exit_code
        == 1);
  const std::string second = send_code(box, config, {}, k_to, at(k_t + 40));
  CHECK(
      verify(box, config, wrong_code(second), {}, k_to, at(k_t + 41)).exit_code
      == 1);
  const auto locking =
      verify(box, config, wrong_code(second), {"--json"}, k_to, at(k_t + 42));
  CHECK(locking.exit_code == 1);
  CHECK(one_json(locking)["locked"] == true);

  // Locked until t + 42 + 3600: the right code is refused with 75, and so
  // is a send, before any delivery.
  const auto locked =
      verify(box, config, second, {"--json"}, k_to, at(k_t + 100));
  CHECK(locked.exit_code == 75);
  CHECK(one_json(locked)["error"]["class"] == "temporary");
  CHECK(one_json(locked)["error"]["retry_after"] == 3542);
  const auto send_locked =
      box.run({"-c", config, "--json", "send", "--to", k_to}, at(k_t + 200));
  CHECK(send_locked.exit_code == 75);
  CHECK(one_json(send_locked)["error"]["exit_code"] == 75);
  CHECK(one_json(send_locked)["error"]["retry_after"] == 3442);
  CHECK(box.outbox_count() == 2);
  // Another number is not locked.
  send_code(box, config, {}, "+15033100001", at(k_t + 201));

  // Lifted by time.
  const std::string third = send_code(box, config, {}, k_to, at(k_t + 3642));
  CHECK(verify(box, config, third, {}, k_to, at(k_t + 3643)).exit_code == 0);

  // Locked again, then lifted by purge --to.
  const std::string fourth = send_code(box, config, {}, k_to, at(k_t + 3700));
  for (int i = 0; i < 3; ++i) {
    CHECK(verify(box, config, wrong_code(fourth), {}, k_to, at(k_t + 3701 + i))
              .exit_code
          == 1);
  }
  CHECK(verify(box, config, fourth, {}, k_to, at(k_t + 3710)).exit_code == 75);
  const auto refused =
      box.run({"-c", config, "send", "--to", k_to}, at(k_t + 3740));
  CHECK(refused.exit_code == 75);
  CHECK(contains(refused.err, "locked"));
  CHECK(box.run({"-c", config, "purge", "--to", k_to}, at(k_t + 3741)).exit_code
        == 0);
  const std::string fifth = send_code(box, config, {}, k_to, at(k_t + 3742));
  CHECK(verify(box, config, fifth, {}, k_to, at(k_t + 3743)).exit_code == 0);
  CHECK(box.outbox_count() == 5);
}
