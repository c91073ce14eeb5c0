#pragma once

// Internal to provider/: what an answer from a message-status API means
// for `providers test --wait`. The message was sent already, so nothing
// here is "not sent"; the question is only whether to ask again.
//
// Answer classes, decided here for every HTTP kind:
//   connect/DNS failure, timeout, lost connection, 5xx, 429 -> pending
//                                           (ask again until the deadline)
//   401, 403, TLS trust failure, 1xx, 3xx                   -> unknown
// 2xx and other 4xx are left to the kind, which reads its status word
// through a StatusWords table (status_from_word).

#include "core/types.hpp"
#include "provider/http/transport.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smsotp::provider {

// The outcome when the exchange failed or the status alone decides it;
// nullopt for 2xx and for 4xx other than 401/403/429.
std::optional<core::DeliveryReport>
classify_status_answer(const HttpResponse& response,
                       const std::string& provider);

// A kind's status words by meaning. A word in none of the lists is taken
// as an intermediate state (pending): providers add such words over time,
// and waiting until the deadline is the safe reading.
struct StatusWords
{
  std::vector<std::string_view> delivered;
  std::vector<std::string_view> failed;
  std::vector<std::string_view> unknown; // final without a verdict
};

core::DeliveryReport status_from_word(const std::string& word,
                                      const StatusWords& words,
                                      const std::string& provider);

// "unexpected answer from PROVIDER's message-status API (HTTP 200, ...;
// EXPECTED)": final, unknown. The body itself is never shown.
core::DeliveryReport status_unexpected(const HttpResponse& response,
                                       const std::string& provider,
                                       const std::string& expected);

// Not there yet (a 404 while the provider has no report): pending.
core::DeliveryReport status_not_yet(const HttpResponse& response,
                                    const std::string& provider);

} // namespace smsotp::provider
