// smsotp benchmarks on the PostgreSQL store, against a throw-away server
// that this run starts and stops (tests/support/pg_server.sh):
//
//   verify      smsotp verify (wrong code) on PostgreSQL over the Unix socket
//               vs psql running the same transaction on the same server:
//               BEGIN; the store's advisory lock; UPDATE attempts; COMMIT
//   parallel    N workers at once on two "hosts" (two config directories
//               sharing one key file), each a send on one host followed by a
//               verify of that code on the other: 2N processes, throughput,
//               and the number of pairs that did not end in 0 and 0
//
// Usage: smsotp-bench-pg PATH/TO/smsotp PATH/TO/pg_server.sh [ROUNDS] [N]

#include "bench_util.hpp"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

using bench::compare;
using bench::run_ms;
using bench::write_file;

namespace {

// The store's writer lock (src/store/pg_store.hpp): "smso" in ASCII.
constexpr std::int64_t k_lock_class = 0x736d736f;

// Runs a shell command line and returns its stdout and exit status.
std::pair<std::string, int> capture(const std::string& command)
{
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    return {"", -1};
  }
  char buffer[4096];
  std::size_t size = 0;
  while ((size = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
    out.append(buffer, size);
  }
  const int status = pclose(pipe);
  return {out, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

std::map<std::string, std::string> read_facts(const std::string& path)
{
  std::map<std::string, std::string> facts;
  std::istringstream lines(capture("cat '" + path + "'").first);
  std::string line;
  while (std::getline(lines, line)) {
    const auto equals = line.find('=');
    if (equals != std::string::npos) {
      facts[line.substr(0, equals)] = line.substr(equals + 1);
    }
  }
  return facts;
}

// A host: its own config directory; outbox on stdout, so a send prints the
// message (and with it the code) for the caller.
std::string write_host(const std::string& dir,
                       const std::string& conninfo,
                       const std::string& key_file)
{
  std::filesystem::create_directories(dir);
  const std::string config = dir + "/config.toml";
  write_file(config,
             "[otp]\nlockout_after = 100\n"
             "[limits]\nper_prefix_hourly = 0\nglobal_hourly = 0\n"
             "global_daily = 0\n"
             "[policy]\nallowed_countries = [\"*\"]\n"
             "[store]\ndatabase = \""
                 + conninfo + "\"\nschema = \"bench\"\nkey_file = \"" + key_file
                 + "\"\n"
                   "[provider.outbox]\nkind = \"file\"\npath = \"-\"\n");
  std::filesystem::permissions(config,
                               std::filesystem::perms::owner_read
                                   | std::filesystem::perms::owner_write);
  return config;
}

} // namespace

int main(int argc, char** argv)
{
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: %s PATH/TO/smsotp PATH/TO/pg_server.sh [ROUNDS] [N]\n",
                 argv[0]);
    return 64;
  }
  const std::string smsotp = argv[1];
  const std::string server_script = argv[2];
  const int rounds =
      argc > 3 ? static_cast<int>(bench::parse_count(argv[3])) : 30;
  const int processes =
      argc > 4 ? static_cast<int>(bench::parse_count(argv[4])) : 200;
  char dir_template[] = "/tmp/smsotp-bench-pg-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string facts_file = dir + "/facts";
  if (capture("bash '" + server_script + "' start '" + facts_file
              + "' --no-bouncer >&2")
          .second
      != 0) {
    std::fprintf(stderr, "bench: the PostgreSQL server did not start\n");
    return 1;
  }
  auto facts = read_facts(facts_file);
  const std::string conninfo = "host=" + facts["host"] + " port="
                               + facts["port"] + " dbname=smsotp user=smsotp";
  setenv("HOME", dir.c_str(), 1);
  unsetenv("XDG_STATE_HOME");
  unsetenv("XDG_CONFIG_HOME");
  const std::string key_file = dir + "/smsotp.key";
  const std::string host_a = write_host(dir + "/a", conninfo, key_file);
  const std::string host_b = write_host(dir + "/b", conninfo, key_file);
  // One send creates the key, the schema and a challenge to count against.
  run_ms({smsotp, "-c", host_a, "send", "--to", "+15032600000"});
  const std::string baseline =
      "BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(k_lock_class)
      + ", hashtext('bench')); UPDATE bench.challenge SET attempts = "
        "attempts + 1 WHERE id = (SELECT id FROM bench.challenge ORDER BY "
        "created_at DESC LIMIT 1); COMMIT;";

  std::printf("smsotp on PostgreSQL 15 (Unix socket), %d paired rounds\n\n",
              rounds);
  compare(
      "verify",
      "smsotp verify (wrong code)",
      "psql BEGIN/lock/UPDATE/COMMIT",
      rounds,
      [&](int i) {
        return run_ms({smsotp,
                       "-c",
                       host_b,
                       "verify",
                       "--to",
                       "+1503310" + std::to_string(1000 + i + 10),
                       "000000"});
      },
      [&](int) {
        return run_ms({"psql",
                       "-X",
                       "-q",
                       "-h",
                       facts["host"],
                       "-p",
                       facts["port"],
                       "-U",
                       "smsotp",
                       "-d",
                       "smsotp",
                       "-c",
                       baseline});
      });

  // Each worker: send on one host, read the code from the outbox line on
  // stdout, verify it on the other host. Every pair must end in 0 and 0.
  std::atomic<int> errors{0};
  std::atomic<int> next{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  const int threads = processes;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      static const std::regex k_code("your code is ([0-9]+)");
      for (int i = next++; i < processes; i = next++) {
        const bool a_sends = i % 2 == 0;
        const std::string to = "+1503420" + std::to_string(1000 + i);
        const auto [out, status] =
            capture("'" + smsotp + "' -q -c '" + (a_sends ? host_a : host_b)
                    + "' send --to '" + to + "' 2>/dev/null");
        std::smatch match;
        if (status != 0 || !std::regex_search(out, match, k_code)) {
          ++errors;
          continue;
        }
        const auto verified = capture(
            "'" + smsotp + "' -q -c '" + (a_sends ? host_b : host_a)
            + "' verify --to '" + to + "' " + match[1].str() + " 2>/dev/null");
        if (verified.second != 0) {
          ++errors;
        }
      }
    });
  }
  for (auto& worker : workers) {
    worker.join();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::printf("parallel %d send+verify pairs at once across two hosts: "
              "%.2f s, %.1f pairs/s, %d errors\n",
              processes,
              seconds,
              processes / seconds,
              errors.load());

  bench::warn_if_unexpected_exits();
  capture("bash '" + server_script + "' stop '" + facts_file + "'");
  std::filesystem::remove_all(dir);
  return errors.load() == 0 ? 0 : 1;
}
