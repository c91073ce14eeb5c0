#pragma once

// What a finished libcurl transfer means for perform() (perform.cpp): how
// far the exchange got (transport.hpp's Transport) and the server's
// Retry-After. Internal to the http module.

#include "provider/http/transport.hpp"

#include <curl/curl.h>

#include <cstdint>
#include <optional>
#include <string>

namespace smsotp::provider {

// True once any byte of the request may have reached the server.
bool request_left(CURL* handle);

// The Transport of a transfer that ended with `code` (CURLE_OK: ok).
Transport classify(CURLcode code, CURL* handle);

// `header`: the raw value of the last Retry-After header, if any.
std::optional<std::int64_t>
retry_after_seconds(CURL* handle, const std::optional<std::string>& header);

} // namespace smsotp::provider
