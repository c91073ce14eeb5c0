#pragma once

// The parts of bench/run (bench.cpp runs them in order) and what they
// share: where smsotp is, the run's temporary directory, the rounds.

#include <string>

namespace bench {

struct Setup
{
  std::string smsotp; // the binary under test
  std::string dir;    // this run's temporary directory, removed at the end
  int rounds = 30;
};

// A configuration in which limits and lockouts never stop a benchmark
// (every round uses a new number in one block), the store is `database` and
// the providers are `providers` (TOML tables). Returns its path, `path`.
std::string write_config(const std::string& path,
                         const std::string& database,
                         const std::string& providers);

// purge's transaction for the benchmark configuration, as sqlite3 runs it.
std::string purge_sql();

// send via twilio to a local fake, plain HTTP and HTTPS with a test CA, each
// against curl sending the same request (bench_send.cpp).
void bench_send(const Setup& setup);

// verify with 1,000,000 rows in the store against 1,000, and purge of
// 1,000,000 expired rows against sqlite3's DELETE (bench_store.cpp).
void bench_big_store(const Setup& setup);

// `pairs` processes at once, each a send then a verify of its code on one
// SQLite store (bench_parallel.cpp).
void bench_parallel(const Setup& setup, int pairs);

} // namespace bench
