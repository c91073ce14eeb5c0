#pragma once

// Internal to store/: a failed PostgreSQL statement and its mapping to
// smsotp::Error. No libpq here, so that the mapping is testable alone.

#include <array>
#include <stdexcept>
#include <string>
#include <string_view>

namespace smsotp::store::detail {

// A failed statement, as libpq reported it. Thrown by PgConnection and
// PgRows; PgStore maps it to smsotp::Error (pg_errors.cpp) around the
// whole transaction.
// Nothrow to copy (cert-err60-cpp): a throw copies the exception, and a
// copy that throws during unwinding terminates the process. So the message
// lives in std::runtime_error (shared, nothrow copy) and the SQLSTATE in a
// fixed buffer.
class PgFailure : public std::runtime_error
{
public:
  PgFailure(std::string_view sqlstate, const std::string& message, bool lost)
      : std::runtime_error(message), m_lost(lost)
  {
    sqlstate.copy(m_sqlstate.data(), m_sqlstate.size() - 1);
  }
  // Five characters, or "" when the server sent none (connection lost).
  [[nodiscard]] std::string sqlstate() const
  {
    return m_sqlstate.data();
  }
  // The connection is gone (closed, reset, or no answer in time): the
  // outcome of an open transaction's COMMIT is unknown.
  [[nodiscard]] bool lost() const
  {
    return m_lost;
  }

private:
  std::array<char, 6> m_sqlstate{};
  bool m_lost;
};

// Throws the smsotp::Error that describes `failure` (pg_errors.cpp).
// `doing` completes "... while <doing>" and says what was not done (the
// texts the SQLite backend uses). `committing`: the failure came from
// COMMIT, so a lost connection leaves the transaction's outcome unknown.
// `user`: the role, named when it lacks a privilege.
[[noreturn]] void throw_pg_error(const PgFailure& failure,
                                 const std::string& display,
                                 const std::string& doing,
                                 bool committing,
                                 const std::string& user);

} // namespace smsotp::store::detail
