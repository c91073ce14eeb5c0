// smsotp benchmarks: each smsotp command is timed against a baseline that
// does the least possible equivalent work, run alternately in the same
// invocation (ABAB...) so that machine noise hits both alike:
//
//   verify  smsotp verify (one BEGIN IMMEDIATE transaction, HMAC, commit)
//           vs sqlite3 "BEGIN IMMEDIATE; UPDATE ...; COMMIT;" on a copy of
//           the same database
//   send    smsotp send via the twilio provider to a local fake server
//           vs curl POSTing the same form to the same server
//
// Prints the median wall time of each and the median of per-pair ratios.
// Not a test: nothing here passes or fails.

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace {

int g_unexpected_exits = 0;

double run_ms(const std::vector<std::string>& argv)
{
  std::vector<char*> args;
  for (const auto& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  const auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  if (posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ)
      != 0) {
    std::fprintf(stderr, "cannot run %s\n", args[0]);
    std::exit(1);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  // verify of a wrong code exits 1 by design; anything else is a broken run.
  if (!WIFEXITED(status)
      || (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 1)) {
    ++g_unexpected_exits;
  }
  const auto end = std::chrono::steady_clock::now();
  posix_spawn_file_actions_destroy(&actions);
  return std::chrono::duration<double, std::milli>(end - start).count();
}

double median(std::vector<double> values)
{
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid]
                                : (values[mid - 1] + values[mid]) / 2;
}

// Runs a(i) and b(i) alternately `rounds` times after `warmup` pairs.
void compare(const char* name,
             const char* a_name,
             const char* b_name,
             int rounds,
             const std::function<double(int)>& a,
             const std::function<double(int)>& b)
{
  for (int i = 0; i < 3; ++i) {
    a(-1 - i);
    b(-1 - i);
  }
  std::vector<double> a_times;
  std::vector<double> b_times;
  std::vector<double> ratios;
  for (int i = 0; i < rounds; ++i) {
    const bool a_first = i % 2 == 0;
    const double first = a_first ? a(i) : b(i);
    const double second = a_first ? b(i) : a(i);
    const double ta = a_first ? first : second;
    const double tb = a_first ? second : first;
    a_times.push_back(ta);
    b_times.push_back(tb);
    ratios.push_back(ta / tb);
  }
  std::printf("%-7s %-34s median %7.2f ms\n", name, a_name, median(a_times));
  std::printf("%-7s %-34s median %7.2f ms\n", "", b_name, median(b_times));
  std::printf("%-7s ratio (median of %d paired runs)     %7.2f x\n\n",
              "",
              rounds,
              median(ratios));
}

void write_file(const std::string& path, const std::string& text)
{
  std::ofstream(path) << text;
}

} // namespace

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

  if (g_unexpected_exits > 0) {
    std::printf("warning: %d runs exited unexpectedly; the numbers above are "
                "not meaningful\n",
                g_unexpected_exits);
  }
  fake.stop();
  server.join();
  std::filesystem::remove_all(dir);
  return 0;
}
