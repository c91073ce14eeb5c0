// How SQLite failures become smsotp errors (DESIGN §2), and the one
// transaction guard every write uses: a failed statement's rollback never
// hides the error that caused it (a full disk stays 74, not 70).

#include "core/error.hpp"
#include "store/sqlite_common.hpp"

#include <sqlite3.h>

namespace smsotp::store::detail {

void rollback_quietly(SQLite::Database& db) noexcept
{
  if (sqlite3_get_autocommit(db.getHandle()) != 0) {
    return; // SQLite already rolled back
  }
  try {
    db.exec("ROLLBACK");
  } catch (...) { // NOLINT(bugprone-empty-catch): the first error wins
  }
}

void throw_store_error(const SQLite::Exception& error,
                       const std::string& path,
                       const std::string& doing,
                       bool written)
{
  const int code = error.getErrorCode() & 0xff;
  const std::string what = std::string(error.what());
  // Only a run that has not written the file may say so.
  const std::string untouched = written ? "; this run had already written to it"
                                        : "; it was left untouched";
  switch (code) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw Error(core::ExitCode::temporary,
                  "state database " + path
                      + " is busy (another smsotp holds it) while " + doing
                      + "; nothing was changed",
                  1);
    case SQLITE_NOTADB:
      throw Error(core::ExitCode::database,
                  path + " is not an SQLite database" + untouched
                      + " (point store.database or --db at another file)");
    case SQLITE_CORRUPT:
      throw Error(core::ExitCode::database,
                  "state database " + path + " is damaged (" + what + ") while "
                      + doing + untouched + ": check it with sqlite3 '" + path
                      + "' 'PRAGMA integrity_check' and restore it from a "
                        "backup, or move it away");
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      throw Error(core::ExitCode::cant_create,
                  "cannot write state database " + path + " while " + doing
                      + ": " + what);
    case SQLITE_FULL:
      throw Error(core::ExitCode::io,
                  "disk full: cannot write state database " + path + " while "
                      + doing + ": " + what + " (free some space, then retry)");
    case SQLITE_IOERR:
      throw Error(core::ExitCode::io,
                  "I/O error on state database " + path + " while " + doing
                      + ": " + what + " (is the disk full?)");
    default:
      throw Error(core::ExitCode::internal,
                  "state database " + path + " while " + doing + ": " + what);
  }
}

ImmediateTransaction::ImmediateTransaction(SQLite::Database& db) : m_db(db)
{
  m_db.exec("BEGIN IMMEDIATE");
}

ImmediateTransaction::~ImmediateTransaction()
{
  if (m_open) {
    rollback_quietly(m_db);
  }
}

void ImmediateTransaction::commit()
{
  m_db.exec("COMMIT");
  m_open = false;
}

} // namespace smsotp::store::detail
