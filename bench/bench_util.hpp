#pragma once

// What the benchmark drivers share: timing one child process, medians, and
// paired runs of a command against its baseline (ABAB...), so that machine
// noise hits both alike. Nothing here passes or fails.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <vector>

extern char** environ;

namespace bench {

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

inline double median(std::vector<double> values)
{
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 == 1 ? values[mid]
                                : (values[mid - 1] + values[mid]) / 2;
}

// Runs a(i) and b(i) alternately `rounds` times after 3 warm-up pairs and
// prints both medians and the median of the per-pair ratios.
inline void compare(const char* name,
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
  std::printf("%-7s %-38s median %7.2f ms\n", name, a_name, median(a_times));
  std::printf("%-7s %-38s median %7.2f ms\n", "", b_name, median(b_times));
  std::printf("%-7s ratio (median of %d paired runs)         %7.2f x\n\n",
              "",
              rounds,
              median(ratios));
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
