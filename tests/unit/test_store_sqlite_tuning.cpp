// Tests for src/store/sqlite_tuning.cpp: the SQLite settings for one-shot
// processes. Each command opens the database, runs one transaction and
// closes it; closing does not checkpoint, a commit past 100 WAL frames
// does, and a busy write lock is waited for at most k_busy_timeout_ms.

#include "store/sqlite_common.hpp"
#include "store/store.hpp"
#include "store_fixture.hpp"
#include "testutil.hpp"

#include <SQLiteCpp/Database.h>
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <string>

using smsotp::core::ExitCode;
using smsotp::core::VerifyReason;
using smsotp::store::open_sqlite_store;
using smsotp::store::OpenMode;
using smsotp::test::catch_error;
using smsotp::test::k_t0;
using smsotp::test::StoreFixture;

namespace {

// A WAL holds a 32-byte header and frames of a 24-byte header plus a page.
constexpr std::uintmax_t k_page_size = 4096;
constexpr std::uintmax_t k_frame_size = 24 + k_page_size;

std::uintmax_t wal_size(const std::string& path)
{
  const std::string wal = path + "-wal";
  return std::filesystem::exists(wal) ? std::filesystem::file_size(wal) : 0;
}

std::string recipient(int index)
{
  const std::string digits = std::to_string(10000 + index);
  return "+1555000" + digits.substr(digits.size() - 4);
}

} // namespace

TEST_CASE("closing after a write leaves the commit in the WAL, unmerged")
{
  // A checkpoint on close costs every command two more fdatasyncs.
  StoreFixture fixture;
  fixture.close();
  const auto before = std::filesystem::file_size(fixture.path());
  {
    auto store = open_sqlite_store(fixture.path(), OpenMode::create);
    store->reserve(fixture.request("123456"), k_t0);
  }
  CHECK(wal_size(fixture.path()) > k_frame_size);
  CHECK(std::filesystem::file_size(fixture.path()) == before);
  CHECK(fixture.count("challenge") == 1);
}

TEST_CASE("300 one-shot send and verify pairs keep the WAL small")
{
  StoreFixture fixture;
  fixture.close();
  std::uintmax_t largest = 0;
  constexpr int k_cycles = 300;
  for (int i = 0; i < k_cycles; ++i) {
    const std::int64_t now = k_t0 + i;
    {
      auto store = open_sqlite_store(fixture.path(), OpenMode::create);
      store->reserve(fixture.request("123456", recipient(i)), now);
    }
    largest = std::max(largest, wal_size(fixture.path()));
    {
      auto store = open_sqlite_store(fixture.path(), OpenMode::existing_only);
      REQUIRE(store != nullptr);
      const auto outcome =
          store->verify(StoreFixture::verify_request("123456", recipient(i)),
                        &fixture.key(),
                        now + 1);
      CHECK(outcome.reason == VerifyReason::ok);
    }
    largest = std::max(largest, wal_size(fixture.path()));
  }
  // 100 frames before the checkpoint, plus the frames of the commit that
  // crossed the mark.
  CHECK(largest > 0);
  CHECK(largest <= 32 + 120 * k_frame_size);
  CHECK(fixture.count("challenge") == k_cycles);
  CHECK(fixture
            .rows("SELECT count(*) FROM challenge WHERE state = "
                  "'consumed'")
            .front()
            .front()
        == std::to_string(k_cycles));
}

TEST_CASE("commits succeed while a reader keeps the checkpoint from running")
{
  StoreFixture fixture;
  fixture.close();
  SQLite::Database reader(fixture.path(), SQLite::OPEN_READONLY);
  reader.exec("BEGIN");
  CHECK(reader.execAndGet("SELECT count(*) FROM challenge").getInt() == 0);
  constexpr int k_writes = 40; // several frames each: past 100 frames
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < k_writes; ++i) {
    auto store = open_sqlite_store(fixture.path(), OpenMode::create);
    CHECK_NOTHROW(
        store->reserve(fixture.request("123456", recipient(i)), k_t0 + i));
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(wal_size(fixture.path()) > 100 * k_frame_size);
  // The reader still sees its snapshot; a blocked checkpoint gives up
  // after a short wait rather than the 10 s a writer may wait.
  CHECK(reader.execAndGet("SELECT count(*) FROM challenge").getInt() == 0);
  CHECK(elapsed < std::chrono::seconds(k_writes / 4));
  reader.exec("COMMIT");
  CHECK(fixture.count("challenge") == k_writes);
  // With the reader gone, the next commit truncates the WAL.
  {
    auto store = open_sqlite_store(fixture.path(), OpenMode::create);
    store->reserve(fixture.request("123456", recipient(k_writes)), k_t0);
  }
  CHECK(wal_size(fixture.path()) == 0);
  CHECK(fixture.count("challenge") == k_writes + 1);
}

TEST_CASE("a write lock held elsewhere gives up after the busy bound with 75")
{
  StoreFixture fixture;
  fixture.close();
  SQLite::Database holder(fixture.path(), SQLite::OPEN_READWRITE);
  holder.exec("BEGIN IMMEDIATE");
  auto store = open_sqlite_store(fixture.path(), OpenMode::create);
  const auto start = std::chrono::steady_clock::now();
  const auto caught =
      catch_error([&] { store->reserve(fixture.request("123456"), k_t0); });
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(caught.code == ExitCode::temporary);
  CHECK(static_cast<int>(caught.code) == 75);
  CHECK_CONTAINS(caught.message, "is busy");
  const auto bound =
      std::chrono::milliseconds(smsotp::store::detail::k_busy_timeout_ms);
  CHECK(elapsed >= bound);
  CHECK(elapsed < bound + std::chrono::seconds(2));
  holder.exec("ROLLBACK");
  // Once the lock is free, the same connection writes again.
  CHECK_NOTHROW(store->reserve(fixture.request("123456"), k_t0));
  store.reset();
  CHECK(fixture.count("challenge") == 1);
}
