#pragma once

// Shared by the provider-answer and generic-gateway targets: an HTTP
// answer described by a header line, and the invariants every kind's
// reading of it must keep (DESIGN §5).
//
// Header line: "STATUS [TRANSPORT] [RETRY_AFTER] [CONTENT_TYPE]", e.g.
// "200 ok - application/json" or "0 lost". TRANSPORT is ok (default),
// not_connected, tls_untrusted, lost or interrupted.

#include "provider/base/http_provider.hpp"
#include "provider/http/transport.hpp"

#include <string>

namespace smsotp::fuzz {

provider::HttpResponse parse_answer(const std::string& header_line,
                                    std::string body);

// Runs send_outcome and check_outcome on `response` and checks: "sent" and
// "accepted" only for a complete 2xx answer; 1xx/5xx and a lost or
// interrupted exchange are "unknown"; a 429 or a failed connect is
// temporary; 401/403 are auth. Aborts on a violation.
void check_answer(const char* target,
                  const provider::HttpProvider& provider,
                  const provider::HttpResponse& response);

} // namespace smsotp::fuzz
