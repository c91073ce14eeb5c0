// smsotp benchmarks: each smsotp command is timed against a baseline that
// does the least possible equivalent work, run alternately in the same
// invocation (ABAB...) so that machine noise hits both alike:
//
//   version smsotp --version vs /bin/true (start-up alone)
//   verify  smsotp verify (one BEGIN IMMEDIATE transaction, HMAC, commit)
//           vs sqlite3 "BEGIN IMMEDIATE; UPDATE ...; COMMIT;" on a copy of
//           the same database
//   purge   smsotp purge vs sqlite3 running the same DELETE transaction
//   send    smsotp send via the twilio provider to a local fake server
//           vs curl POSTing the same form to the same server
//
// Prints the median wall time of each and the median of per-pair ratios
// (bench_util.hpp). The PostgreSQL store has its own driver, bench_pg.cpp.

#include "bench_util.hpp"

#include <httplib.h>

#include <filesystem>
#include <thread>

using bench::compare;
using bench::run_ms;
using bench::write_file;

int main(int argc, char** argv)
{
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PATH/TO/smsotp [ROUNDS]\n", argv[0]);
    return 64;
  }
  const std::string smsotp = argv[1];
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 30;
  char dir_template[] = "/tmp/smsotp-bench-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  setenv("HOME", dir.c_str(), 1);
  unsetenv("XDG_STATE_HOME");
  unsetenv("XDG_CONFIG_HOME");
  setenv("NO_PROXY", "127.0.0.1", 1);
  setenv("BENCH_TOKEN", "bench-token-not-secret", 1);

  httplib::Server fake;
  fake.Post(
      R"(/2010-04-01/Accounts/(\w+)/Messages.json)",
      [](const httplib::Request&, httplib::Response& response) {
        response.status = 201;
        response.set_content(
            R"({"sid":"SM00000000000000000000000000000000","status":"queued"})",
            "application/json");
      });
  const int port = fake.bind_to_any_port("127.0.0.1");
  std::thread server([&] { fake.listen_after_bind(); });
  while (!fake.is_running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  const std::string config = dir + "/config.toml";
  write_file(
      config,
      "[otp]\nlockout_after = 100\n"
      // Every round sends to a new number in one block: the limits
      // would stop the benchmark, not measure it.
      "[limits]\nper_prefix_hourly = 0\nglobal_hourly = 0\nglobal_daily = 0\n"
      "[policy]\nallowed_countries = [\"*\"]\n"
      "[store]\ndatabase = \""
          + dir
          + "/state.db\"\n"
            "[provider.tw]\nkind = \"twilio\"\naccount_sid = \"AC"
          + std::string(32, '0')
          + "\"\nfrom = \"+15005550006\"\nauth_token_env = "
            "\"BENCH_TOKEN\"\nbase_url = \""
          + base + "\"\n");
  // The database needs one send before verify has anything to look at.
  run_ms({smsotp, "-c", config, "send", "--to", "+15032600000"});
  write_file(
      dir + "/baseline.sql",
      "BEGIN IMMEDIATE; UPDATE challenge SET attempts = attempts + 1 WHERE id ="
      " (SELECT id FROM challenge ORDER BY created_at DESC LIMIT 1); COMMIT;");

  std::printf("smsotp benchmarks, %d paired rounds each\n\n", rounds);
  compare(
      "version",
      "smsotp --version",
      "/bin/true",
      rounds,
      [&](int) {
        return run_ms({smsotp, "--version"});
      },
      [&](int) { return run_ms({"/bin/true"}); });
  compare(
      "verify",
      "smsotp verify (wrong code)",
      "sqlite3 BEGIN IMMEDIATE/UPDATE/COMMIT",
      rounds,
      [&](int i) {
        // A different number each round keeps the lockout out of the way.
        return run_ms({smsotp,
                       "-c",
                       config,
                       "verify",
                       "--to",
                       "+1503310" + std::to_string(1000 + i + 10),
                       "000000"});
      },
      [&](int) {
        return run_ms(
            {"sqlite3", dir + "/state.db", ".read " + dir + "/baseline.sql"});
      });
  // purge's own statement for finished rows (store/sqlite_rows_purge.cpp),
  // with the limit window it keeps (one day).
  write_file(dir + "/purge.sql",
             "BEGIN IMMEDIATE; DELETE FROM challenge WHERE (state NOT IN "
             "('pending', 'sent') OR expires_at <= strftime('%s','now')) AND "
             "coalesce(finished_at, expires_at) <= strftime('%s','now') - "
             "86400; COMMIT;");
  compare(
      "purge",
      "smsotp purge",
      "sqlite3 BEGIN IMMEDIATE/DELETE/COMMIT",
      rounds,
      [&](int) {
        return run_ms({smsotp, "-c", config, "purge"});
      },
      [&](int) {
        return run_ms(
            {"sqlite3", dir + "/state.db", ".read " + dir + "/purge.sql"});
      });
  compare(
      "send",
      "smsotp send (twilio, local fake)",
      "curl POST to the same fake",
      rounds,
      [&](int i) {
        return run_ms({smsotp,
                       "-c",
                       config,
                       "send",
                       "--to",
                       "+1503420" + std::to_string(1000 + i + 10)});
      },
      [&](int) {
        return run_ms(
            {"curl",
             "-s",
             "-o",
             "/dev/null",
             "-u",
             "AC" + std::string(32, '0') + ":bench-token-not-secret",
             "-d",
             "To=%2B15552000000&From=%2B15005550006&Body=smsotp%3A%20123456",
             base + "/2010-04-01/Accounts/AC" + std::string(32, '0')
                 + "/Messages.json"});
      });

  bench::warn_if_unexpected_exits();
  fake.stop();
  server.join();
  std::filesystem::remove_all(dir);
  return 0;
}
