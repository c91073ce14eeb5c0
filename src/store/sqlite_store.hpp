#pragma once

// Internal to store/: the SQLite implementation of Store.

#include "store/store.hpp"

#include <SQLiteCpp/Database.h>

namespace smsotp::store::detail {

class SqliteStore : public Store
{
public:
  SqliteStore(const std::string& path, int flags);
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;
  // A run that wrote nothing (refused a damaged file, only read) closes
  // with SQLite's checkpoint, so that it leaves no -wal or -shm behind.
  ~SqliteStore() override;

  Reservation reserve(const ReserveRequest& request, std::int64_t now) override;
  void finalize(const std::string& challenge_id,
                const core::SendResult& result,
                const std::vector<core::ProviderHealth>& health,
                std::int64_t now) override;
  std::map<std::string, std::int64_t>
  skipped_providers(std::int64_t now) override;
  core::VerifyOutcome verify(const VerifyRequest& request,
                             const core::Key* key,
                             std::int64_t now) override;
  PurgeCounts purge(const PurgeRequest& request, std::int64_t now) override;
  std::int64_t live_challenges(std::int64_t now) override;
  bool knows_recipient(const std::string& recipient) override;

private:
  std::string m_path;
  SQLite::Database m_db;
  // This run has changed the file: error messages must not say otherwise.
  bool m_written = false;
};

} // namespace smsotp::store::detail
