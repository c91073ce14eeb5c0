// The challenge lifecycle (DESIGN §4): every decision both backends share.
// A backend opens its write transaction, hands its Rows here, and commits
// what these functions did. The sending limits are in limits.cpp.

#include "store/lifecycle.hpp"

#include "core/error.hpp"

namespace smsotp::store::detail {

namespace {

// Seconds until the recipient's lock ends, 0 if not locked. A lock that
// has run out is lifted here (the failure counter starts again at 0).
std::int64_t
active_lock(Rows& rows, const std::string& recipient, std::int64_t now)
{
  const auto until = rows.locked_until(recipient);
  if (!until) {
    return 0;
  }
  if (*until > now) {
    return *until - now;
  }
  rows.reset_recipient(recipient, now);
  return 0;
}

core::VerifyReason reason_for_dead(const ChallengeRow& row, std::int64_t now)
{
  if (row.state == State::consumed) {
    return core::VerifyReason::used;
  }
  if (row.state == State::exhausted || row.attempts >= row.max_attempts) {
    return core::VerifyReason::too_many_attempts;
  }
  if (row.state == State::failed) {
    return core::VerifyReason::not_found; // never delivered
  }
  if (row.state == State::expired || row.state == State::superseded
      || row.expires_at <= now || !row.tag) {
    // A live row always has a tag; without one it cannot verify.
    return core::VerifyReason::expired;
  }
  return core::VerifyReason::ok; // live
}

// Counts one failure for the recipient; returns true if it now is locked.
bool count_failure(Rows& rows, const VerifyRequest& request, std::int64_t now)
{
  if (rows.add_failure(request.recipient, now) < request.lockout_after) {
    return false;
  }
  rows.set_locked_until(request.recipient, now + request.lockout_duration);
  return true;
}

[[noreturn]] void throw_key_mismatch(const ChallengeRow& row,
                                     const std::string& ours)
{
  throw Error(core::ExitCode::config,
              "the live code was issued with another key file (key id "
                  + row.key_id + "); this host's key file has key id " + ours
                  + ". Every host that shares the store needs the same key: "
                    "copy the key file (store.key_file) from the host that "
                    "sent the code to this one. Nothing was counted");
}

} // namespace

Reservation reserve(Rows& rows, const ReserveRequest& request, std::int64_t now)
{
  if (const auto wait = active_lock(rows, request.recipient, now); wait > 0) {
    throw Error(core::ExitCode::temporary,
                "recipient " + request.recipient_masked
                    + " is locked after too many failed verifications; nothing "
                      "was sent",
                wait);
  }
  rows.expire_stale(now);
  check_send_limits(
      rows, request.recipient, request.recipient_masked, request.limits, now);
  // A new code replaces the live one of the same recipient and purpose,
  // whoever sent it; finalize() settles the replaced ones.
  const std::int64_t superseded = rows.supersede_live(
      request.recipient, request.purpose, request.challenge_id, now);
  NewChallenge challenge;
  challenge.id = request.challenge_id;
  challenge.recipient = request.recipient;
  challenge.recipient_masked = request.recipient_masked;
  challenge.purpose = request.purpose;
  challenge.tag = request.tag;
  challenge.key_id = request.key_id;
  challenge.code_length = request.code_length;
  challenge.created_at = now;
  challenge.expires_at = now + request.ttl;
  challenge.max_attempts = request.max_attempts;
  rows.insert(challenge);
  return {request.challenge_id, now, now + request.ttl, superseded};
}

void finalize(Rows& rows,
              const std::string& challenge_id,
              const core::SendResult& result,
              const std::vector<core::ProviderHealth>& health,
              std::int64_t now)
{
  // Read before mark_failed changes the state: a newer send (from any
  // host) may have replaced this one while its provider call ran.
  const auto replaced_by = rows.replaced_by(challenge_id);
  switch (result.status) {
    case core::SendStatus::sent:
      rows.mark_sent(challenge_id, result.provider, result.message_id);
      break;
    case core::SendStatus::unknown:
      // The message may have gone out: the code stays valid (pending).
      rows.note_provider(challenge_id, result.provider);
      break;
    case core::SendStatus::temporary:
    case core::SendStatus::permanent:
    case core::SendStatus::auth:
      rows.mark_failed(challenge_id, result.provider, now);
      break;
  }
  for (const auto& entry : health) {
    if (entry.healthy) {
      rows.clear_health(entry.provider);
    } else {
      rows.set_health(entry.provider, entry.skip_until, entry.reason, now);
    }
  }
  if (result.status == core::SendStatus::sent
      || result.status == core::SendStatus::unknown) {
    // The new code is (or may be) on its way: the older ones are dead.
    rows.drop_superseded_tags(challenge_id);
  } else if (replaced_by) {
    // Surely not sent, but a newer send replaced this one: the older codes
    // are that send's to settle (dead if it goes out, live if it fails).
    rows.hand_over_superseded(challenge_id, *replaced_by);
  } else {
    // Surely not sent: nothing replaced the older code, so it is live
    // again (nothing lost). Its expiry is unchanged.
    rows.revive_superseded(challenge_id);
  }
}

core::Tag dummy_tag(const VerifyRequest& request, const core::Key* key)
{
  return core::compute_tag(key != nullptr ? *key : core::Key{},
                           "",
                           request.recipient,
                           request.purpose,
                           request.code);
}

core::VerifyOutcome verify(Rows& rows,
                           const VerifyRequest& request,
                           const core::Key* key,
                           const core::Tag& dummy,
                           std::int64_t now)
{
  core::VerifyOutcome outcome;
  if (const auto wait = active_lock(rows, request.recipient, now); wait > 0) {
    outcome.reason = core::VerifyReason::locked;
    outcome.retry_after = wait;
    return outcome;
  }
  rows.expire_stale(now);
  // Without --id the newest live challenge of recipient + purpose counts
  // (a newer one may have failed to send and revived it), else the newest
  // of any state, which tells why verification fails.
  const auto found = rows.find_challenge(
      request.recipient, request.purpose, request.challenge_id);
  core::VerifyReason reason =
      found ? reason_for_dead(*found, now) : core::VerifyReason::not_found;
  if (reason == core::VerifyReason::ok) {
    if (key == nullptr) {
      throw Error(core::ExitCode::config,
                  "the key file is missing but live challenges exist; copy "
                  "the key file (store.key_file) from the host that sent "
                  "the code, restore it from a backup, or purge the store");
    }
    if (const auto ours = core::key_id(*key);
        !found->key_id.empty() && found->key_id != ours) {
      throw_key_mismatch(*found, ours);
    }
  }
  if (found) {
    outcome.challenge_id = found->id;
    outcome.attempts = found->attempts + 1;
    outcome.max_attempts = found->max_attempts;
    rows.add_attempt(found->id);
  }
  if (reason == core::VerifyReason::ok) {
    // A well-formed code of another length is a mismatch like any other and
    // counts: a different answer would tell who holds a live code.
    const auto tag = core::compute_tag(
        *key, found->id, request.recipient, request.purpose, request.code);
    const bool same_length =
        static_cast<std::size_t>(found->code_length) == request.code.size();
    reason = core::tags_equal(tag, *found->tag) && same_length
                 ? core::VerifyReason::ok
                 : core::VerifyReason::mismatch;
  } else {
    // The same work as a real comparison, so that "no such challenge" and
    // "wrong code" take the same time.
    const auto tag = core::compute_tag(key != nullptr ? *key : core::Key{},
                                       "ch_none",
                                       request.recipient,
                                       request.purpose,
                                       request.code);
    static_cast<void>(core::tags_equal(tag, dummy));
  }

  if (reason == core::VerifyReason::ok) {
    rows.finish(found->id, State::consumed, now);
    rows.reset_recipient(request.recipient, now);
  } else {
    if (reason == core::VerifyReason::mismatch
        && outcome.attempts >= outcome.max_attempts) {
      rows.finish(found->id, State::exhausted, now);
    }
    outcome.locked_now = count_failure(rows, request, now);
  }
  outcome.reason = reason;
  return outcome;
}

PurgeCounts purge(Rows& rows, const PurgeRequest& request, std::int64_t now)
{
  if (!request.dry_run) {
    rows.expire_stale(now);
  }
  PurgeFilter challenges;
  PurgeFilter recipients;
  challenges.now = now;
  recipients.now = now;
  if (request.all) {
    challenges.mode = PurgeFilter::Mode::all;
    recipients.mode = PurgeFilter::Mode::all;
  } else if (request.recipient) {
    challenges.mode = PurgeFilter::Mode::recipient;
    challenges.recipient = *request.recipient;
    recipients.mode = PurgeFilter::Mode::recipient;
    recipients.recipient = *request.recipient;
  } else if (request.prefix) {
    challenges.mode = PurgeFilter::Mode::prefix;
    challenges.recipient = *request.prefix;
    recipients.mode = PurgeFilter::Mode::prefix;
  } else {
    // Finished rows stay while they still count toward a limit.
    challenges.before = now - request.older_than;
    recipients.before = now - request.counter_idle;
  }
  PurgeCounts counts;
  counts.challenges = rows.purge_challenges(challenges, request.dry_run);
  counts.recipients = rows.purge_recipients(recipients, request.dry_run);
  if (!request.dry_run && !request.recipient && !request.prefix) {
    // Provider skips that have run out are history; --all clears all.
    rows.purge_health(challenges);
  }
  return counts;
}

std::map<std::string, std::int64_t> skipped_providers(Rows& rows,
                                                      std::int64_t now)
{
  std::map<std::string, std::int64_t> left;
  for (const auto& [provider, until] : rows.skipped(now)) {
    left[provider] = until - now;
  }
  return left;
}

const char* state_name(State state)
{
  switch (state) {
    case State::pending:
      return "pending";
    case State::sent:
      return "sent";
    case State::failed:
      return "failed";
    case State::consumed:
      return "consumed";
    case State::superseded:
      return "superseded";
    case State::exhausted:
      return "exhausted";
    case State::expired:
      return "expired";
  }
  return "pending";
}

std::optional<State> parse_state(const std::string& name)
{
  for (const State state : {State::pending,
                            State::sent,
                            State::failed,
                            State::consumed,
                            State::superseded,
                            State::exhausted,
                            State::expired}) {
    if (name == state_name(state)) {
      return state;
    }
  }
  return std::nullopt;
}

} // namespace smsotp::store::detail
