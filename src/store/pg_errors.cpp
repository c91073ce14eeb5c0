// How PostgreSQL failures become smsotp errors (DESIGN §2). The table, by
// SQLSTATE (class = first two characters):
//
//   connection lost / no answer (no SQLSTATE), class 08 .......... 75
//     (during COMMIT: the transaction's outcome is unknown, said so)
//   53300 too_many_connections, 53200 out_of_memory .............. 75
//   57P01 admin_shutdown, 57P02 crash_shutdown,
//   57P03 cannot_connect_now (starting up, failover) ............. 75
//   25006 read_only_sql_transaction (a standby) .................. 75
//   55P03 lock_not_available (lock_timeout) ...................... 75
//   57014 query_canceled (statement_timeout) ..................... 75
//   40001 serialization_failure, 40P01 deadlock_detected ......... 75
//   28000, 28P01 (login rejected) ................................ 77
//   42501 insufficient_privilege ................................. 77
//   3D000 invalid_catalog_name (no such database) ................ 78
//   53100 disk_full, class 58 (system / I/O error) ............... 74
//   class 42 (tables or columns missing or not ours), 22, 23, XX
//     (data that violates our schema, corruption) ................ 65
//   anything else ................................................ 74
//
// 75 always carries a retry_after: a few seconds for a server that is
// going away or coming back, one second for lock contention.
// Connection failures (before any statement) are classified in
// pg_connection.cpp.

#include "core/error.hpp"
#include "store/pg_failure.hpp"

namespace smsotp::store::detail {

namespace {

bool starts(const std::string& state, const char* prefix)
{
  return state.rfind(prefix, 0) == 0;
}

} // namespace

void throw_pg_error(const PgFailure& failure,
                    const std::string& display,
                    const std::string& doing,
                    bool committing,
                    const std::string& user)
{
  const std::string& state = failure.sqlstate();
  const std::string where = "PostgreSQL store " + display + ": ";
  const std::string detail = failure.what();
  const std::string code = state.empty() ? "" : " [" + state + "]";
  // `doing` is "activity; consequence" (e.g. "checking the code; no
  // attempt was counted"): the consequence goes last, and only where it
  // holds (not when a COMMIT's outcome is unknown).
  const std::size_t split = doing.find("; ");
  const std::string activity = doing.substr(0, split);
  const std::string consequence = split == std::string::npos
                                      ? "nothing was changed"
                                      : doing.substr(split + 2);
  // What the provider was or was not asked does not depend on whether
  // the COMMIT was saved: such a consequence ("nothing was sent") holds
  // even when the outcome of the transaction is unknown.
  const bool about_sending = consequence.find(" sent") != std::string::npos;
  if (failure.lost() || starts(state, "08")) {
    if (committing) {
      throw Error(core::ExitCode::temporary,
                  where + "the connection was lost during COMMIT while "
                      + activity + " (" + detail
                      + "); whether that transaction was saved is unknown"
                      + (about_sending ? "; " + consequence : ""),
                  5);
    }
    throw Error(core::ExitCode::temporary,
                where + "the connection was lost while " + activity + " ("
                    + detail + "); " + consequence + ", retry later",
                5);
  }
  const auto temporary = [&](const std::string& what, std::int64_t retry) {
    throw Error(core::ExitCode::temporary,
                where + what + " while " + activity + " (" + detail + code
                    + "); " + consequence + ", retry later",
                retry);
  };
  if (state == "53300") {
    temporary("the server has too many connections", 5);
  }
  if (state == "53200") {
    temporary("the server is out of memory", 5);
  }
  if (state == "57P01" || state == "57P02" || state == "57P03") {
    temporary("the server is shutting down, starting up or failing over", 5);
  }
  if (state == "25006") {
    temporary("the server is a read-only standby (failover in progress, or "
              "store.database names a replica)",
              5);
  }
  if (state == "55P03") {
    temporary("another smsotp held the store's lock longer than "
              "store.lock_timeout",
              1);
  }
  if (state == "57014") {
    temporary("a statement ran longer than store.statement_timeout", 1);
  }
  if (state == "40001" || state == "40P01") {
    temporary("a conflicting transaction on another host won", 1);
  }
  if (state == "28000" || state == "28P01") {
    throw Error(core::ExitCode::permission,
                where + "the server refused the login (" + detail + code
                    + ") while " + doing);
  }
  if (state == "42501") {
    throw Error(core::ExitCode::permission,
                where + "role '" + user + "' lacks a privilege (" + detail
                    + ") while " + doing
                    + "; grant it what the man page's least-privilege setup "
                      "lists");
  }
  if (state == "3D000") {
    throw Error(core::ExitCode::config,
                where + detail + "; create the database or fix store.database");
  }
  if (state == "53100" || starts(state, "58")) {
    throw Error(core::ExitCode::io,
                where + "the server cannot write (" + detail + code + ") while "
                    + doing);
  }
  if (starts(state, "42") || starts(state, "22") || starts(state, "23")
      || starts(state, "XX")) {
    throw Error(core::ExitCode::database,
                where + "the smsotp tables are not what this smsotp expects ("
                    + detail + code + ") while " + doing
                    + ": they were edited or damaged; restore them from a "
                      "backup, or drop the schema and smsotp starts anew");
  }
  throw Error(core::ExitCode::io, where + detail + code + " while " + doing);
}

} // namespace smsotp::store::detail
