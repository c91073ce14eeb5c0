#pragma once

// Internal to store/: a failed PostgreSQL statement and its mapping to
// smsotp::Error. No libpq here, so that the mapping is testable alone.

#include <exception>
#include <string>
#include <utility>

namespace smsotp::store::detail {

// A failed statement, as libpq reported it. Thrown by PgConnection and
// PgRows; PgStore maps it to smsotp::Error (pg_errors.cpp) around the
// whole transaction.
class PgFailure : public std::exception
{
public:
  PgFailure(std::string sqlstate, std::string message, bool lost)
      : m_sqlstate(std::move(sqlstate)), m_message(std::move(message)),
        m_lost(lost)
  {}
  [[nodiscard]] const char* what() const noexcept override
  {
    return m_message.c_str();
  }
  // Five characters, or "" when the server sent none (connection lost).
  [[nodiscard]] const std::string& sqlstate() const
  {
    return m_sqlstate;
  }
  // The connection is gone (closed, reset, or no answer in time): the
  // outcome of an open transaction's COMMIT is unknown.
  [[nodiscard]] bool lost() const
  {
    return m_lost;
  }

private:
  std::string m_sqlstate;
  std::string m_message;
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
