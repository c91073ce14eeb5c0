// smsotp benchmarks: each smsotp command is timed against a baseline that
// does the least possible equivalent work, run alternately in the same
// invocation (ABAB...) so that machine noise hits both alike:
//
//   version  smsotp --version vs /bin/true (start-up alone)
//   verify   smsotp verify of a wrong code for a number with a live code
//            (one BEGIN IMMEDIATE transaction, HMAC, commit) vs sqlite3
//            "BEGIN IMMEDIATE; UPDATE ...; COMMIT;" on the same database
//   purge    smsotp purge vs sqlite3 running purge's transaction
//   send     smsotp send via twilio to a local fake, plain HTTP and HTTPS
//            with a test CA, vs curl sending the same request
//            (bench_send.cpp)
//   store    verify with 1M rows vs 1k; purge of 1M expired rows vs sqlite3
//            (bench_store.cpp)
//   parallel 200 send+verify pairs at once on one SQLite store
//            (bench_parallel.cpp)
//   ab       only when SMSOTP_BASELINE names another smsotp binary (say, a
//            build from before a change): verify (wrong code) and send
//            (file provider) of this build against that one
//
// Prints the median wall time of each, the median of per-pair ratios and
// differences (bench_util.hpp), and issue 9's target where it has one. The
// PostgreSQL store has its own driver, bench_pg.cpp.
//
// Usage: smsotp-bench PATH/TO/smsotp [ROUNDS] [PART...]; all parts by
// default. Everything happens in a new directory under $TMPDIR (or /tmp),
// removed at the end unless BENCH_KEEP is set (for profiling by hand); the
// fake servers are threads of this process.

#include "bench.hpp"

#include "bench_util.hpp"

#include <filesystem>
#include <set>
#include <sys/stat.h>

namespace bench {

std::string write_config(const std::string& path,
                         const std::string& database,
                         const std::string& providers)
{
  write_file(path,
             "[otp]\nlockout_after = 100\nlockout_duration = \"15m\"\n"
             "[limits]\nper_prefix_hourly = 0\nglobal_hourly = 0\n"
             "global_daily = 0\n"
             "[policy]\nallowed_countries = [\"*\"]\n"
             "[store]\ndatabase = \""
                 + database + "\"\n" + providers);
  ::chmod(path.c_str(), 0600);
  return path;
}

std::string purge_sql()
{
  // store/lifecycle.cpp purge() with the bench's configuration: expire
  // stale codes, drop finished challenges past the limit window (one day)
  // and idle failure counters (lockout_duration, 15 min), provider skips
  // that ran out; then the TRUNCATE checkpoint smsotp runs after a purge.
  const std::string now = "CAST(strftime('%s', 'now') AS INTEGER)";
  return "BEGIN IMMEDIATE;\n"
         "UPDATE challenge SET state = 'expired', tag = NULL, finished_at = "
         "expires_at WHERE state IN ('pending', 'sent') AND expires_at <= "
         + now
         + ";\n"
           "UPDATE challenge SET tag = NULL WHERE state = 'superseded' AND "
           "tag IS NOT NULL AND expires_at <= "
         + now
         + ";\n"
           "DELETE FROM challenge WHERE (state NOT IN ('pending', 'sent') OR "
           "expires_at <= "
         + now + ") AND coalesce(finished_at, expires_at) <= " + now
         + " - 86400;\n"
           "DELETE FROM recipient WHERE (locked_until IS NULL OR locked_until "
           "<= "
         + now + ") AND updated_at <= " + now
         + " - 900;\n"
           "DELETE FROM provider_health WHERE skip_until <= "
         + now
         + ";\n"
           "COMMIT;\n"
           "PRAGMA wal_checkpoint(TRUNCATE);\n";
}

} // namespace bench

using namespace bench;

int main(int argc, char** argv)
{
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: %s PATH/TO/smsotp [ROUNDS] [PART...]\n"
                 "parts: version verify purge send store parallel ab\n",
                 argv[0]);
    return 64;
  }
  Setup setup;
  setup.smsotp = argv[1];
  setup.rounds = argc > 2 ? static_cast<int>(bench::parse_count(argv[2])) : 30;
  const std::set<std::string> parts(argv + std::min(argc, 3), argv + argc);
  const auto wanted = [&](const char* part) {
    return parts.empty() || parts.count(part) > 0;
  };
  const char* tmp = std::getenv("TMPDIR");
  std::string dir_template =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp")
      + "/smsotp-bench-XXXXXX";
  if (mkdtemp(dir_template.data()) == nullptr) {
    std::fprintf(stderr, "bench: cannot make a temporary directory\n");
    return 1;
  }
  setup.dir = dir_template;
  setenv("HOME", setup.dir.c_str(), 1);
  unsetenv("XDG_STATE_HOME");
  unsetenv("XDG_CONFIG_HOME");
  setenv("NO_PROXY", "127.0.0.1", 1);

  const std::string& dir = setup.dir;
  const std::string config =
      write_config(dir + "/config.toml",
                   dir + "/state.db",
                   "[provider.outbox]\nkind = \"file\"\npath = \"" + dir
                       + "/outbox.txt\"\n");
  // verify checks a wrong code against a live challenge, a new number each
  // round (the lockout stays out of the way): one send per number first.
  // The number is then one the store knows, so verify takes it as typed.
  const auto number = [](const char* prefix, int i) {
    return prefix + std::to_string(1000 + i + 10);
  };
  const char* baseline = std::getenv("SMSOTP_BASELINE");
  // purge needs a store even when verify is not run.
  must({setup.smsotp, "-c", config, "send", "--to", "+15032600000"});
  std::vector<const char*> prefixes;
  if (wanted("verify")) {
    prefixes.push_back("+1503310");
  }
  if (baseline != nullptr && wanted("ab")) {
    prefixes.insert(prefixes.end(), {"+1503510", "+1503520"});
  }
  for (int i = -3; i < setup.rounds; ++i) {
    for (const char* prefix : prefixes) {
      must({setup.smsotp, "-c", config, "send", "--to", number(prefix, i)});
    }
  }
  write_file(
      dir + "/baseline.sql",
      "BEGIN IMMEDIATE; UPDATE challenge SET attempts = attempts + 1 WHERE id ="
      " (SELECT id FROM challenge ORDER BY created_at DESC LIMIT 1); COMMIT;");
  write_file(dir + "/purge.sql", purge_sql());

  std::printf("smsotp benchmarks, %d paired rounds each\n\n", setup.rounds);
  if (wanted("version")) {
    compare(
        "version",
        "smsotp --version",
        "/bin/true",
        setup.rounds,
        [&](int) {
          return run_ms({setup.smsotp, "--version"});
        },
        [&](int) { return run_ms({"/bin/true"}); },
        {Target::On::ratio, 2.0});
  }
  if (wanted("verify")) {
    compare(
        "verify",
        "smsotp verify (wrong code)",
        "sqlite3 BEGIN IMMEDIATE/UPDATE/COMMIT",
        setup.rounds,
        [&](int i) {
          return run_ms({setup.smsotp,
                         "-c",
                         config,
                         "verify",
                         "--to",
                         number("+1503310", i),
                         "000000"});
        },
        [&](int) {
          return run_ms(
              {"sqlite3", dir + "/state.db", ".read " + dir + "/baseline.sql"});
        },
        {Target::On::ratio, 1.3});
  }
  if (wanted("purge")) {
    compare(
        "purge",
        "smsotp purge",
        "sqlite3, purge's transaction",
        setup.rounds,
        [&](int) {
          return run_ms({setup.smsotp, "-c", config, "purge"});
        },
        [&](int) {
          return run_ms(
              {"sqlite3", dir + "/state.db", ".read " + dir + "/purge.sql"});
        });
  }
  if (wanted("send")) {
    bench_send(setup);
  }
  if (wanted("store")) {
    bench_big_store(setup);
  }
  if (wanted("parallel")) {
    bench_parallel(setup, 200);
  }
  if (baseline != nullptr && wanted("ab")) {
    const std::string other = baseline;
    compare(
        "ab",
        "verify, this build",
        "verify, SMSOTP_BASELINE",
        setup.rounds,
        [&](int i) {
          return run_ms({setup.smsotp,
                         "-c",
                         config,
                         "verify",
                         "--to",
                         number("+1503510", i),
                         "000000"});
        },
        [&](int i) {
          return run_ms({other,
                         "-c",
                         config,
                         "verify",
                         "--to",
                         number("+1503520", i),
                         "000000"});
        });
    compare(
        "ab",
        "send (file provider), this build",
        "send (file provider), SMSOTP_BASELINE",
        setup.rounds,
        [&](int i) {
          return run_ms({setup.smsotp,
                         "-c",
                         config,
                         "send",
                         "--to",
                         "+1503530" + std::to_string(1000 + i + 10)});
        },
        [&](int i) {
          return run_ms({other,
                         "-c",
                         config,
                         "send",
                         "--to",
                         "+1503540" + std::to_string(1000 + i + 10)});
        });
  }

  warn_if_unexpected_exits();
  if (std::getenv("BENCH_KEEP") != nullptr) {
    std::printf("BENCH_KEEP: left %s\n", dir.c_str());
  } else {
    std::filesystem::remove_all(dir);
  }
  return 0;
}
