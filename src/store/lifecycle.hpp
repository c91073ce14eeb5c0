#pragma once

// Internal to store/: the rules of the challenge lifecycle, once for every
// backend. Each function runs inside the caller's open write transaction
// and only talks to the rows through detail::Rows: which reason a verify
// gets, when a challenge is exhausted, when a number locks, what a new send
// supersedes and revives, which limit windows apply, what purge removes.
// Throws smsotp::Error for expected refusals (rate limit, lock, key
// mismatch); the backend rolls back then.

#include "store/rows.hpp"
#include "store/store.hpp"

namespace smsotp::store::detail {

// The transaction behind Store::reserve.
Reservation
reserve(Rows& rows, const ReserveRequest& request, std::int64_t now);

// The transaction behind Store::finalize.
void finalize(Rows& rows,
              const std::string& challenge_id,
              const core::SendResult& result,
              const std::vector<core::ProviderHealth>& health,
              std::int64_t now);

// The tag verify() compares against when no live challenge exists, so that
// "no such challenge" and "wrong code" take the same time. Compute it
// before the transaction starts: the first HMAC initialises OpenSSL, and
// lock hold time is what makes parallel verifications wait.
core::Tag dummy_tag(const VerifyRequest& request, const core::Key* key);

// The transaction behind Store::verify. A live challenge issued under
// another key (its key id differs from core::key_id(*key)) is an
// Error(config) that says to copy the key file; nothing is counted then.
core::VerifyOutcome verify(Rows& rows,
                           const VerifyRequest& request,
                           const core::Key* key,
                           const core::Tag& dummy,
                           std::int64_t now);

// The transaction behind Store::purge.
PurgeCounts purge(Rows& rows, const PurgeRequest& request, std::int64_t now);

// Store::skipped_providers: name -> seconds left.
std::map<std::string, std::int64_t> skipped_providers(Rows& rows,
                                                      std::int64_t now);

// The block of adjacent numbers `recipient` counts toward in the prefix
// limit: the number without its last 4 digits (10 000 numbers, the unit
// SMS pumping works in).
std::string block_prefix(const std::string& recipient);

// Throws Error(temporary) with retry_after if sending to `recipient` now
// would exceed `limits` (store/limits.cpp).
void check_send_limits(Rows& rows,
                       const std::string& recipient,
                       const std::string& recipient_masked,
                       const SendLimits& limits,
                       std::int64_t now);

} // namespace smsotp::store::detail
