#include "store/sqlite_store.hpp"

#include "core/error.hpp"
#include "store/lifecycle.hpp"
#include "store/sqlite_common.hpp"
#include "util/errno_text.hpp"
#include "util/fs.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace smsotp::store {

namespace detail {

SqliteStore::SqliteStore(const std::string& path, int flags)
    : m_path(path), m_db(path, flags)
{
  try {
    prepare_connection(m_db, m_path, m_written);
  } catch (const SQLite::Exception& error) {
    throw_store_error(error, m_path, "opening it", m_written);
  }
}

SqliteStore::~SqliteStore()
{
  if (!m_written) {
    checkpoint_on_close(m_db);
  }
}

Reservation SqliteStore::reserve(const ReserveRequest& request,
                                 std::int64_t now)
{
  try {
    ImmediateTransaction transaction(m_db);
    SqliteRows rows(m_db);
    auto reservation = detail::reserve(rows, request, now);
    transaction.commit();
    m_written = true;
    return reservation;
  } catch (const SQLite::Exception& error) {
    throw_store_error(error,
                      m_path,
                      "recording the new challenge; nothing was sent",
                      m_written);
  }
}

void SqliteStore::finalize(const std::string& challenge_id,
                           const core::SendResult& result,
                           const std::vector<core::ProviderHealth>& health,
                           std::int64_t now)
{
  try {
    ImmediateTransaction transaction(m_db);
    SqliteRows rows(m_db);
    detail::finalize(rows, challenge_id, result, health, now);
    transaction.commit();
    m_written = true;
  } catch (const SQLite::Exception& error) {
    throw_store_error(error,
                      m_path,
                      result.status == core::SendStatus::sent
                          ? "recording delivery; the code was sent and stays "
                            "valid until it expires"
                          : "recording the provider's answer",
                      m_written);
  }
}

core::VerifyOutcome SqliteStore::verify(const VerifyRequest& request,
                                        const core::Key* key,
                                        std::int64_t now)
{
  const core::Tag dummy = dummy_tag(request, key);
  try {
    ImmediateTransaction transaction(m_db);
    SqliteRows rows(m_db);
    auto outcome = detail::verify(rows, request, key, dummy, now);
    transaction.commit();
    m_written = true;
    return outcome;
  } catch (const SQLite::Exception& error) {
    throw_store_error(
        error, m_path, "checking the code; no attempt was counted", m_written);
  }
}

PurgeCounts SqliteStore::purge(const PurgeRequest& request, std::int64_t now)
{
  try {
    ImmediateTransaction transaction(m_db);
    SqliteRows rows(m_db);
    const auto counts = detail::purge(rows, request, now);
    transaction.commit();
    m_written = m_written || !request.dry_run;
    if (!request.dry_run && counts.challenges > 0) {
      // Return the freed pages' space promptly; cheap for a small file.
      m_db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    return counts;
  } catch (const SQLite::Exception& error) {
    throw_store_error(error, m_path, "purging", m_written);
  }
}

std::map<std::string, std::int64_t>
SqliteStore::skipped_providers(std::int64_t now)
{
  try {
    SqliteRows rows(m_db);
    return detail::skipped_providers(rows, now);
  } catch (const SQLite::Exception& error) {
    throw_store_error(error, m_path, "reading provider health", m_written);
  }
}

std::int64_t SqliteStore::live_challenges(std::int64_t now)
{
  try {
    SqliteRows rows(m_db);
    return rows.count_live(now);
  } catch (const SQLite::Exception& error) {
    throw_store_error(error, m_path, "counting live challenges", m_written);
  }
}

bool SqliteStore::knows_recipient(const std::string& recipient)
{
  try {
    SqliteRows rows(m_db);
    return rows.knows_recipient(recipient);
  } catch (const SQLite::Exception& error) {
    throw_store_error(error, m_path, "looking up a recipient", m_written);
  }
}

} // namespace detail

std::unique_ptr<Store> open_sqlite_store(const std::string& path, OpenMode mode)
{
  if (mode == OpenMode::existing_only && !util::path_exists(path)) {
    return nullptr;
  }
  if (mode == OpenMode::create && !util::path_exists(path)) {
    try {
      util::make_directories(util::parent_directory(path), 0700);
    } catch (const util::FsError& error) {
      throw Error(core::ExitCode::cant_create,
                  "cannot create the state database directory: "
                      + std::string(error.what()));
    }
  }
  detail::check_state_files(path);
  if (mode == OpenMode::create && !util::path_exists(path)) {
    // Created here with 0600 whatever the umask; SQLite gives -wal and -shm
    // the database file's mode.
    const int fd =
        ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) {
      throw Error(core::ExitCode::cant_create,
                  "cannot create state database " + path + ": "
                      + util::errno_text(errno));
    }
    if (fd >= 0) {
      ::close(fd);
    }
  }
  try {
    return std::make_unique<detail::SqliteStore>(path, SQLite::OPEN_READWRITE);
  } catch (const SQLite::Exception& error) {
    detail::throw_store_error(error, path, "opening it", false);
  }
}

} // namespace smsotp::store
