#pragma once

// Internal to store/: the row operations a backend performs inside one open
// write transaction. The backend only reads and writes rows; which rows, in
// which order and why is decided in store/lifecycle.cpp, once for both
// backends. Every method may throw the backend's own exception type; the
// backend maps it to smsotp::Error around the whole transaction.

#include "core/otp.hpp"
#include "core/types.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace smsotp::store::detail {

// A challenge's life: pending (stored, send in flight or outcome unknown)
// -> sent; or failed, consumed, superseded, exhausted, expired. The names
// are what the `state` column holds in both backends.
enum class State
{
  pending,
  sent,
  failed,
  consumed,
  superseded,
  exhausted,
  expired,
};

const char* state_name(State state);
// The State a column value names; nullopt for anything else.
std::optional<State> parse_state(const std::string& name);

struct ChallengeRow
{
  std::string id;
  State state = State::pending;
  std::optional<core::Tag> tag; // nullopt once it can no longer verify
  std::int64_t code_length = 0;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
  std::int64_t attempts = 0;
  std::int64_t max_attempts = 0;
  std::string key_id; // "" for rows written before key ids were stored
};

struct NewChallenge
{
  std::string id;
  std::string recipient;
  std::string recipient_masked;
  std::string purpose;
  core::Tag tag{};
  std::string key_id;
  std::int64_t code_length = 0;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
  std::int64_t max_attempts = 0;
};

// The challenges a sending limit counts: those of one recipient, those
// whose number starts with a prefix, or all. Only challenges whose state is
// not `failed` count (a send that surely failed cost nothing).
enum class Scope
{
  recipient,
  prefix,
  all,
};

// What purge removes. For challenges: everything, everything of one
// recipient, everything of the recipients starting with a prefix (in
// `recipient`), or finished ones (any state but pending/sent, or past expiry)
// whose end (finished_at, else expires_at) is at or before `before`. For
// recipient counters: everything, one recipient, none (prefix), or unlocked
// ones (no lock
// or a lock ended by `now`) last updated at or before `before`. For
// provider health: everything, or skips that ended by `now` (not with
// `recipient` or `prefix`: a number's purge leaves providers alone).
struct PurgeFilter
{
  enum class Mode
  {
    all,
    recipient,
    prefix,
    finished,
  };
  Mode mode = Mode::finished;
  std::string recipient; // the number, or the prefix

  std::int64_t now = 0;
  std::int64_t before = 0;
};

class Rows
{
public:
  virtual ~Rows() = default;

  // --- recipient counters -------------------------------------------------
  // locked_until of `recipient`, nullopt if it has no row or no lock.
  virtual std::optional<std::int64_t>
  locked_until(const std::string& recipient) = 0;
  // consecutive_failures = 0, locked_until = NULL, updated_at = now (if the
  // row exists).
  virtual void reset_recipient(const std::string& recipient,
                               std::int64_t now) = 0;
  // Adds one to consecutive_failures (creating the row at 1) and returns
  // the new count.
  virtual std::int64_t add_failure(const std::string& recipient,
                                   std::int64_t now) = 0;
  virtual void set_locked_until(const std::string& recipient,
                                std::int64_t until) = 0;

  // --- challenges ----------------------------------------------------------
  // Pending and sent rows with expires_at <= now become expired (tag NULL,
  // finished_at = expires_at); superseded rows past expiry lose their tag.
  virtual void expire_stale(std::int64_t now) = 0;
  // The newest challenge of recipient + purpose (only `id` if given),
  // pending and sent rows first, then newest created_at, then newest
  // insertion.
  virtual std::optional<ChallengeRow>
  find_challenge(const std::string& recipient,
                 const std::string& purpose,
                 const std::optional<std::string>& id) = 0;
  virtual void add_attempt(const std::string& id) = 0;
  // state = `state`, tag = NULL, finished_at = now.
  virtual void finish(const std::string& id, State state, std::int64_t now) = 0;
  // Pending and sent rows of recipient + purpose become superseded (by
  // `by`, finished_at = now; their tags stay); returns how many.
  virtual std::int64_t supersede_live(const std::string& recipient,
                                      const std::string& purpose,
                                      const std::string& by,
                                      std::int64_t now) = 0;
  virtual void insert(const NewChallenge& challenge) = 0;
  // A pending row becomes sent, with the provider and its message id.
  virtual void mark_sent(const std::string& id,
                         const std::string& provider,
                         const std::string& message_id) = 0;
  // Records which provider was tried, state unchanged.
  virtual void note_provider(const std::string& id,
                             const std::string& provider) = 0;
  // The id that superseded `id`, if `id` is superseded (its own send may
  // still be finishing while a newer one replaced it).
  virtual std::optional<std::string> replaced_by(const std::string& id) = 0;
  // A pending or superseded row becomes failed (tag NULL, finished_at =
  // now): a send that surely failed, whether or not a newer one followed.
  virtual void mark_failed(const std::string& id,
                           const std::string& provider,
                           std::int64_t now) = 0;
  // Rows superseded by `by` lose their tags.
  virtual void drop_superseded_tags(const std::string& by) = 0;
  // Rows superseded by `by` that still have a tag are live again: sent if
  // they have a provider message id, else pending; superseded_by and
  // finished_at cleared, expiry unchanged.
  virtual void revive_superseded(const std::string& by) = 0;
  // Rows superseded by `from` that still have a tag are superseded by `to`
  // instead, so that `to`'s outcome settles them.
  virtual void hand_over_superseded(const std::string& from,
                                    const std::string& to) = 0;
  // Pending and sent rows with expires_at > now.
  virtual std::int64_t count_live(std::int64_t now) = 0;
  // True if a challenge or a recipient row of any state names `recipient`.
  virtual bool knows_recipient(const std::string& recipient) = 0;

  // --- sending limits (see Scope) ----------------------------------------
  // Counted challenges of the scope with created_at > since.
  virtual std::int64_t
  count_since(Scope scope, const std::string& key, std::int64_t since) = 0;
  // created_at of the counted challenge at `offset` (0 = oldest) among
  // those count_since() counts.
  virtual std::int64_t created_at_since(Scope scope,
                                        const std::string& key,
                                        std::int64_t since,
                                        std::int64_t offset) = 0;
  // The newest created_at of the recipient's counted challenges.
  virtual std::optional<std::int64_t>
  last_created(const std::string& recipient) = 0;

  // --- provider health ---------------------------------------------------
  virtual void clear_health(const std::string& provider) = 0;
  virtual void set_health(const std::string& provider,
                          std::int64_t skip_until,
                          const std::string& reason,
                          std::int64_t now) = 0;
  // Providers whose skip_until > now: name -> skip_until.
  virtual std::map<std::string, std::int64_t> skipped(std::int64_t now) = 0;

  // --- purge (see PurgeFilter) -------------------------------------------
  // Deletes, or with `dry_run` only counts, the matching rows.
  virtual std::int64_t purge_challenges(const PurgeFilter& filter,
                                        bool dry_run) = 0;
  virtual std::int64_t purge_recipients(const PurgeFilter& filter,
                                        bool dry_run) = 0;
  virtual void purge_health(const PurgeFilter& filter) = 0;
};

} // namespace smsotp::store::detail
