#pragma once

// The one HTTP client, over libcurl. TLS is always verified; plain http is
// allowed for loopback addresses only (tests and local mocks); redirects
// are never followed; response bodies are capped. The result says whether
// the request may have reached the server, which decides between "not
// sent" (safe to retry) and "outcome unknown".

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace smsotp::provider {

constexpr std::size_t k_max_response_body = 64 * 1024;
constexpr std::int64_t k_default_connect_timeout_ms = 5000;
constexpr std::int64_t k_default_total_timeout_ms = 20000;
// The longest Retry-After taken from a server (one day); longer or
// unrepresentable values are cut to it.
constexpr std::int64_t k_max_retry_after = 86400;
// The retry-after (seconds) attached to a failure when the server gave
// none: a 429, a 5xx, a connection that failed or was lost.
constexpr std::int64_t k_default_retry_after = 30;

struct HttpOptions
{
  std::string ca_file; // "" = the system CA directory
  std::int64_t connect_timeout_ms = k_default_connect_timeout_ms;
  std::int64_t total_timeout_ms = k_default_total_timeout_ms;
};

struct HttpRequest
{
  std::string method = "POST";
  std::string url;
  std::vector<std::string> headers; // "Name: value"
  std::string body;
  // AWS Signature V4 by libcurl: "aws:amz:REGION:SERVICE" and the
  // "ACCESS_KEY:SECRET_KEY" pair it signs with. Empty for other providers.
  std::string aws_sigv4;
  std::string aws_credentials;
};

// How far an exchange got. The line that matters is whether any byte of
// the request was written to the connection: before it, the server cannot
// have acted; after it, only a complete answer can say what it did.
enum class Transport
{
  ok,                 // a complete HTTP response arrived
  not_connected,      // nothing of the request left: DNS, connect, or a TLS
                      // handshake the peer broke off (reset, close, not TLS)
  tls_untrusted,      // the server's certificate failed verification: not sent
  lost,               // the request (or part of it) left, but no complete,
                      // well-formed answer came back, whatever the reason
  interrupted,        // SIGINT/SIGTERM once the request may have left
  interrupted_unsent, // SIGINT/SIGTERM before any byte of it left
};
// Contract for interrupted and interrupted_unsent: the process has a
// pending SIGINT/SIGTERM (util::interrupt_signal() != 0), and every caller
// that acts on a result checks it before moving on: the chain stops, never
// failing over, and the command exits by the signal. The results mapped from
// them (classify_send_answer, classify_check_answer) only say what became of
// the code: interrupted may have delivered it (unknown, with the default
// retry-after); interrupted_unsent did not (temporary, with none).

struct HttpResponse
{
  Transport transport = Transport::ok;
  long status = 0;
  std::string body;
  std::string content_type;
  // Seconds from Retry-After (either form), at most k_max_retry_after;
  // nullopt without a readable one.
  std::optional<std::int64_t> retry_after;
  std::string error; // libcurl's explanation
};

HttpResponse perform(const HttpRequest& request, const HttpOptions& options);

// A GET of `url` with `headers` and no body.
inline HttpRequest get_request(std::string url,
                               std::vector<std::string> headers)
{
  HttpRequest request;
  request.method = "GET";
  request.url = std::move(url);
  request.headers = std::move(headers);
  return request;
}

// True once if SSLKEYLOGFILE was set and has been removed from this
// process's environment: TLS session keys would let anyone with that file
// read provider credentials and codes. The caller prints the warning.
bool take_keylog_warning();

// "" if `url` is acceptable as a base URL: https, or http to a loopback
// address; no user:password@ part. Otherwise the reason.
std::string base_url_problem(const std::string& url);

// application/x-www-form-urlencoded, with spaces as %20.
std::string
form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

// Percent-encodes one path segment or query value.
std::string url_escape(const std::string& text);

} // namespace smsotp::provider
