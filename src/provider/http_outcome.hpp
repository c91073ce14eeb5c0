#pragma once

// Internal to provider/: the failure mapping every HTTP provider shares.
// Kinds add their own reading of successful and 4xx bodies on top.

#include "core/types.hpp"
#include "provider/http_client.hpp"

#include <optional>
#include <string>

namespace smsotp::provider {

// The outcome when the exchange itself failed or the status alone decides
// it (401/403 credentials, 429 rate limit, 3xx redirect, 1xx/5xx unknown).
// Returns nullopt for 2xx and for other 4xx, which need the body. A 3xx is
// a refusal here ("the endpoint moved"), which is right for a request that
// changes nothing, such as a credential check.
std::optional<core::SendResult>
generic_outcome(const HttpResponse& response, const std::string& provider_name);

// generic_outcome() for a send (DESIGN §5): a 3xx came from a server that
// read the request and may have acted on it, so the outcome is unknown and
// no other provider may try.
std::optional<core::SendResult> send_outcome(const HttpResponse& response,
                                             const std::string& provider_name);

} // namespace smsotp::provider
