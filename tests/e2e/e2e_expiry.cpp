// Time: expiry at exactly expires_at and the lockout window, with
// smsotp-testclock (SMSOTP_TEST_NOW); the shipped binary ignores that
// variable.

#include "steps.hpp"

#include <chrono>

using namespace e2e;

namespace {

constexpr std::int64_t k_t = 1'800'000'000; // 2027-01-15, any fixed instant

RunOptions at(std::int64_t now)
{
  RunOptions options;
  options.now = now;
  return options;
}

std::int64_t system_now()
{
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

} // namespace

TEST_CASE("a code verifies one second before expires_at")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const auto sent = box.run(
      {"-c", config, "--json", "send", "--to", k_to, "--ttl", "60s"}, at(k_t));
  REQUIRE(sent.exit_code == 0);
  const auto json = one_json(sent);
  CHECK(json["created_at"] == k_t);
  CHECK(json["expires_at"] == k_t + 60);
  const std::string code = box.last_code();
  CHECK(contains(read_file(box.outbox()), "It expires in 1 min."));
  const auto result = verify(box, config, code, {}, k_to, at(k_t + 59));
  CHECK(result.exit_code == 0);
  CHECK(result.out == "verified\n");
}

TEST_CASE("a code fails at exactly expires_at with reason expired")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const std::string code =
      send_code(box, config, {"--ttl", "60s"}, k_to, at(k_t));
  const auto result = verify(box, config, code, {"--json"}, k_to, at(k_t + 60));
  CHECK(result.exit_code == 1);
  const auto json = one_json(result);
  CHECK(json["verified"] == false);
  CHECK(json["reason"] == "expired");
  CHECK(sql_value(box.db(), "SELECT state FROM challenge") == "expired");
  CHECK(sql_value(box.db(), "SELECT tag IS NULL FROM challenge") == "1");
  // And it stays dead when the clock is turned back.
  CHECK(verify(box, config, code, {}, k_to, at(k_t + 1)).exit_code == 1);
}

TEST_CASE("the default ttl is five minutes")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const std::string first = send_code(box, config, {}, k_to, at(k_t));
  CHECK(verify(box, config, first, {}, k_to, at(k_t + 299)).exit_code == 0);
  const std::string second = send_code(box, config, {}, k_to, at(k_t + 1000));
  const auto late = verify(box, config, second, {"-v"}, k_to, at(k_t + 1300));
  CHECK(late.exit_code == 1);
  CHECK(contains(late.err, "reason: expired"));
}

TEST_CASE("the shipped smsotp ignores SMSOTP_TEST_NOW")
{
  const Sandbox box;
  const std::string config = box.file_config();
  RunOptions options;
  options.env.push_back("SMSOTP_TEST_NOW=1000");
  const auto before = system_now();
  const auto sent =
      box.run({"-c", config, "--json", "send", "--to", k_to}, options);
  REQUIRE(sent.exit_code == 0);
  const auto created = one_json(sent)["created_at"].get<std::int64_t>();
  CHECK(created >= before - 1);
  CHECK(created <= system_now() + 1);
}

TEST_CASE("a lockout lasts lockout_duration and then lifts")
{
  const Sandbox box;
  const std::string config =
      box.file_config("[otp]\nlockout_after = 2\nlockout_duration = \"10m\"\n");
  const std::string code = send_code(box, config, {}, k_to, at(k_t));
  CHECK(verify(box, config, wrong_code(code), {}, k_to, at(k_t + 1)).exit_code
        == 1);
  const auto locking =
      verify(box, config, wrong_code(code), {"--json"}, k_to, at(k_t + 2));
  CHECK(locking.exit_code == 1);
  CHECK(one_json(locking)["locked"] == true);

  const auto locked =
      verify(box, config, code, {"--json"}, k_to, at(k_t + 100));
  CHECK(locked.exit_code == 75);
  const auto error = one_json(locked)["error"];
  CHECK(error["class"] == "temporary");
  CHECK(error["exit_code"] == 75);
  CHECK(error["retry_after"] == 502); // locked until t + 2 + 600
  // Sending to a locked recipient is refused too, before any delivery.
  const auto send_locked =
      box.run({"-c", config, "send", "--to", k_to}, at(k_t + 601));
  CHECK(send_locked.exit_code == 75);
  CHECK(contains(send_locked.err, "retry-after: 1s"));
  CHECK(box.outbox_count() == 1);

  // At t + 602 the lock is over; the challenge itself expired long ago.
  const std::string fresh = send_code(box, config, {}, k_to, at(k_t + 602));
  CHECK(verify(box, config, fresh, {}, k_to, at(k_t + 603)).exit_code == 0);
}

TEST_CASE("ttl outside 30s to 10m is refused")
{
  const Sandbox box;
  const std::string config = box.file_config();
  for (const std::string ttl : {"29s", "11m", "0", "abc"}) {
    CAPTURE(ttl);
    const auto result =
        box.run({"-c", config, "send", "--to", k_to, "--ttl", ttl});
    CHECK(result.exit_code == 64);
    CHECK(result.out.empty());
  }
  CHECK(box.outbox_count() == 0);
  const std::string code = send_code(box, config, {"--ttl", "30s"});
  CHECK(verify(box, config, code).exit_code == 0);
}
