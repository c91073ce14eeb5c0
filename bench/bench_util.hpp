#pragma once

// What the benchmark drivers share: timing one child process, medians, and
// paired runs of a command against its baseline (ABAB...), so that machine
// noise hits both alike. Nothing here passes or fails.

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace bench {

// A whole decimal number (a count from the command line or from sqlite3's
// output); anything else ends the bench with a message, where atoi would
// have read 0.
inline long parse_count(const std::string& text)
{
  errno = 0;
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (errno != 0 || end == text.c_str() || (*end != '\0' && *end != '\n')) {
    std::fprintf(stderr, "bench: not a number: %s\n", text.c_str());
    std::exit(2);
  }
  return value;
}

// Runs that exited other than 0 or 1 (verify of a wrong code exits 1 by
// design; anything else is a broken run).
inline int g_unexpected_exits = 0;

// Runs `argv` with stdout and stderr discarded; returns its wall time in ms.
inline double run_ms(const std::vector<std::string>& argv)
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
  if (!WIFEXITED(status)
      || (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 1)) {
    ++g_unexpected_exits;
  }
  const auto end = std::chrono::steady_clock::now();
  posix_spawn_file_actions_destroy(&actions);
  return std::chrono::duration<double, std::milli>(end - start).count();
}

// What a child printed on stdout and how it ended.
struct Captured
{
  std::string out;
  int exit_code = -1; // -1: killed by a signal or not started
};

// Runs `argv` (no shell), collects its stdout, sends its stderr to
// `err_path`; not timed and not counted in g_unexpected_exits.
inline Captured capture(const std::vector<std::string>& argv,
                        const std::string& err_path = "/dev/null")
{
  std::vector<char*> args;
  for (const auto& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  Captured result;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_addopen(
      &actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid = 0;
  const int spawned =
      posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (spawned == 0) {
    char buffer[4096];
    ssize_t size = 0;
    while ((size = read(fds[0], buffer, sizeof buffer)) != 0) {
      if (size < 0 && errno != EINTR) {
        break;
      }
      if (size > 0) {
        result.out.append(buffer, static_cast<std::size_t>(size));
      }
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  close(fds[0]);
  return result;
}

// Runs `argv` and stops the benchmark if it does not exit 0 (set-up steps).
inline std::string must(const std::vector<std::string>& argv)
{
  const auto result = capture(argv);
  if (result.exit_code != 0) {
    std::fprintf(stderr, "bench: set-up step failed:");
    for (const auto& arg : argv) {
      std::fprintf(stderr, " %s", arg.c_str());
    }
    std::fprintf(stderr, "\n");
    std::exit(1);
  }
  return result.out;
}

inline double median(std::vector<double> values)
{
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid]
                                : (values[mid - 1] + values[mid]) / 2;
}

// What compare() measured: both medians, the median of the per-pair ratios
// a/b and the median of the per-pair differences a - b (ms).
struct Comparison
{
  double a_median = 0;
  double b_median = 0;
  double ratio = 0;
  double difference = 0;
};

// An issue 9 target for a comparison: ratio <= limit, difference <= limit
// ms, or the command's own median < limit ms. Reported next to the result,
// never asserted.
struct Target
{
  enum class On
  {
    none,
    ratio,
    difference,
    time
  };
  On on = On::none;
  double limit = 0;
};

// Prints "target: ... met/MISSED" for `value` against `limit`.
inline void report_target(const char* what,
                          double value,
                          const char* relation,
                          double limit,
                          bool met)
{
  std::printf("%-7s target: %s %s %.2f; measured %.2f: %s\n",
              "",
              what,
              relation,
              limit,
              value,
              met ? "met" : "MISSED");
}

// Runs a(i) and b(i) alternately `rounds` times after `warmup` pairs (passed
// i = -1, -2, ...) and prints both medians, the median of the per-pair
// ratios, the median of the per-pair differences and the target if any.
inline Comparison compare(const char* name,
                          const char* a_name,
                          const char* b_name,
                          int rounds,
                          const std::function<double(int)>& a,
                          const std::function<double(int)>& b,
                          Target goal = {},
                          int warmup = 3)
{
  for (int i = 0; i < warmup; ++i) {
    a(-1 - i);
    b(-1 - i);
  }
  std::vector<double> a_times;
  std::vector<double> b_times;
  std::vector<double> ratios;
  std::vector<double> differences;
  for (int i = 0; i < rounds; ++i) {
    const bool a_first = i % 2 == 0;
    const double first = a_first ? a(i) : b(i);
    const double second = a_first ? b(i) : a(i);
    const double ta = a_first ? first : second;
    const double tb = a_first ? second : first;
    a_times.push_back(ta);
    b_times.push_back(tb);
    ratios.push_back(ta / tb);
    differences.push_back(ta - tb);
  }
  const Comparison result{
      median(a_times), median(b_times), median(ratios), median(differences)};
  std::printf("%-7s %-38s median %8.2f ms\n", name, a_name, result.a_median);
  std::printf("%-7s %-38s median %8.2f ms\n", "", b_name, result.b_median);
  std::printf("%-7s ratio (median of %3d paired runs)        %8.2f x\n",
              "",
              rounds,
              result.ratio);
  std::printf("%-7s difference (median of %3d paired runs)   %+8.2f ms\n",
              "",
              rounds,
              result.difference);
  if (goal.on == Target::On::ratio) {
    report_target(
        "ratio", result.ratio, "<=", goal.limit, result.ratio <= goal.limit);
  } else if (goal.on == Target::On::difference) {
    report_target("difference (ms)",
                  result.difference,
                  "<=",
                  goal.limit,
                  result.difference <= goal.limit);
  } else if (goal.on == Target::On::time) {
    report_target("median (s)",
                  result.a_median / 1000,
                  "<",
                  goal.limit / 1000,
                  result.a_median < goal.limit);
  }
  std::printf("\n");
  std::fflush(stdout);
  return result;
}

inline void write_file(const std::string& path, const std::string& text)
{
  std::ofstream(path) << text;
}

inline void warn_if_unexpected_exits()
{
  if (g_unexpected_exits > 0) {
    std::printf("warning: %d runs exited unexpectedly; the numbers above are "
                "not meaningful\n",
                g_unexpected_exits);
  }
}

} // namespace bench
