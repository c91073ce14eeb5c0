// N pairs at once on one SQLite store: each pair is a send and then a
// verify of the code that send made, N processes running at a time, 2N in
// all. The file provider writes each message to standard output (path
// "-"), so the code comes from the send's own stdout ("... your code is
// NNNNNN ..."); a pair counts as an error unless the send exits 0 with a
// code and the verify of that code exits 0. Prints the throughput.

#include "bench.hpp"
#include "bench_util.hpp"

#include <atomic>
#include <filesystem>
#include <regex>
#include <thread>

namespace bench {

void bench_parallel(const Setup& setup, int pairs)
{
  const std::string dir = setup.dir + "/parallel";
  std::filesystem::create_directories(dir);
  const std::string config =
      write_config(dir + "/config.toml",
                   dir + "/state.db",
                   "[provider.outbox]\nkind = \"file\"\npath = \"-\"\n");
  // The store and the key exist before the race, as on a running system.
  must({setup.smsotp, "-q", "-c", config, "send", "--to", "+15034990000"});

  std::atomic<int> errors{0};
  std::atomic<int> send_errors{0};
  std::atomic<bool> reported{false};
  const auto report_first = [&](const std::string& what,
                                const Captured& result,
                                const std::string& err_path) {
    if (!reported.exchange(true)) {
      std::string err = capture({"cat", err_path}).out;
      std::fprintf(stderr,
                   "parallel: first error: %s exited %d: %s",
                   what.c_str(),
                   result.exit_code,
                   err.c_str());
    }
  };
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int p = 0; p < pairs; ++p) {
    workers.emplace_back([&, p] {
      static const std::regex k_code("your code is ([0-9]+)");
      const std::string to = "+1503440" + std::to_string(1000 + p);
      const std::string err = dir + "/err-" + std::to_string(p);
      const auto sent =
          capture({setup.smsotp, "-q", "-c", config, "send", "--to", to}, err);
      std::smatch match;
      if (sent.exit_code != 0 || !std::regex_search(sent.out, match, k_code)) {
        ++errors;
        ++send_errors;
        report_first("send", sent, err);
        return;
      }
      const auto verified = capture({setup.smsotp,
                                     "-q",
                                     "-c",
                                     config,
                                     "verify",
                                     "--to",
                                     to,
                                     match[1].str()},
                                    err);
      if (verified.exit_code != 0) {
        ++errors;
        report_first("verify", verified, err);
      }
    });
  }
  for (auto& worker : workers) {
    worker.join();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::printf("parallel %d send+verify pairs at once, one SQLite store:\n"
              "        %.2f s, %.1f pairs/s (%.1f processes/s), %d errors "
              "(%d in send)\n",
              pairs,
              seconds,
              pairs / seconds,
              2 * pairs / seconds,
              errors.load(),
              send_errors.load());
  report_target("errors", errors.load(), "<=", 0, errors.load() == 0);
  std::printf("\n");
  std::filesystem::remove_all(dir);
}

} // namespace bench
