// perform(): one exchange over libcurl's easy interface, classified by how
// far it got (transport.hpp).

#include "provider/http/transport.hpp"
#include "util/interrupt.hpp"
#include "util/string.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <memory>
#include <mutex>
#include <strings.h>

namespace smsotp::provider {

namespace {

// SSLKEYLOGFILE, which libcurl's TLS back end reads here, is removed from
// the environment before the first exchange (provider/base/keylog.hpp).
void global_init()
{
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer
{
  std::string body;
  bool too_large = false;
  // The value of the last Retry-After header, if there was one.
  std::optional<std::string> retry_after;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user)
{
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  if (transfer->body.size() + bytes > k_max_response_body) {
    transfer->too_large = true;
    return 0; // makes libcurl stop with CURLE_WRITE_ERROR
  }
  transfer->body.append(data, bytes);
  return bytes;
}

// Notes the Retry-After header; libcurl parses it (CURLINFO_RETRY_AFTER),
// but cannot tell a missing header from one it could not read.
std::size_t
on_header(char* data, std::size_t size, std::size_t count, void* user)
{
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  const std::string_view line(data, bytes);
  constexpr std::string_view k_name = "retry-after:";
  if (line.size() > k_name.size()
      && ::strncasecmp(line.data(), k_name.data(), k_name.size()) == 0) {
    auto value = util::trim(line.substr(k_name.size()));
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) {
      value.remove_suffix(1);
    }
    transfer->retry_after = std::string(value);
  }
  return bytes;
}

// The server's Retry-After in seconds, both forms (delta-seconds and
// HTTP-date), at most k_max_retry_after. libcurl answers 0 for "0", for a
// date now or past, and also for what it cannot read, which includes a
// number too large for its integer type: such a number asks for the
// longest wait, not for none. Anything else unreadable counts as absent.
std::optional<std::int64_t> retry_after_seconds(CURL* handle,
                                                const Transfer& transfer)
{
  if (!transfer.retry_after) {
    return std::nullopt;
  }
  curl_off_t seconds = 0;
  curl_easy_getinfo(handle, CURLINFO_RETRY_AFTER, &seconds);
  if (seconds > 0) {
    return std::min<std::int64_t>(seconds, k_max_retry_after);
  }
  const std::string& value = *transfer.retry_after;
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

// Called once the connection is up (TLS included) and before the request
// is written: holds it there until the gate decides (HttpOptions::hold).
int on_connected(void* gate, char*, char*, int, int)
{
  return static_cast<const util::Gate*>(gate)->wait() ? CURL_PREREQFUNC_OK
                                                      : CURL_PREREQFUNC_ABORT;
}

int on_progress(void*, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
  return util::interrupt_signal() != 0 ? 1 : 0; // non-zero aborts the transfer
}

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

} // namespace

void warm_up_transport()
{
  global_init();
}

HttpResponse perform(const HttpRequest& request, const HttpOptions& options)
{
  global_init();
  HttpResponse response;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> handle(
      curl_easy_init(), &curl_easy_cleanup);
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(
      nullptr, &curl_slist_free_all);
  for (const auto& header : request.headers) {
    headers.reset(curl_slist_append(headers.release(), header.c_str()));
  }
  // No "Expect:" override: libcurl 7.88 sends Expect: 100-continue only for
  // bodies over 1 MiB, which we never send, and with SigV4 it would sign the
  // removal line as an empty header that is not on the wire (curl#11664),
  // which AWS refuses.
  Transfer transfer;
  std::array<char, CURL_ERROR_SIZE> error_buffer{};
  CURL* h = handle.get();
  curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (request.method == "POST" || !request.body.empty()) {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(h,
                     CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  } else {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer.data());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h,
                   CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout_ms));
  curl_easy_setopt(
      h, CURLOPT_TIMEOUT_MS, static_cast<long>(options.total_timeout_ms));
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  // Plain http only towards loopback; everything else must be https. A URL
  // libcurl cannot parse fails below as not connected.
  const bool loopback_http = request.url.starts_with("http://")
                             && base_url_problem(request.url).empty();
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, loopback_http ? "http" : "https");
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(
      h, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  if (!options.ca_file.empty()) {
    curl_easy_setopt(h, CURLOPT_CAINFO, options.ca_file.c_str());
    curl_easy_setopt(h, CURLOPT_CAPATH, nullptr);
  } else {
    // The hashed directory is looked up per certificate; parsing the whole
    // bundle file costs 17-20 ms on every send (research/performance.md).
    curl_easy_setopt(h, CURLOPT_CAINFO, nullptr);
    curl_easy_setopt(h, CURLOPT_CAPATH, "/etc/ssl/certs");
  }
  if (!request.user.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, request.user.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, request.password.c_str());
    if (request.aws_sigv4.empty()) {
      // Sent with the first request, not after a 401 challenge.
      curl_easy_setopt(h, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    } else {
      curl_easy_setopt(h, CURLOPT_AWS_SIGV4, request.aws_sigv4.c_str());
    }
  }
  if (options.hold != nullptr) {
    curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, on_connected);
    curl_easy_setopt(h, CURLOPT_PREREQDATA, options.hold);
  }
  const CURLcode code = curl_easy_perform(h);
  response.transport = classify(code, h);
  if (transfer.too_large) {
    response.transport = Transport::lost;
    response.error = "response larger than "
                     + std::to_string(k_max_response_body / 1024) + " KiB";
  } else if (code != CURLE_OK) {
    response.error = error_buffer[0] != '\0' ? error_buffer.data()
                                             : curl_easy_strerror(code);
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  const char* content_type = nullptr;
  if (curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &content_type) == CURLE_OK
      && content_type != nullptr) {
    response.content_type = content_type;
  }
  response.body = std::move(transfer.body);
  response.retry_after = retry_after_seconds(h, transfer);
  return response;
}

} // namespace smsotp::provider
