#pragma once

// Internal to provider/: the failure mapping every HTTP provider shares.
// Kinds add their own reading of successful and 4xx bodies on top.

#include "core/types.hpp"
#include "provider/http/transport.hpp"

#include <optional>
#include <string>

namespace smsotp::provider {

// What an answer to a send means when the exchange itself failed or the
// status alone decides it (DESIGN §5): 401/403 credentials, 429 rate limit,
// 1xx/3xx/5xx unknown. A 3xx came from a server that read the request and
// may have acted on it, so it is unknown (never followed, no failover).
// Returns nullopt for 2xx and for other 4xx, which need the kind's reading
// of the body. A credential check has its own classes:
// classify_check_answer() in check_outcome.hpp.
std::optional<core::SendResult>
classify_send_answer(const HttpResponse& response,
                     const std::string& provider_name);

} // namespace smsotp::provider
