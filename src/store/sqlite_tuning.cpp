// Connection settings for one-shot processes: each smsotp command opens the
// database, runs one short transaction and exits, often many at once.
// ../shared/research/verify-floor.md §3 measures why (fsyncs saved, WAL
// growth without a checkpoint, back-off under 200 parallel processes).

#include "store/sqlite_common.hpp"
#include "util/interrupt.hpp"

#include <algorithm>
#include <chrono>
#include <random>
#include <sqlite3.h>
#include <thread>
#include <unistd.h>

namespace smsotp::store::detail {

namespace {

using Clock = std::chrono::steady_clock;

// How long one busy wait may last in total. A checkpoint is a courtesy to
// later processes: it waits only briefly, then leaves the work to them.
thread_local int t_wait_bound_ms = k_busy_timeout_ms;
// When the current busy wait began (SQLite calls the handler with count 0
// first). A connection's handler runs on the thread using the connection,
// and while it sleeps no other wait can start on that thread, so one
// start time per thread is enough.
thread_local Clock::rep t_wait_start = 0; // Clock ticks

std::minstd_rand& jitter_source()
{
  // Seeded per process and thread, so that processes woken together do
  // not retry in step. Not security relevant.
  thread_local std::minstd_rand source(static_cast<unsigned>(
      static_cast<unsigned>(::getpid()) * 2654435761U
      ^ static_cast<unsigned>(Clock::now().time_since_epoch().count())));
  return source;
}

// Busy handler: short random sleeps (1 ms up to 5 ms at first, up to 10 ms
// after many retries) until t_wait_bound_ms has passed, then gives up and
// SQLite reports SQLITE_BUSY (exit 75). SQLite's own handler sleeps in
// steps of up to 100 ms, so with many processes queued on the write lock
// most of them would sleep long after it was free.
int busy_handler(void* /*unused*/, int count) noexcept
{
  const auto now = Clock::now();
  if (count == 0) {
    t_wait_start = now.time_since_epoch().count();
  }
  const auto waited =
      std::chrono::duration_cast<std::chrono::milliseconds>(
          now - Clock::time_point(Clock::duration(t_wait_start)))
          .count();
  const auto left = static_cast<long long>(t_wait_bound_ms) - waited;
  // SIGINT/SIGTERM ends the wait too: the command then exits by the signal.
  if (left <= 0 || util::interrupt_signal() != 0) {
    return 0;
  }
  const int top = std::min(10, 5 + count / 50);
  std::uniform_int_distribution<int> pick(1, top);
  const long long sleep_ms = std::min<long long>(pick(jitter_source()), left);
  std::this_thread::sleep_for(std::chrono::milliseconds(sleep_ms));
  return 1;
}

constexpr int k_checkpoint_frames = 100;
constexpr int k_checkpoint_wait_ms = 50;

// Runs after every commit that leaves a WAL (the commit is durable by
// then). Once the WAL holds k_checkpoint_frames frames, copies it into the
// database and truncates it, so that it never grows across processes that
// each skip the checkpoint on close. A checkpoint that finds readers or a
// writer gives up after k_checkpoint_wait_ms; a later commit retries. It
// always returns SQLITE_OK: an error here would make the committed
// transaction look failed.
int checkpoint_hook(void* /*unused*/,
                    sqlite3* db,
                    const char* schema,
                    int frames) noexcept
{
  if (frames < k_checkpoint_frames) {
    return SQLITE_OK;
  }
  const int saved = t_wait_bound_ms;
  t_wait_bound_ms = k_checkpoint_wait_ms;
  (void)sqlite3_wal_checkpoint_v2(
      db, schema, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  t_wait_bound_ms = saved;
  return SQLITE_OK;
}

} // namespace

void install_busy_handler(SQLite::Database& db)
{
  (void)sqlite3_busy_handler(db.getHandle(), busy_handler, nullptr);
}

void defer_checkpoints(SQLite::Database& db)
{
  sqlite3* handle = db.getHandle();
  // Closing does not checkpoint: that is two fdatasyncs per process, and
  // checkpoint_hook keeps the WAL bounded instead.
  (void)sqlite3_db_config(
      handle, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, static_cast<int*>(nullptr));
  // Replaces SQLite's automatic checkpoint at 1000 frames.
  (void)sqlite3_wal_hook(handle, checkpoint_hook, nullptr);
}

void checkpoint_on_close(SQLite::Database& db)
{
  (void)sqlite3_db_config(db.getHandle(),
                          SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
                          0,
                          static_cast<int*>(nullptr));
}

} // namespace smsotp::store::detail
