#pragma once

// A fresh SQLite store in a temporary directory, and short ways to reserve
// and verify codes in it at fixed times. Shared by the test_store_*.cpp files.

#include "core/otp.hpp"
#include "store/store.hpp"
#include "testutil.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <doctest/doctest.h>

#include <memory>
#include <optional>
#include <string>

namespace smsotp::test {

constexpr std::int64_t k_t0 = 1'700'000'000;
inline const std::string k_alice = "+15551234567";
inline const std::string k_bob = "+447700900123";

class StoreFixture
{
public:
  StoreFixture()
      : m_path(m_dir.file("state.db")),
        m_store(store::open_sqlite_store(m_path, store::OpenMode::create))
  {
    REQUIRE(m_store != nullptr);
  }

  store::Store& store()
  {
    return *m_store;
  }
  const std::string& path() const
  {
    return m_path;
  }
  const TempDir& dir() const
  {
    return m_dir;
  }
  const core::Key& key() const
  {
    return m_key;
  }
  void close()
  {
    m_store.reset();
  }

  // A request for `code` with a fresh challenge id and a tag under key().
  // Sending limits are off (0), so that tests can reserve several codes for
  // one number within seconds; test_store_sqlite_limits.cpp sets them.
  store::ReserveRequest request(const std::string& code,
                                const std::string& recipient = k_alice,
                                const std::string& purpose = "login")
  {
    store::ReserveRequest request;
    request.challenge_id = "ch_test" + std::to_string(++m_counter);
    request.key_id = core::key_id(m_key);
    request.recipient = recipient;
    request.recipient_masked = recipient.substr(0, 3) + "***";
    request.purpose = purpose;
    request.code_length = static_cast<std::int64_t>(code.size());
    request.limits = no_limits();
    request.tag = core::compute_tag(
        m_key, request.challenge_id, recipient, purpose, code);
    return request;
  }

  static store::SendLimits no_limits()
  {
    store::SendLimits limits;
    limits.per_recipient = 0;
    limits.min_interval = 0;
    limits.per_recipient_daily = 0;
    limits.per_prefix_hourly = 0;
    limits.global_hourly = 0;
    limits.global_daily = 0;
    return limits;
  }

  store::Reservation reserve(const std::string& code,
                             std::int64_t now,
                             const std::string& recipient = k_alice)
  {
    return m_store->reserve(request(code, recipient), now);
  }

  static store::VerifyRequest
  verify_request(const std::string& code,
                 const std::string& recipient = k_alice,
                 std::optional<std::string> challenge_id = std::nullopt)
  {
    store::VerifyRequest request;
    request.recipient = recipient;
    request.purpose = "login";
    request.challenge_id = std::move(challenge_id);
    request.code = code;
    return request;
  }

  core::VerifyOutcome verify(const std::string& code,
                             std::int64_t now,
                             const std::string& recipient = k_alice)
  {
    return m_store->verify(verify_request(code, recipient), &m_key, now);
  }

  // The state column of challenge `id`, read through a second connection.
  std::string state_of(const std::string& id) const
  {
    SQLite::Database db(m_path, SQLite::OPEN_READONLY);
    SQLite::Statement query(db, "SELECT state FROM challenge WHERE id = ?");
    query.bind(1, id);
    if (!query.executeStep()) {
      return "(none)";
    }
    return query.getColumn(0).getString();
  }

  std::int64_t count(const std::string& table) const
  {
    SQLite::Database db(m_path, SQLite::OPEN_READONLY);
    return db.execAndGet("SELECT count(*) FROM " + table).getInt64();
  }

private:
  TempDir m_dir;
  std::string m_path;
  std::unique_ptr<store::Store> m_store;
  core::Key m_key = test_key(42);
  int m_counter = 0;
};

} // namespace smsotp::test

namespace smsotp::core {

// Found by argument-dependent lookup, so that doctest prints reasons by name
// (it prints other enums as numbers). verify_reason_name() reports `locked`
// as too_many_attempts; tests need to tell them apart.
inline doctest::String toString(VerifyReason reason)
{
  if (reason == VerifyReason::locked) {
    return "locked";
  }
  return doctest::String(std::string(verify_reason_name(reason)).c_str());
}

} // namespace smsotp::core
