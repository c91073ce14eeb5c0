#pragma once

// A fresh store and short ways to reserve and verify codes in it at fixed
// times. Shared by the test_store_*.cpp files. The Store contract runs
// against both backends: STORE_TEST(name) registers the test twice,
// "name<sqlite>" (a file in a temporary directory) and "name<postgresql>"
// (a fresh schema on the suite's PostgreSQL server, with server_time off
// so that the fixed times below count). Helpers that read state do so
// through a second connection in the backend's own SQL.

#include "core/otp.hpp"
#include "pg_support.hpp"
#include "store/store.hpp"
#include "testutil.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <doctest/doctest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace smsotp::test {

constexpr std::int64_t k_t0 = 1'700'000'000;
inline const std::string k_alice = "+15551234567";
inline const std::string k_bob = "+447700900123";

enum class Backend
{
  sqlite,
  postgresql,
};

// The type parameters of STORE_TEST.
struct Sqlite
{
  static constexpr Backend k_backend = Backend::sqlite;
};
struct Postgresql
{
  static constexpr Backend k_backend = Backend::postgresql;
};

class StoreFixture
{
public:
  explicit StoreFixture(Backend backend = Backend::sqlite)
      : m_backend(backend), m_path(m_dir.file("state.db"))
  {
    store::StoreOptions options;
    options.database = m_path;
    if (backend == Backend::postgresql) {
      // Throws (the test fails) when the suite's server is not running.
      m_conninfo = pgtest::shared_server().socket_conninfo();
      m_schema = pgtest::unique_schema("store");
      options.database = m_conninfo;
      options.schema = m_schema;
      options.server_time = false;
    }
    m_store = store::open_store(options, store::OpenMode::create);
    REQUIRE(m_store != nullptr);
  }

  Backend backend() const
  {
    return m_backend;
  }
  // The PostgreSQL schema ("" for SQLite).
  const std::string& schema() const
  {
    return m_schema;
  }

  store::Store& store()
  {
    return *m_store;
  }
  // The SQLite file (SQLite-only tests).
  const std::string& path() const
  {
    REQUIRE(m_backend == Backend::sqlite);
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
  // one number within seconds; test_store_limits.cpp sets them.
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

  // The state column of challenge `id`, "(none)" if there is no such row.
  std::string state_of(const std::string& id) const
  {
    const auto found = rows("SELECT state FROM challenge WHERE id = ?", {id});
    return found.empty() ? "(none)" : found.front().front();
  }

  std::int64_t count(const std::string& table) const
  {
    return std::stoll(rows("SELECT count(*) FROM " + table).front().front());
  }

  // Rows of a query in the SQL both backends share, with `?` placeholders
  // bound in order; every column as text ("NULL" for null).
  std::vector<std::vector<std::string>>
  rows(const std::string& sql,
       const std::vector<std::string>& params = {}) const
  {
    std::vector<std::vector<std::string>> out;
    if (m_backend == Backend::postgresql) {
      std::string numbered;
      int index = 0;
      for (const char c : sql) {
        numbered +=
            c == '?' ? "$" + std::to_string(++index) : std::string(1, c);
      }
      pgtest::Connection connection(m_conninfo, m_schema);
      return connection.rows(numbered, params);
    }
    SQLite::Database db(m_path, SQLite::OPEN_READONLY);
    SQLite::Statement query(db, sql);
    for (std::size_t i = 0; i < params.size(); ++i) {
      query.bind(static_cast<int>(i + 1), params[i]);
    }
    while (query.executeStep()) {
      std::vector<std::string> columns;
      for (int column = 0; column < query.getColumnCount(); ++column) {
        const auto value = query.getColumn(column);
        columns.push_back(value.isNull() ? "NULL" : value.getString());
      }
      out.push_back(std::move(columns));
    }
    return out;
  }

  // Everything the store holds, as bytes (SQLite: the database file and
  // its journals) or text (PostgreSQL: every row of every table of the
  // schema, bytea in hex), for "never stored" checks.
  std::string dump() const
  {
    if (m_backend == Backend::sqlite) {
      std::string bytes;
      for (const auto* suffix : {"", "-wal", "-shm", "-journal"}) {
        bytes += read_file(m_path + suffix);
      }
      return bytes;
    }
    pgtest::Connection connection(m_conninfo, m_schema);
    std::string text;
    for (const auto& table :
         connection.rows("SELECT table_name FROM information_schema.tables "
                         "WHERE table_schema = $1",
                         {m_schema})) {
      for (const auto& row : connection.rows(
               "SELECT t::text FROM " + pgtest::quote_ident(m_schema) + "."
               + pgtest::quote_ident(table.front()) + " t")) {
        text += row.front() + "\n";
      }
    }
    return text;
  }

private:
  Backend m_backend;
  TempDir m_dir;
  std::string m_path;
  std::string m_conninfo;
  std::string m_schema;
  std::unique_ptr<store::Store> m_store;
  core::Key m_key = test_key(42);
  int m_counter = 0;
};

} // namespace smsotp::test

TYPE_TO_STRING_AS("sqlite", smsotp::test::Sqlite);
TYPE_TO_STRING_AS("postgresql", smsotp::test::Postgresql);

// A Store contract test, run against both backends; the body names its
// fixture `StoreFixture fixture(B::k_backend);`.
#define STORE_TEST(name)                                                       \
  TEST_CASE_TEMPLATE(name, B, smsotp::test::Sqlite, smsotp::test::Postgresql)

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
