// Racing processes: 50 verifications at once consume a code exactly once,
// count every attempt, and lock the recipient at the configured cap.

#include "steps.hpp"

#include <map>
#include <set>

using namespace e2e;

namespace {

constexpr int k_racers = 50;

std::vector<std::string> verify_args(const std::string& config,
                                     const std::string& code)
{
  return {"-c", config, "verify", "--to", k_to, code};
}

} // namespace

TEST_CASE("50 processes verifying the correct code at once consume it once")
{
  const Sandbox box;
  // A replayed code counts as a failed verification for the lockout, so the
  // cap is raised above 49 to see every loser's plain "failed".
  const std::string config = box.file_config("[otp]\nlockout_after = 100\n");
  const std::string code = send_code(box, config);
  const auto results = box.spawn_many(verify_args(config, code), k_racers);
  const auto histogram = exit_histogram(results);
  INFO(describe(histogram));
  CHECK(seen(histogram, 0) == 1);
  CHECK(seen(histogram, 1) == k_racers - 1);
  CHECK(histogram.size() == 2);
  for (const auto& result : results) {
    CHECK(result.out
          == (result.exit_code == 0 ? "verified\n" : "verification failed\n"));
    CHECK(result.err.empty());
  }
  CHECK(sql_value(box.db(), "SELECT state FROM challenge") == "consumed");
  CHECK(attempts_in_db(box) == k_racers);
}

TEST_CASE("50 wrong codes at once are all counted and lock at lockout_after")
{
  const Sandbox box;
  const std::string config =
      box.file_config("[otp]\nmax_attempts = 5\nlockout_after = 50\n");
  const std::string code = send_code(box, config);
  const auto results =
      box.spawn_many(verify_args(config, wrong_code(code)), k_racers);
  const auto histogram = exit_histogram(results);
  INFO(describe(histogram));
  CHECK(seen(histogram, 1) == k_racers);
  CHECK(histogram.size() == 1);
  // No lost update: every attempt is in the challenge row.
  CHECK(attempts_in_db(box) == k_racers);
  CHECK(sql_value(box.db(), "SELECT state FROM challenge") == "exhausted");
  CHECK(sql_value(box.db(), "SELECT consecutive_failures FROM recipient")
        == "50");
  CHECK(sql_value(box.db(), "SELECT locked_until IS NOT NULL FROM recipient")
        == "1");
  // The recipient is now locked: even the right code is not checked.
  const auto locked = verify(box, config, code, {"--json"});
  CHECK(locked.exit_code == 75);
  const auto json = one_json(locked);
  CHECK(json["error"]["class"] == "temporary");
  CHECK(json["error"]["retry_after"].get<std::int64_t>() > 3000);
  CHECK(attempts_in_db(box) == k_racers);
}

TEST_CASE("50 wrong codes at once with the default lockout give 20 fails")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const std::string code = send_code(box, config);
  const auto results =
      box.spawn_many(verify_args(config, wrong_code(code)), k_racers);
  const auto histogram = exit_histogram(results);
  INFO(describe(histogram));
  CHECK(seen(histogram, 1) == 20);
  CHECK(seen(histogram, 75) == 30);
  CHECK(histogram.size() == 2);
  for (const auto& result : results) {
    if (result.exit_code == 75) {
      CHECK(result.out.empty());
      CHECK(contains(result.err, "is locked after too many failed"));
      CHECK(contains(result.err, "(retry-after: "));
    }
  }
  // Locked verifications are refused before any attempt is counted.
  CHECK(attempts_in_db(box) == 20);
  CHECK(sql_value(box.db(), "SELECT consecutive_failures FROM recipient")
        == "20");
}

TEST_CASE("20 sends to one number at once leave exactly one live code")
{
  const Sandbox box;
  const std::string config = box.file_config();
  // The database exists already (its first use is raced separately).
  send_code(box, config, {}, "+15039999999");
  const auto results = box.spawn_many({"-c", config, "send", "--to", k_to}, 20);
  const auto histogram = exit_histogram(results);
  INFO(describe(histogram));
  CHECK(seen(histogram, 0) == 20);
  CHECK(box.outbox_count() == 20);
  CHECK(sql_value(box.db(),
                  "SELECT count(*) FROM challenge WHERE state IN "
                  "('pending', 'sent') AND recipient = '"
                      + std::string(k_to) + "'")
        == "1");
  CHECK(sql_value(box.db(),
                  "SELECT count(*) FROM challenge WHERE state = "
                  "'superseded'")
        == "19");
  CHECK(sql_value(box.db(), "SELECT count(DISTINCT id) FROM challenge")
        == "21");
  // Every racer printed its own id, and the live one is among them.
  std::set<std::string> printed;
  for (const auto& result : results) {
    printed.insert(result.out);
  }
  CHECK(printed.size() == 20);
  const std::string live_id = sql_value(
      box.db(),
      "SELECT id FROM challenge WHERE state IN ('pending', 'sent') AND "
      "recipient = '"
          + std::string(k_to) + "'");
  CHECK(printed.count(live_id + "\n") == 1);
  // The racing key-file creation left one sound key: a new code verifies.
  CHECK(file_mode(box.key_file()) == 0600);
  CHECK(read_file(box.key_file()).size() == 32);
  const std::string code = send_code(box, config);
  CHECK(verify(box, config, code).exit_code == 0);
}

TEST_CASE("parallel sends to different numbers all verify")
{
  const Sandbox box;
  const std::string config = box.file_config();
  send_code(box, config, {}, "+15033109999"); // the database exists
  std::vector<Child> children;
  for (int i = 0; i < 10; ++i) {
    children.push_back(box.start(
        {"-c", config, "send", "--to", "+1503310" + std::to_string(1000 + i)}));
  }
  for (auto& child : children) {
    const auto result = child.finish();
    CHECK(result.exit_code == 0);
    CHECK(result.err.starts_with("smsotp: sent to "));
  }
  for (int i = 0; i < 10; ++i) {
    const std::string to = "+1503310" + std::to_string(1000 + i);
    CAPTURE(to);
    const std::string code = box.last_code(to);
    REQUIRE(code.size() == 6);
    CHECK(verify(box, config, code, {}, to).exit_code == 0);
  }
}

TEST_CASE("parallel first use of a new database succeeds for every process")
{
  // Ten processes racing to create, migrate and switch to WAL one new
  // database, repeated on fresh databases: none may see a half-made file
  // as foreign (65) or give up as busy (75).
  const Sandbox box;
  const std::string config = box.file_config();
  std::map<int, int> histogram;
  std::string errors;
  for (int round = 0; round < 20; ++round) {
    const std::string db = box.path("round" + std::to_string(round) + "/s.db");
    std::vector<Child> children;
    for (int i = 0; i < 10; ++i) {
      children.push_back(box.start({"-c",
                                    config,
                                    "--db",
                                    db,
                                    "send",
                                    "--to",
                                    "+1503420" + std::to_string(1000 + i)}));
    }
    for (auto& child : children) {
      const auto result = child.finish();
      ++histogram[result.exit_code];
      if (result.exit_code != 0) {
        errors += result.err;
      }
    }
  }
  INFO(describe(histogram));
  INFO(errors);
  CHECK(seen(histogram, 0) == 200);
}
