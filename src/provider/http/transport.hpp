#pragma once

// The HTTP transport: the one door to libcurl (and expat, for XML
// answers). Everything behind it lives in provider/http/*.cpp, the only
// files that include them, which make the http module (core/module.hpp):
// the executable reaches these functions through http/loader.cpp and loads
// libcurl only when a command talks to a provider. This header holds plain
// types and functions only.
//
// TLS is always verified; plain http is allowed for loopback addresses only
// (tests and local mocks); redirects are never followed; response bodies
// are capped. The result says whether the request may have reached the
// server, which decides between "not sent" (safe to retry) and "outcome
// unknown".

#include "util/gate.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace smsotp::provider {

constexpr std::size_t k_max_response_body = std::size_t{64} * 1024;
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
  // If set, the connection is set up (DNS, TCP, TLS) but no byte of the
  // request is written until it opens; cancelled (or a signal), the
  // exchange ends unsent. See ProviderContext::hold.
  const util::Gate* hold = nullptr;
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
  // Credentials that libcurl puts on the wire itself, so that no
  // Authorization header is built here: HTTP Basic (user:password) when
  // aws_sigv4 is empty, else the AWS access key id and secret key it signs
  // with. No credentials when `user` is empty. Never shown: a dry run
  // prints "[redacted]" in their place.
  std::string user;
  std::string password;
  // AWS Signature V4 by libcurl: "aws:amz:REGION:SERVICE". Empty for other
  // providers.
  std::string aws_sigv4;
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

// Loads the transport (libcurl and the libraries it pulls in) and sets up
// libcurl, which perform() would otherwise do first: send calls it in a
// background thread so that this overlaps parsing the number. The caller
// must have called drop_keylog_file() first (base/keylog.hpp).
void warm_up_transport();

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

// "" if `url` is acceptable as a base URL: a URL libcurl parses, https or
// http to a loopback address (127.0.0.0/8, [::1], localhost), without a
// user:password@ part. Otherwise the reason.
std::string base_url_problem(const std::string& url);

// application/x-www-form-urlencoded, with spaces as %20.
std::string
form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

// Percent-encodes one path segment or query value: every byte but
// A-Z a-z 0-9 - . _ ~ (RFC 3986 unreserved).
std::string url_escape(const std::string& text);

// An XML answer as read by expat: the root element and the text directly
// inside the first element of each name to close. Entities and character
// references are decoded; a malformed document or one with a DTD is not
// parsed (no answer has a reason to carry a DTD, and its entities are how
// a parser is made to expand or fetch things).
struct XmlDocument
{
  bool parsed = false;
  std::string root;
  std::map<std::string, std::string, std::less<>> first_text;
};

XmlDocument read_xml(const std::string& body);

} // namespace smsotp::provider
