#pragma once

// Internal to store/: one libpq connection, its results and its failures.
// Only store/pg_*.cpp include this (and so libpq).
//
// The connection is pooler-safe (PgBouncer in transaction pooling mode):
// statements are unnamed and parameterised (PQexecParams semantics, text
// format), nothing is set for the session (SET LOCAL inside a transaction
// only), and the only locks taken are transaction-level advisory locks.

#include "store/pg_failure.hpp"
#include "store/store.hpp"

#include <cstdint>
#include <libpq-fe.h>
#include <optional>
#include <string>
#include <vector>

namespace smsotp::store::detail {

// One statement's rows, all values as text (NULL as nullopt).
class PgResult
{
public:
  explicit PgResult(PGresult* result) : m_result(result)
  {}
  PgResult(PgResult&& other) noexcept : m_result(other.m_result)
  {
    other.m_result = nullptr;
  }
  PgResult& operator=(PgResult&& other) noexcept;
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;
  ~PgResult();

  [[nodiscard]] int rows() const;
  [[nodiscard]] std::optional<std::string> text(int row, int column) const;
  // The value as an integer; 0 for NULL.
  [[nodiscard]] std::int64_t number(int row, int column) const;
  // Rows an INSERT/UPDATE/DELETE touched.
  [[nodiscard]] std::int64_t affected() const;

private:
  PGresult* m_result;
};

using PgParam = std::optional<std::string>; // nullopt = SQL NULL

class PgConnection
{
public:
  // Connects to `options.database`, honouring what libpq users expect
  // (PGSERVICE and pg_service.conf, ~/.pgpass and passfile=, PGHOST and the
  // other PG* variables, Unix sockets). The TLS rule (pg_policy.hpp) is
  // checked on libpq's effective options before any credential is sent.
  // Throws Error: config for a malformed or unsafe string or an unknown
  // database, permission for rejected credentials, refused for a server
  // certificate that does not verify, temporary when the server cannot be
  // reached in connect_timeout or does not accept connections now.
  // `consequence` ends the temporary error's message: what was not done
  // because of it ("nothing was sent, checked or changed" when opening).
  PgConnection(const StoreOptions& options, const std::string& consequence);
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  ~PgConnection();

  // One statement with $1.. parameters. Throws PgFailure.
  PgResult exec(const std::string& sql,
                const std::vector<PgParam>& params = {});
  // Several ';'-separated statements without parameters, in one round trip;
  // returns the last one's result. Throws PgFailure for the first that
  // failed (the server skips the rest).
  PgResult exec_batch(const std::string& sql);
  // Ends an open transaction, if the connection still works. Never throws:
  // the error that led here is the one to report.
  void rollback_quietly() noexcept;

  // The location as messages show it (password masked).
  [[nodiscard]] const std::string& display() const
  {
    return m_display;
  }
  // The role this connection logged in as.
  [[nodiscard]] std::string user() const;

private:
  PgResult collect();
  [[noreturn]] void fail_lost(const std::string& what);

  PGconn* m_conn = nullptr;
  std::string m_database;
  std::string m_display;
  // The most this process waits for one answer: the server gives up after
  // statement_timeout, and the rest is for the network.
  std::int64_t m_answer_ms = 0;
};

} // namespace smsotp::store::detail
