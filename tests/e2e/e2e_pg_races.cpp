// The guarantees of the SQLite store, across hosts sharing PostgreSQL
// (issue 8, item 4), proven by racing processes on two "hosts": one right
// code verifies exactly once; racing wrong guesses are all counted; parallel
// sends never pass a sending limit together; and the same through PgBouncer
// in transaction pooling mode.

#include "pg_hosts.hpp"
#include "steps.hpp"

#include <set>

using namespace e2e;

namespace {

using Runs = std::vector<std::pair<const Sandbox*, std::vector<std::string>>>;

// Both hosts share a key: host A sends to a number outside every block the
// tests race on (creating the key), then B gets a copy.
void prime(TwoHosts& hosts)
{
  const auto [config_a, config_b] = hosts.configure();
  static_cast<void>(config_b);
  send_code(hosts.a(), config_a, {}, "+15037654321");
  hosts.share_key();
}

// A [limits] table with only the given line on (and no minimum interval).
std::string only_limit(const std::string& line)
{
  std::string text =
      "[limits]\nper_recipient = 0\nmin_interval = \"0s\"\n"
      "per_recipient_daily = 0\nper_prefix_hourly = 0\nglobal_hourly = 0\n"
      "global_daily = 0\n";
  const std::string name = line.substr(0, line.find(' '));
  const auto at = text.find(name + " = 0\n");
  REQUIRE(at != std::string::npos);
  text.replace(at, name.size() + 4, line);
  return text;
}

// "+1503323" followed by four digits: one block of per_prefix_hourly.
std::string in_block(int last_four)
{
  const std::string digits = std::to_string(10000 + last_four).substr(1);
  return "+1503323" + digits;
}

// Sends to `numbers[i]` from host A (even i) or B (odd i), all at once;
// checks that exactly `allowed` passed, the rest were refused with 75 and
// nothing sent, and that the outboxes hold exactly the allowed sends.
void check_send_race(const TwoHosts& hosts,
                     const std::vector<std::string>& numbers,
                     int allowed)
{
  Runs runs;
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    const bool on_a = i % 2 == 0;
    runs.push_back({on_a ? &hosts.a() : &hosts.b(),
                    {"-c",
                     on_a ? hosts.config_a() : hosts.config_b(),
                     "send",
                     "--to",
                     numbers[i]}});
  }
  const auto results = race(runs, 1);
  const auto histogram = exit_histogram(results);
  INFO(describe(histogram));
  CHECK(seen(histogram, 0) == allowed);
  CHECK(seen(histogram, 75) == static_cast<int>(numbers.size()) - allowed);
  for (const auto& result : results) {
    if (result.exit_code == 75) {
      CHECK(contains(result.err, "nothing was sent"));
    }
  }
  // What reached the providers: exactly the allowed sends.
  int delivered = 0;
  for (const auto& number :
       std::set<std::string>(numbers.begin(), numbers.end())) {
    delivered +=
        hosts.a().outbox_count(number) + hosts.b().outbox_count(number);
  }
  CHECK(delivered == allowed);
}

// `per_host` processes on each host run `verify --to k_to CODE` at once.
std::vector<Result>
race_verify(const TwoHosts& hosts, const std::string& code, int per_host)
{
  return race(
      {{&hosts.a(), {"-c", hosts.config_a(), "verify", "--to", k_to, code}},
       {&hosts.b(), {"-c", hosts.config_b(), "verify", "--to", k_to, code}}},
      per_host);
}

} // namespace

TEST_CASE("30 processes on two hosts racing one right code: exactly one wins")
{
  TwoHosts hosts;
  const auto [config_a, config_b] =
      hosts.configure("[otp]\nlockout_after = 100\n");
  const std::string code = send_code(hosts.a(), config_a);
  hosts.share_key();
  const auto results = race_verify(hosts, code, 15);
  const auto histogram = exit_histogram(results);
  INFO(describe(histogram));
  CHECK(seen(histogram, 0) == 1);
  CHECK(seen(histogram, 1) == 29);
  CHECK(histogram.size() == 2);
  CHECK(hosts.value("SELECT state FROM challenge") == "consumed");
  CHECK(hosts.value("SELECT attempts FROM challenge") == "30");
}

TEST_CASE("racing wrong guesses on two hosts are all counted")
{
  TwoHosts hosts;
  const auto [config_a, config_b] =
      hosts.configure("[otp]\nmax_attempts = 5\nlockout_after = 50\n");
  const std::string code = send_code(hosts.a(), config_a);
  hosts.share_key();
  const std::string wrong = wrong_code(code);
  const auto results = race_verify(hosts, wrong, 10);
  const auto histogram = exit_histogram(results);
  INFO(describe(histogram));
  CHECK(seen(histogram, 1) == 20);
  // No lost update: every attempt is in the row.
  CHECK(hosts.value("SELECT attempts FROM challenge") == "20");
  CHECK(hosts.value("SELECT state FROM challenge") == "exhausted");
  CHECK(hosts.value("SELECT consecutive_failures FROM recipient") == "20");
  CHECK(verify(hosts.b(), config_b, code).exit_code == 1);
}

TEST_CASE("racing wrong guesses on two hosts lock at lockout_after")
{
  TwoHosts hosts;
  const auto [config_a, config_b] =
      hosts.configure("[otp]\nmax_attempts = 10\nlockout_after = 7\n");
  const std::string code = send_code(hosts.a(), config_a);
  hosts.share_key();
  const std::string wrong = wrong_code(code);
  const auto results = race_verify(hosts, wrong, 10);
  const auto histogram = exit_histogram(results);
  INFO(describe(histogram));
  CHECK(seen(histogram, 1) == 7);
  CHECK(seen(histogram, 75) == 13);
  CHECK(hosts.value("SELECT attempts FROM challenge") == "7");
  CHECK(verify(hosts.a(), config_a, code).exit_code == 75);
}

TEST_CASE("parallel sends from two hosts never pass per_recipient together")
{
  TwoHosts hosts;
  prime(hosts);
  hosts.configure(only_limit("per_recipient = 3\n"));
  check_send_race(hosts, std::vector<std::string>(16, k_to), 3);
  CHECK(hosts.value("SELECT count(*) FROM challenge WHERE recipient = '"
                    + std::string(k_to) + "'")
        == "3");
}

TEST_CASE("parallel sends from two hosts never pass per_prefix_hourly together")
{
  TwoHosts hosts;
  prime(hosts);
  hosts.configure(only_limit("per_prefix_hourly = 4\n"));
  std::vector<std::string> numbers;
  for (int i = 1; i <= 16; ++i) {
    numbers.push_back(in_block(i));
  }
  check_send_race(hosts, numbers, 4);
  // Another block is not affected.
  CHECK(hosts.a()
            .run({"-c", hosts.config_a(), "send", "--to", "+15037654321"})
            .exit_code
        == 0);
}

TEST_CASE("parallel sends from two hosts never pass the global caps together")
{
  for (const std::string line : {"global_hourly = 5\n", "global_daily = 5\n"}) {
    CAPTURE(line);
    TwoHosts hosts;
    prime(hosts); // one send already counts
    hosts.configure(only_limit(line));
    std::vector<std::string> numbers;
    for (int i = 1; i <= 16; ++i) {
      numbers.push_back(in_block(i * 7));
    }
    check_send_race(hosts, numbers, 4);
  }
}

TEST_CASE("through PgBouncer in transaction mode: round trip and race")
{
  const auto& server = pgtest::shared_server();
  REQUIRE(server.bouncer_port > 0);
  TwoHosts hosts(server.bouncer_conninfo());
  const auto [config_a, config_b] =
      hosts.configure("[otp]\nlockout_after = 100\n");
  const std::string first = send_code(hosts.a(), config_a);
  hosts.share_key();
  CHECK(verify(hosts.b(), config_b, first).exit_code == 0);

  const std::string code = send_code(hosts.b(), config_b);
  const auto results = race_verify(hosts, code, 10);
  const auto histogram = exit_histogram(results);
  INFO(describe(histogram));
  CHECK(seen(histogram, 0) == 1);
  CHECK(seen(histogram, 1) == 19);
  for (const auto& result : results) {
    CHECK_FALSE(contains(result.err, "prepared statement"));
  }
}
