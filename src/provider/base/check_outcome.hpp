#pragma once

// Internal to provider/: what an answer to a credential check means. A
// check delivers nothing, so it has its own classes and words (no "not
// sent", no "delivery status unknown"), and it says "credentials accepted"
// only when a kind has recognised the shape it documents for its account,
// balance or dry-run endpoint. Anything else is "unexpected answer;
// credentials not confirmed".
//
// Answer classes, decided here for every HTTP kind:
//   connect/DNS failure, timeout, lost connection, 5xx -> unreachable (75)
//   429                                                -> rate_limited (75)
//   401, 403                                   -> credentials_rejected (77)
//   TLS trust failure, 1xx, 3xx (never followed)  -> unexpected_answer (69)
// 2xx and other 4xx are left to the kind, which knows its shapes and its
// credential error codes. 5xx is "try again" rather than "unexpected"
// because nothing was delivered and a balance query is safe to repeat.

#include "core/types.hpp"
#include "provider/http/transport.hpp"

#include <optional>
#include <string>

namespace smsotp::provider {

// The outcome when the exchange failed or the status alone decides it;
// nullopt for 2xx and for 4xx other than 401/403/429.
std::optional<core::CheckResult>
classify_check_answer(const HttpResponse& response,
                      const std::string& provider);

// "credentials accepted" plus `note`, with the balance if there is one.
core::CheckResult check_accepted(std::optional<core::Balance> balance,
                                 const std::string& note = "");

// A balance as an answer gave it: `currency` (an answer's text, so shown
// only escaped and at most 8 characters long) left out when absent or "".
core::Balance answered_balance(std::string amount,
                               const std::optional<std::string>& currency);

// "unexpected answer from PROVIDER (HTTP 200, text/html, 97 bytes;
// EXPECTED); credentials not confirmed". The body itself is never shown:
// a confused server may echo the request and its credentials.
core::CheckResult check_unexpected(const HttpResponse& response,
                                   const std::string& provider,
                                   const std::string& expected = "");

// "credentials rejected (HTTP 400, WHY)".
core::CheckResult check_rejected(const HttpResponse& response,
                                 const std::string& why);

inline bool is_success(const HttpResponse& response)
{
  return response.status >= 200 && response.status < 300;
}

} // namespace smsotp::provider
