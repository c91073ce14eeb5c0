#pragma once

// Internal to provider/: the failure mapping every HTTP provider shares.
// Kinds add their own reading of successful and 4xx bodies on top.

#include "core/types.hpp"
#include "provider/http_client.hpp"

#include <optional>
#include <string>

namespace smsotp::provider {

// The outcome when the exchange itself failed or the status alone decides
// it (401/403 credentials, 429 rate limit, 3xx redirect, 5xx unknown).
// Returns nullopt for 2xx and for other 4xx, which need the body.
std::optional<core::SendResult>
generic_outcome(const HttpResponse& response, const std::string& provider_name);

} // namespace smsotp::provider
