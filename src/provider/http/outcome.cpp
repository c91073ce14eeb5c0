// How far a libcurl transfer got, and the server's Retry-After
// (outcome.hpp).

#include "provider/http/outcome.hpp"

#include "util/interrupt.hpp"

#include <algorithm>
#include <strings.h>

namespace smsotp::provider {

// True once any byte of the HTTP request was handed to the connection
// (the socket, or the TLS layer that writes to it): from then on the server
// may act on it. CURLINFO_REQUEST_SIZE is reset when a transfer starts and
// grows only by what libcurl's send accepted; an HTTP/2 stream counts what
// was queued for the connection, which errs towards "may have left".
// Through a proxy it also counts the CONNECT request, which is not ours:
// for https nothing of ours can leave before the TLS handshake with the
// provider is done (CURLINFO_APPCONNECT_TIME_T stays 0 until then).
bool request_left(CURL* handle)
{
  long size = 0;
  if (curl_easy_getinfo(handle, CURLINFO_REQUEST_SIZE, &size) != CURLE_OK) {
    return true;
  }
  if (size <= 0) {
    return false;
  }
  const char* scheme = nullptr;
  curl_easy_getinfo(handle, CURLINFO_SCHEME, &scheme);
  if (scheme == nullptr || ::strcasecmp(scheme, "https") != 0) {
    return true;
  }
  curl_off_t secured = 0;
  return curl_easy_getinfo(handle, CURLINFO_APPCONNECT_TIME_T, &secured)
             != CURLE_OK
         || secured > 0;
}

// A failed transfer is classified by the phase it reached, not by the
// error code: once the request may have left, no error code can prove that
// the server did not act on it (a garbled status line, a reset and a
// timeout all come after the server read the message). Before that, only
// the certificate checks mean "do not trust this server"; every other
// handshake failure (reset, close, a peer that does not speak TLS) is a
// connection that never carried the request.
Transport classify(CURLcode code, CURL* handle)
{
  if (code == CURLE_OK) {
    return Transport::ok;
  }
  if (code == CURLE_ABORTED_BY_CALLBACK) {
    if (request_left(handle)) {
      return Transport::interrupted;
    }
    // A held request that was called off without a signal never left.
    return util::interrupt_signal() != 0 ? Transport::interrupted_unsent
                                         : Transport::not_connected;
  }
  if (request_left(handle)) {
    return Transport::lost;
  }
  switch (code) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
      return Transport::tls_untrusted;
    default:
      return Transport::not_connected;
  }
}

// The server's Retry-After in seconds, both forms (delta-seconds and
// HTTP-date), at most k_max_retry_after. libcurl answers 0 for "0", for a
// date now or past, and also for what it cannot read, which includes a
// number too large for its integer type: such a number asks for the
// longest wait, not for none. Anything else unreadable counts as absent.
std::optional<std::int64_t>
retry_after_seconds(CURL* handle, const std::optional<std::string>& header)
{
  if (!header) {
    return std::nullopt;
  }
  curl_off_t seconds = 0;
  curl_easy_getinfo(handle, CURLINFO_RETRY_AFTER, &seconds);
  if (seconds > 0) {
    return std::min<std::int64_t>(seconds, k_max_retry_after);
  }
  const std::string& value = *header;
  const bool digits =
      !value.empty()
      && value.find_first_not_of("0123456789") == std::string::npos;
  if (digits) {
    return value.find_first_not_of('0') == std::string::npos
               ? 0
               : k_max_retry_after;
  }
  if (curl_getdate(value.c_str(), nullptr) != -1) {
    return 0; // a date that has passed
  }
  return std::nullopt;
}

} // namespace smsotp::provider
