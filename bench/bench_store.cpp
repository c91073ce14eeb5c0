// The store at scale, on SQLite:
//
//   verify1m  smsotp verify with 1,000,500 challenges in the store vs the
//             same verify with 1,000 (target: at most 1.2x)
//   purge1m   smsotp purge removing 1,000,000 expired challenges vs sqlite3
//             running purge's transaction on a copy of the same file
//             (target: under 3 s)
//
// Both stores are made the same way. A real send creates the file (the
// schema is the one this build's migrations make, src/store/schema.cpp)
// and the key; then sqlite3 fills it in one statement from a recursive CTE.
// Every row has its own number (+1 503 200-0000 upwards), a random id, a
// masked number, the real key id, and a state as real traffic leaves it:
// `finished` rows 2 to 32 days old (60% consumed, 20% expired, 10% failed,
// 10% exhausted, each exhausted number with its failure counter), then 500
// live ones ("sent", a random tag, expiring in 10 minutes). The verify
// benchmark checks a wrong code against a live number, a new one each
// round, so each round finds, counts and compares like a real attempt.

#include "bench.hpp"
#include "bench_util.hpp"

#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

namespace bench {

namespace {

constexpr long k_first_number = 5032000000; // +1 503 200-0000
constexpr int k_live = 500;
constexpr long k_month = 30L * 86400;

// SQL that adds `finished` old challenges and k_live live ones to a store
// that smsotp created, in one transaction without a journal, then returns
// the file to WAL mode as smsotp keeps it.
std::string fill_sql(long finished, const std::string& key_id)
{
  const std::string n = std::to_string(finished);
  const std::string total = std::to_string(finished + k_live);
  return "PRAGMA journal_mode = DELETE;\n"
         "PRAGMA synchronous = OFF;\n"
         "PRAGMA cache_size = -400000;\n"
         "BEGIN;\n"
         "WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq"
         " WHERE i < "
         + total
         + " - 1),\n"
           "row AS (SELECT i, i >= "
         + n + " AS live, i % 10 AS kind, '+1' || ("
         + std::to_string(k_first_number)
         + " + i) AS number, CASE WHEN i >= " + n
         + " THEN CAST(strftime('%s', 'now') AS INTEGER) - 10"
           " ELSE CAST(strftime('%s', 'now') AS INTEGER) - 2 * 86400 - (i * "
         + std::to_string(k_month) + ") / " + n
         + " END AS created FROM seq)\n"
           "INSERT INTO challenge (id, recipient, recipient_masked, purpose,"
           " tag, code_length, created_at, expires_at, attempts, max_attempts,"
           " state, provider, provider_message_id, finished_at, key_id)\n"
           "SELECT 'ch_' || lower(hex(randomblob(12))), number,"
           " substr(number, 1, 3) || '*******' || substr(number, -2), 'login',"
           " CASE WHEN live THEN randomblob(32) END, 6, created,"
           " created + CASE WHEN live THEN 600 ELSE 300 END,"
           " CASE WHEN live THEN 0 WHEN kind < 6 THEN 1 WHEN kind = 9 THEN 5"
           " ELSE 0 END, 5,"
           " CASE WHEN live THEN 'sent' WHEN kind < 6 THEN 'consumed'"
           " WHEN kind < 8 THEN 'expired' WHEN kind = 8 THEN 'failed'"
           " ELSE 'exhausted' END, 'outbox',"
           " CASE WHEN kind = 8 AND NOT live THEN NULL ELSE 'outbox.txt' END,"
           " CASE WHEN live THEN NULL WHEN kind < 6 THEN created + 40"
           " WHEN kind < 8 THEN created + 300 WHEN kind = 8 THEN created + 2"
           " ELSE created + 120 END, '"
         + key_id
         + "' FROM row;\n"
           "INSERT INTO recipient (recipient, consecutive_failures,"
           " updated_at) SELECT recipient, 5, finished_at FROM challenge"
           " WHERE state = 'exhausted';\n"
           "COMMIT;\n"
           "PRAGMA journal_mode = WAL;\n";
}

// A store with `finished` old challenges and k_live live ones.
std::string
make_store(const Setup& setup, const std::string& name, long finished)
{
  const std::string dir = setup.dir + "/store";
  const std::string database = dir + "/" + name + ".db";
  const std::string config =
      write_config(dir + "/" + name + ".toml",
                   database,
                   "[provider.outbox]\nkind = \"file\"\npath = \"" + dir
                       + "/outbox.txt\"\n");
  must({setup.smsotp, "-c", config, "send", "--to", "+15034990000"});
  std::string key_id =
      must({"sqlite3",
            database,
            "SELECT key_id FROM challenge WHERE key_id IS NOT NULL"});
  key_id = key_id.substr(0, key_id.find('\n'));
  write_file(dir + "/fill.sql", fill_sql(finished, key_id));
  const auto start = std::chrono::steady_clock::now();
  must({"sqlite3", database, ".read " + dir + "/fill.sql"});
  std::printf(
      "store   %s: %ld + %d + 1 challenges in %.1f s (sqlite3)\n",
      name.c_str(),
      finished,
      k_live,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count());
  return config;
}

std::string live_number(long finished, int i)
{
  // Warm-up rounds pass negative i; each round its own live number.
  const long k = (i + 3 + k_live) % k_live;
  return "+1" + std::to_string(k_first_number + finished + k);
}

// Copies `from` to `to` and flushes it, so that neither side of a pair
// pays for the other's dirty pages; drops a WAL left next to `to`.
void copy_synced(const std::string& from, const std::string& to)
{
  std::filesystem::remove(to + "-wal");
  std::filesystem::remove(to + "-shm");
  std::filesystem::copy_file(
      from, to, std::filesystem::copy_options::overwrite_existing);
  const int fd = ::open(to.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

long count_rows(const std::string& database)
{
  return bench::parse_count(
      must({"sqlite3", database, "SELECT count(*) FROM challenge"}));
}

} // namespace

void bench_big_store(const Setup& setup)
{
  const std::string dir = setup.dir + "/store";
  std::filesystem::create_directories(dir);
  constexpr long k_small = 1000 - k_live;
  constexpr long k_large = 1000000;
  const std::string small = make_store(setup, "1k", k_small);
  const std::string large = make_store(setup, "1m", k_large);
  std::printf("\n");
  compare(
      "verify1m",
      "smsotp verify, 1,000,501 rows",
      "smsotp verify, 1,001 rows",
      setup.rounds,
      [&](int i) {
        return run_ms({setup.smsotp,
                       "-c",
                       large,
                       "verify",
                       "--to",
                       live_number(k_large, i),
                       "000000"});
      },
      [&](int i) {
        return run_ms({setup.smsotp,
                       "-c",
                       small,
                       "verify",
                       "--to",
                       live_number(k_small, i),
                       "000000"});
      },
      {Target::On::ratio, 1.2});

  // purge: both sides start from a copy of the 1M store, taken outside the
  // timed part; the master is checkpointed first so the copy is complete.
  const std::string master = dir + "/1m.db";
  must({"sqlite3", master, "PRAGMA wal_checkpoint(TRUNCATE);"});
  const std::string ours = dir + "/purge-smsotp.db";
  const std::string theirs = dir + "/purge-sqlite3.db";
  const std::string config =
      write_config(dir + "/purge.toml",
                   ours,
                   "[provider.outbox]\nkind = \"file\"\npath = \"" + dir
                       + "/outbox.txt\"\n");
  write_file(dir + "/purge.sql", purge_sql());
  const int rounds = std::max(3, setup.rounds / 6);
  compare(
      "purge1m",
      "smsotp purge, 1,000,000 expired rows",
      "sqlite3, purge's transaction",
      rounds,
      [&](int) {
        copy_synced(master, ours);
        return run_ms({setup.smsotp, "-c", config, "purge"});
      },
      [&](int) {
        copy_synced(master, theirs);
        return run_ms({"sqlite3", theirs, ".read " + dir + "/purge.sql"});
      },
      {Target::On::time, 3000},
      1);
  const long left_ours = count_rows(ours);
  const long left_theirs = count_rows(theirs);
  std::printf("%-7s rows left: %ld (smsotp), %ld (sqlite3)%s\n\n",
              "",
              left_ours,
              left_theirs,
              left_ours == left_theirs ? "" : ": NOT the same work");
  if (std::getenv("BENCH_KEEP") == nullptr) {
    std::filesystem::remove_all(dir);
  }
}

} // namespace bench
