#pragma once

// Internal to store/: the SQLite implementation of Store.

#include "store/store.hpp"

#include <SQLiteCpp/Database.h>

namespace smsotp::store::detail {

class SqliteStore : public Store
{
public:
  SqliteStore(const std::string& path, int flags);

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

private:
  // Seconds until the recipient's lock ends, 0 if not locked. A lock that
  // has run out is lifted here (the failure counter starts again at 0).
  std::int64_t active_lock(const std::string& recipient, std::int64_t now);
  // After a send: drops the tags of the challenges this one superseded, or
  // revives them if the new code surely was not sent.
  void settle_superseded(const std::string& challenge_id,
                         core::SendStatus status);
  // Marks live challenges past their expiry as expired and drops their tags.
  void expire_stale(std::int64_t now);
  core::VerifyOutcome verify_locked(const VerifyRequest& request,
                                    const core::Key* key,
                                    const core::Tag& dummy,
                                    std::int64_t now);
  // Counts one failure for the recipient; returns true if it now is locked.
  bool count_failure(const VerifyRequest& request, std::int64_t now);
  PurgeCounts purge_locked(const PurgeRequest& request, std::int64_t now);

  std::string m_path;
  SQLite::Database m_db;
  // This run has changed the file: error messages must not say otherwise.
  bool m_written = false;
};

} // namespace smsotp::store::detail
