// A libpq connection: connecting (with the TLS rule checked before any
// credential is sent) and running statements with a client-side deadline,
// so that a dead server or a stuck network cannot hang a command.

#include "store/pg_connection.hpp"

#include "core/database_location.hpp"
#include "core/error.hpp"
#include "store/pg_policy.hpp"

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <poll.h>

namespace smsotp::store::detail {

namespace {

using Clock = std::chrono::steady_clock;

bool contains(const std::string& text, const char* part)
{
  return text.find(part) != std::string::npos;
}

// Classifies a failed connection attempt. libpq reports no SQLSTATE for
// those, so the (English) text decides; anything not recognised is taken
// as "server unreachable", which is temporary.
[[noreturn]] void throw_connect_failure(PGconn* conn,
                                        const std::string& database,
                                        const std::string& display,
                                        const std::string& consequence)
{
  const std::string text = one_line(PQerrorMessage(conn), database);
  const bool needs_password = PQconnectionNeedsPassword(conn) != 0;
  const std::string where = "PostgreSQL store " + display + ": ";
  if (needs_password || contains(text, "password authentication failed")
      || contains(text, "authentication failed")
      || contains(text, "pg_hba.conf")
      || (contains(text, "role \"") && contains(text, "does not exist"))) {
    throw Error(core::ExitCode::permission,
                where + "the server refused the login (" + text
                    + "); check the role, its password (~/.pgpass, passfile= "
                      "or the service file) and pg_hba.conf");
  }
  if (contains(text, "database \"") && contains(text, "does not exist")) {
    throw Error(core::ExitCode::config,
                where + text
                    + "; create it (createdb) or fix dbname in store.database");
  }
  if (contains(text, "does not support SSL")) {
    throw Error(core::ExitCode::config,
                where + text
                    + "; enable ssl on the server or connect over a Unix "
                      "socket or loopback");
  }
  if (contains(text, "certificate") && !contains(text, "does not exist")
      && !contains(text, "could not")) {
    throw Error(core::ExitCode::refused,
                where + "the server's certificate does not verify (" + text
                    + "); check sslrootcert and the host name");
  }
  if (contains(text, "root certificate file")
      || contains(text, "definition of service")
      || contains(text, "service file") || contains(text, "invalid ")
      || contains(text, "could not open certificate")
      || contains(text, "could not load")) {
    throw Error(core::ExitCode::config,
                where + text + "; fix store.database or the service file");
  }
  throw Error(core::ExitCode::temporary,
              where + "cannot connect (" + text + "); " + consequence
                  + ", retry later",
              5);
}

std::string option_value(PGconn* conn, const char* name)
{
  std::unique_ptr<PQconninfoOption, void (*)(PQconninfoOption*)> options(
      PQconninfo(conn), PQconninfoFree);
  for (auto* option = options.get();
       option != nullptr && option->keyword != nullptr;
       ++option) {
    if (std::string(option->keyword) == name) {
      return option->val != nullptr ? option->val : "";
    }
  }
  return "";
}

// Waits until `fd` is ready for `events` or `deadline` passes.
bool wait_for(int fd, short events, Clock::time_point deadline)
{
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - Clock::now());
    if (left.count() <= 0) {
      return false;
    }
    pollfd entry{fd, events, 0};
    const int ready = ::poll(&entry, 1, static_cast<int>(left.count()));
    if (ready > 0) {
      return true;
    }
    if (ready < 0 && errno != EINTR) {
      return true; // let libpq find and report the socket's error
    }
  }
}

} // namespace

PgResult& PgResult::operator=(PgResult&& other) noexcept
{
  if (this != &other) {
    PQclear(m_result);
    m_result = other.m_result;
    other.m_result = nullptr;
  }
  return *this;
}

PgResult::~PgResult()
{
  PQclear(m_result);
}

int PgResult::rows() const
{
  return m_result != nullptr ? PQntuples(m_result) : 0;
}

std::optional<std::string> PgResult::text(int row, int column) const
{
  if (row >= rows() || column >= PQnfields(m_result)
      || PQgetisnull(m_result, row, column) != 0) {
    return std::nullopt;
  }
  return std::string(
      PQgetvalue(m_result, row, column),
      static_cast<std::size_t>(PQgetlength(m_result, row, column)));
}

std::int64_t PgResult::number(int row, int column) const
{
  const auto value = text(row, column);
  return value ? std::strtoll(value->c_str(), nullptr, 10) : 0;
}

std::int64_t PgResult::affected() const
{
  const char* count = m_result != nullptr ? PQcmdTuples(m_result) : "";
  return *count != '\0' ? std::strtoll(count, nullptr, 10) : 0;
}

PgConnection::PgConnection(const StoreOptions& options,
                           const std::string& consequence)
    : m_database(options.database),
      m_display(core::masked_location(options.database)),
      m_answer_ms((options.statement_timeout + options.connect_timeout) * 1000)
{
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(m_database.c_str(), &parse_error);
  if (parsed == nullptr) {
    std::string text = parse_error != nullptr
                           ? one_line(parse_error, m_database)
                           : "out of memory";
    PQfreemem(parse_error);
    const bool secret = core::has_password(m_database);
    if (secret) {
      text = without_quoted(text);
    }
    throw Error(
        core::ExitCode::config,
        "store.database " + (secret ? cut_after_password(m_display) : m_display)
            + " is not a valid PostgreSQL connection string (" + text + ")"
            + (secret ? "; percent-encode a password's special characters in a "
                        "URI, or single-quote it in a key=value string"
                      : ""));
  }
  PQconninfoFree(parsed);

  // The whole string is expanded as dbname, so a URI and key=value work
  // alike; fallback_application_name yields to one the string sets.
  const std::array<const char*, 3> keys{
      "dbname", "fallback_application_name", nullptr};
  const std::array<const char*, 3> values{
      m_database.c_str(), "smsotp", nullptr};
  m_conn = PQconnectStartParams(keys.data(), values.data(), 1);
  if (m_conn == nullptr) {
    throw Error(
        core::ExitCode::temporary, "out of memory connecting to PostgreSQL", 5);
  }
  // Up to here libpq has at most resolved names and begun a TCP connect:
  // the TLS rule is checked on the options it will really use (service
  // file and PG* variables applied) before the startup and password
  // exchange, and before a failed start is reported (a weak sslmode is
  // the error to fix first).
  try {
    check_tls({option_value(m_conn, "host"),
               option_value(m_conn, "hostaddr"),
               option_value(m_conn, "sslmode")},
              m_display);
  } catch (...) {
    PQfinish(m_conn);
    m_conn = nullptr;
    throw;
  }
  if (PQstatus(m_conn) == CONNECTION_BAD) {
    const std::unique_ptr<PGconn, void (*)(PGconn*)> guard(m_conn, PQfinish);
    m_conn = nullptr;
    throw_connect_failure(guard.get(), m_database, m_display, consequence);
  }
  std::int64_t timeout = options.connect_timeout;
  if (const auto set = option_value(m_conn, "connect_timeout"); !set.empty()) {
    const auto value = std::strtoll(set.c_str(), nullptr, 10);
    if (value > 0) {
      timeout = value < 2 ? 2 : value; // libpq's own minimum
    }
  }
  const auto deadline = Clock::now() + std::chrono::seconds(timeout);
  auto status = PGRES_POLLING_WRITING;
  while (status != PGRES_POLLING_OK) {
    if (status == PGRES_POLLING_FAILED) {
      const std::unique_ptr<PGconn, void (*)(PGconn*)> guard(m_conn, PQfinish);
      m_conn = nullptr;
      throw_connect_failure(guard.get(), m_database, m_display, consequence);
    }
    if (!wait_for(PQsocket(m_conn),
                  status == PGRES_POLLING_READING ? POLLIN : POLLOUT,
                  deadline)) {
      PQfinish(m_conn);
      m_conn = nullptr;
      throw Error(core::ExitCode::temporary,
                  "PostgreSQL store " + m_display + ": no connection within "
                      + std::to_string(timeout) + " s (store.connect_timeout); "
                      + consequence + ", retry later",
                  5);
    }
    status = PQconnectPoll(m_conn);
  }
  PQsetnonblocking(m_conn, 1);
}

PgConnection::~PgConnection()
{
  PQfinish(m_conn);
}

std::string PgConnection::user() const
{
  const char* name = m_conn != nullptr ? PQuser(m_conn) : nullptr;
  return name != nullptr ? name : "";
}

void PgConnection::fail_lost(const std::string& what)
{
  const std::string text = m_conn != nullptr
                               ? one_line(PQerrorMessage(m_conn), m_database)
                               : std::string();
  // The connection cannot be trusted to be in any known state: close it,
  // so that nothing later runs on it.
  PQfinish(m_conn);
  m_conn = nullptr;
  throw PgFailure("", what + (text.empty() ? "" : " (" + text + ")"), true);
}

PgResult PgConnection::collect()
{
  const auto deadline = Clock::now() + std::chrono::milliseconds(m_answer_ms);
  while (true) {
    const int flushed = PQflush(m_conn);
    if (flushed == 0) {
      break;
    }
    if (flushed < 0 || !wait_for(PQsocket(m_conn), POLLOUT, deadline)) {
      fail_lost("the connection to the server was lost");
    }
  }
  PgResult last(nullptr);
  std::optional<PgFailure> failure;
  while (true) {
    while (PQisBusy(m_conn) != 0) {
      if (!wait_for(PQsocket(m_conn), POLLIN, deadline)) {
        fail_lost("no answer from the server within "
                  + std::to_string(m_answer_ms / 1000) + " s");
      }
      if (PQconsumeInput(m_conn) == 0) {
        fail_lost("the connection to the server was lost");
      }
    }
    PGresult* raw = PQgetResult(m_conn);
    if (raw == nullptr) {
      break;
    }
    PgResult result(raw);
    const auto status = PQresultStatus(raw);
    if (status == PGRES_FATAL_ERROR && !failure) {
      const char* state = PQresultErrorField(raw, PG_DIAG_SQLSTATE);
      const char* primary = PQresultErrorField(raw, PG_DIAG_MESSAGE_PRIMARY);
      const bool lost = PQstatus(m_conn) == CONNECTION_BAD;
      failure.emplace(
          state != nullptr ? state : "",
          one_line(primary != nullptr ? primary : PQresultErrorMessage(raw),
                   m_database),
          lost || state == nullptr);
    }
    last = std::move(result); // a batch answers with its last statement

    if (PQstatus(m_conn) == CONNECTION_BAD) {
      break;
    }
  }
  if (failure) {
    if (failure->lost()) {
      PQfinish(m_conn);
      m_conn = nullptr;
    }
    throw PgFailure(*failure); // the batch's first failure
  }
  if (PQstatus(m_conn) == CONNECTION_BAD) {
    fail_lost("the connection to the server was lost");
  }
  return last;
}

PgResult PgConnection::exec(const std::string& sql,
                            const std::vector<PgParam>& params)
{
  if (m_conn == nullptr) {
    throw PgFailure("", "the connection to the server was lost earlier", true);
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& param : params) {
    values.push_back(param ? param->c_str() : nullptr);
  }
  if (PQsendQueryParams(m_conn,
                        sql.c_str(),
                        static_cast<int>(values.size()),
                        nullptr,
                        values.data(),
                        nullptr,
                        nullptr,
                        0)
      == 0) {
    fail_lost("cannot send the statement");
  }
  return collect();
}

PgResult PgConnection::exec_batch(const std::string& sql)
{
  if (m_conn == nullptr) {
    throw PgFailure("", "the connection to the server was lost earlier", true);
  }
  if (PQsendQuery(m_conn, sql.c_str()) == 0) {
    fail_lost("cannot send the statements");
  }
  return collect();
}

void PgConnection::rollback_quietly() noexcept
{
  if (m_conn == nullptr || PQstatus(m_conn) != CONNECTION_OK
      || PQtransactionStatus(m_conn) == PQTRANS_IDLE) {
    return;
  }
  try {
    exec_batch("ROLLBACK");
  } catch (...) { // NOLINT(bugprone-empty-catch): the first error wins
  }
}

} // namespace smsotp::store::detail
