#pragma once

// The Store interface: everything smsotp keeps between runs. Implementations
// must make each operation one atomic transaction and never hold a
// transaction across network I/O. Two backends fit behind it: SQLite (a
// file, the embedded default) and PostgreSQL (several hosts, one state).
// Both only read and write rows; the rules of the challenge lifecycle live
// once, in store/lifecycle.cpp.

#include "core/otp.hpp"
#include "core/types.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace smsotp::store {

// Sending limits, checked and counted in the same transaction that issues
// a challenge, before any HTTP call (DESIGN §4). A challenge counts unless
// its send surely failed; 0 disables a limit.
struct SendLimits
{
  std::int64_t per_recipient = 3;          // sends per window
  std::int64_t per_recipient_window = 600; // seconds
  std::int64_t min_interval = 30;          // seconds between sends
  std::int64_t per_recipient_daily = 10;   // sends per 24 h
  std::int64_t per_prefix_hourly = 10;     // number minus last 4 digits
  std::int64_t global_hourly = 100;
  std::int64_t global_daily = 1000;
};

struct ReserveRequest
{
  std::string challenge_id;
  std::string key_id;           // core::key_id() of the key that made `tag`
  std::string recipient;        // E.164
  std::string recipient_masked; // display form
  std::string purpose;
  core::Tag tag{};
  std::int64_t code_length = 6;
  std::int64_t ttl = 300;
  std::int64_t max_attempts = 5;
  SendLimits limits;
};

struct Reservation
{
  std::string challenge_id;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
  std::int64_t superseded = 0; // older live challenges this one replaced
};

struct VerifyRequest
{
  std::string recipient;
  std::string purpose;
  std::optional<std::string> challenge_id;
  std::string code; // normalised digits
  std::int64_t lockout_after = 20;
  std::int64_t lockout_duration = 3600;
};

struct PurgeRequest
{
  std::optional<std::string> recipient; // --to: everything about one number
  // --prefix: the challenges of every number that starts with it ('+' and
  // digits), live ones too, which lifts the sending limits of that block;
  // failure counters (lockouts) stay.
  std::optional<std::string> prefix;
  bool all = false;                 // --all: everything
  std::int64_t older_than = 0;      // keep finished rows younger than this
  std::int64_t counter_idle = 3600; // failure counters idle this long go
  bool dry_run = false;
};

struct PurgeCounts
{
  std::int64_t challenges = 0;
  std::int64_t recipients = 0;
};

class Store
{
public:
  virtual ~Store() = default;

  // Stores a new pending challenge and supersedes older live ones of the
  // same recipient and purpose. Throws Error(temporary) with retry_after if
  // the recipient is locked out or a sending limit is reached.
  virtual Reservation reserve(const ReserveRequest& request,
                              std::int64_t now) = 0;

  // Records the provider's answer: sent (with message id), failed (the code
  // is dropped) or unknown (the code stays valid until it expires).
  // `health` updates are stored in the same transaction.
  virtual void finalize(const std::string& challenge_id,
                        const core::SendResult& result,
                        const std::vector<core::ProviderHealth>& health,
                        std::int64_t now) = 0;

  // finalize() without provider health to record.
  void finalize(const std::string& challenge_id,
                const core::SendResult& result,
                std::int64_t now)
  {
    finalize(challenge_id, result, {}, now);
  }

  // Providers to skip at `now`: name -> seconds left.
  virtual std::map<std::string, std::int64_t>
  skipped_providers(std::int64_t now) = 0;

  // Counts the attempt, compares tags in constant time and consumes the
  // challenge on a match, all in one committed transaction. `key` may be
  // null when no key file exists; then only the no-challenge path can run,
  // and a live challenge is an Error(config).
  virtual core::VerifyOutcome verify(const VerifyRequest& request,
                                     const core::Key* key,
                                     std::int64_t now) = 0;

  virtual PurgeCounts purge(const PurgeRequest& request, std::int64_t now) = 0;

  // Challenges that could still be verified at `now`.
  virtual std::int64_t live_challenges(std::int64_t now) = 0;

  // True if the store holds any row for `recipient`: then it is a number
  // that phone::normalize() produced, so verify can use it as typed
  // without loading libphonenumber (issue 9 item 2). Reads only.
  virtual bool knows_recipient(const std::string& recipient) = 0;
};

enum class OpenMode
{
  create,        // create the file (0600) and its directory (0700), or the
                 // PostgreSQL schema, if needed
  existing_only, // return nullptr if the file (or schema) does not exist
};

// Where the state lives and how long a command may wait for it (store.*).
struct StoreOptions
{
  // A path (SQLite) or a PostgreSQL URI / libpq key=value string.
  std::string database;
  // PostgreSQL only: the schema that holds smsotp's tables.
  std::string schema = "smsotp";
  // PostgreSQL only, in seconds: the most a command waits for a connection,
  // for one statement, and for a lock another host holds.
  std::int64_t connect_timeout = 5;
  std::int64_t statement_timeout = 10;
  std::int64_t lock_timeout = 5;
  // PostgreSQL only: take "now" from the server, so that expiry and limit
  // windows do not depend on which host checks them. False only under the
  // test clock (smsotp-testclock), whose `now` then counts.
  bool server_time = true;
};

// Opens (and creates or migrates) the store `options.database` names.
// Throws Error(database) for foreign, damaged or newer state, which is never
// modified or deleted; Error(config) for an unsafe or malformed PostgreSQL
// connection string; Error(temporary) when the server cannot be reached.
std::unique_ptr<Store> open_store(const StoreOptions& options, OpenMode mode);

// The SQLite backend alone (open_store() picks it for a path).
std::unique_ptr<Store> open_sqlite_store(const std::string& path,
                                         OpenMode mode);

// For `smsotp --version`: the backends open_store() knows ("sqlite",
// "postgresql"), and the version of the SQLite library in use (linked into
// the executable, so asking loads nothing).
std::vector<std::string> backend_names();
std::string sqlite_library_version();

} // namespace smsotp::store
