// purge: --dry-run only counts, --to lifts a lockout, --all empties,
// --older-than keeps recent history.

#include "steps.hpp"

using namespace e2e;

namespace {

std::string count_rows(const Sandbox& box, const std::string& table)
{
  return sql_value(box.db(), "SELECT count(*) FROM " + table);
}

RunOptions at(std::int64_t now)
{
  RunOptions options;
  options.now = now;
  return options;
}

} // namespace

TEST_CASE("purge --dry-run counts without deleting")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const std::string code = send_code(box, config);
  REQUIRE(verify(box, config, code).exit_code == 0); // consumed: purgeable
  send_code(box, config, {}, "+15037654321");        // live: kept
  const auto dry = box.run({"-c", config, "purge", "--dry-run"});
  CHECK(dry.exit_code == 0);
  CHECK(dry.out == "1 challenges, 0 recipient counters\n");
  // The summary once, on stdout (issue 10): stderr adds only what the
  // counts do not say.
  CHECK(dry.err == "smsotp: nothing was removed (--dry-run)\n");
  CHECK(count_rows(box, "challenge") == "2");
  const auto real = box.run({"-c", config, "purge"});
  CHECK(real.exit_code == 0);
  CHECK(real.out == "1 challenges, 0 recipient counters\n");
  CHECK(real.err.empty());
  CHECK(count_rows(box, "challenge") == "1");
  CHECK(sql_value(box.db(), "SELECT state FROM challenge") == "sent");
  // The live code still works after a purge.
  CHECK(verify(box, config, box.last_code("+15037654321"), {}, "+15037654321")
            .exit_code
        == 0);
  const auto quiet = box.run({"-c", config, "-q", "purge"});
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.err.empty());
}

TEST_CASE("purge --to lifts a lockout")
{
  const Sandbox box;
  const std::string config = box.file_config("[otp]\nlockout_after = 3\n");
  const std::string code = send_code(box, config);
  send_code(box, config, {}, "+15037654321");
  for (int i = 0; i < 3; ++i) {
    CHECK(verify(box, config, wrong_code(code)).exit_code == 1);
  }
  CHECK(verify(box, config, code).exit_code == 75);
  const auto dry = box.run({"-c", config, "purge", "--to", k_to, "--dry-run"});
  CHECK(dry.out == "1 challenges, 1 recipient counters\n");
  CHECK(verify(box, config, code).exit_code == 75);
  const auto lifted = box.run({"-c", config, "purge", "--to", k_to});
  CHECK(lifted.exit_code == 0);
  CHECK(lifted.out == "1 challenges, 1 recipient counters\n");
  // No longer locked: an ordinary failure (the challenge is gone too).
  const auto after = verify(box, config, code, {"-v"});
  CHECK(after.exit_code == 1);
  CHECK(contains(after.err, "reason: not_found"));
  const std::string fresh = send_code(box, config);
  CHECK(verify(box, config, fresh).exit_code == 0);
  // The other recipient was not touched.
  CHECK(sql_value(box.db(),
                  "SELECT count(*) FROM challenge WHERE recipient "
                  "= '+15037654321'")
        == "1");
}

TEST_CASE("purge --all empties the database")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const std::string code = send_code(box, config);
  CHECK(verify(box, config, wrong_code(code)).exit_code == 1);
  send_code(box, config, {}, "+15037654321");
  send_code(box, config, {}, "+15037654322");
  const auto all = box.run({"-c", config, "--json", "purge", "--all"});
  CHECK(all.exit_code == 0);
  const auto json = one_json(all);
  CHECK(json["challenges"] == 3);
  CHECK(json["recipients"] == 1);
  CHECK(count_rows(box, "challenge") == "0");
  CHECK(count_rows(box, "recipient") == "0");
  CHECK(verify(box, config, box.last_code("+15037654321"), {}, "+15037654321")
            .exit_code
        == 1);
  // The database keeps its schema and works on.
  CHECK(verify(box, config, send_code(box, config)).exit_code == 0);
}

TEST_CASE("purge --older-than keeps recent finished challenges")
{
  constexpr std::int64_t t = 1'800'000'000;
  const Sandbox box;
  const std::string config = box.file_config();
  const std::string code = send_code(box, config, {}, k_to, at(t));
  CHECK(verify(box, config, code, {}, k_to, at(t + 10)).exit_code == 0);
  const auto young =
      box.run({"-c", config, "purge", "--older-than", "1h"}, at(t + 1800));
  CHECK(young.out == "0 challenges, 0 recipient counters\n");
  CHECK(count_rows(box, "challenge") == "1");
  const auto old =
      box.run({"-c", config, "purge", "--older-than", "1h"}, at(t + 3611));
  CHECK(old.out == "1 challenges, 0 recipient counters\n");
  CHECK(count_rows(box, "challenge") == "0");
}

TEST_CASE("purge removes expired challenges and idle counters")
{
  constexpr std::int64_t t = 1'800'000'000;
  const Sandbox box;
  const std::string config = box.file_config();
  const std::string code = send_code(box, config, {}, k_to, at(t));
  CHECK(verify(box, config, wrong_code(code), {}, k_to, at(t + 1)).exit_code
        == 1);
  // At t + 301 the challenge has expired; the counter is idle after 1h.
  const auto expired = box.run({"-c", config, "purge"}, at(t + 301));
  CHECK(expired.out == "1 challenges, 0 recipient counters\n");
  const auto idle = box.run({"-c", config, "purge"}, at(t + 3602));
  CHECK(idle.out == "0 challenges, 1 recipient counters\n");
  CHECK(count_rows(box, "recipient") == "0");
}

TEST_CASE("purge usage errors and a missing database")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const auto none = box.run({"-c", config, "purge"});
  CHECK(none.exit_code == 0);
  CHECK(none.out == "0 challenges, 0 recipient counters\n");
  CHECK(contains(none.err, "no state database yet"));
  CHECK_FALSE(file_exists(box.db()));
  const auto both = box.run({"-c", config, "purge", "--all", "--to", k_to});
  CHECK(both.exit_code == 64);
  CHECK(both.out.empty());
  const auto bad_duration =
      box.run({"-c", config, "purge", "--older-than", "soon"});
  CHECK(bad_duration.exit_code == 64);
  const auto bad_number = box.run({"-c", config, "purge", "--to", "12"});
  CHECK(bad_number.exit_code == 64);
  CHECK_FALSE(file_exists(box.db()));
}
