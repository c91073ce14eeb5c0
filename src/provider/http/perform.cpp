// perform(): one exchange over libcurl's easy interface, classified by how
// far it got (transport.hpp).

#include "provider/http/outcome.hpp"
#include "provider/http/transport.hpp"
#include "util/interrupt.hpp"
#include "util/string.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <vector>

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
  // With a hold (HttpOptions::hold): the total timeout runs from the
  // moment the gate opens, not from the start, so that waiting for send's
  // reserve does not eat the provider's time; libcurl's own timer is off.
  const util::Gate* hold = nullptr;
  std::int64_t total_timeout_ms = 0;
  std::optional<std::chrono::steady_clock::time_point> deadline;
  bool timed_out = false;
  // The peer closed the connection while the request was held: nothing
  // was written, so the exchange is "not connected" (retry, fail over).
  bool closed_while_held = false;
  // Every socket libcurl opened for the transfer (on_socket): the held
  // request's connection is among them.
  std::vector<curl_socket_t> sockets;
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

// Called once the connection is up (TLS included) and before the request
// is written: holds it there until the gate decides (HttpOptions::hold).
// True if the peer has closed (FIN or RST) or broken `socket`. Data
// waiting to be read alone is no sign: a TLS 1.3 server sends session
// tickets after the handshake.
bool peer_gone(curl_socket_t socket)
{
  pollfd entry{socket, POLLIN | POLLRDHUP, 0};
  return ::poll(&entry, 1, 0) > 0
         && (entry.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

int on_socket(void* user, curl_socket_t socket, curlsocktype /*purpose*/)
{
  static_cast<Transfer*>(user)->sockets.push_back(socket);
  return CURL_SOCKOPT_OK;
}

// The socket of `transfer` bound to local port `port`.
std::optional<curl_socket_t> socket_on_port(const Transfer& transfer, int port)
{
  for (const auto socket : transfer.sockets) {
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    if (::getsockname(socket, reinterpret_cast<sockaddr*>(&address), &length)
        != 0) {
      continue;
    }
    int bound = -1;
    if (address.ss_family == AF_INET) {
      bound = ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
    } else if (address.ss_family == AF_INET6) {
      bound = ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
    }
    if (bound == port) {
      return socket;
    }
  }
  return std::nullopt;
}

// Called once the connection is up (TLS included) and before the request
// is written: holds it there until the gate decides (HttpOptions::hold),
// then writes only to a connection that is still open.
int on_connected(void* user,
                 char* /*conn_primary_ip*/,
                 char* /*conn_local_ip*/,
                 int /*conn_primary_port*/,
                 int local_port)
{
  auto& transfer = *static_cast<Transfer*>(user);
  if (!transfer.hold->wait()) {
    return CURL_PREREQFUNC_ABORT;
  }
  // (CURLINFO_ACTIVESOCKET names the connection only once a transfer is
  // done, so the socket is found by its local port.)
  if (const auto socket = socket_on_port(transfer, local_port);
      socket && peer_gone(*socket)) {
    transfer.closed_while_held = true;
    return CURL_PREREQFUNC_ABORT;
  }
  transfer.deadline = std::chrono::steady_clock::now()
                      + std::chrono::milliseconds(transfer.total_timeout_ms);
  return CURL_PREREQFUNC_OK;
}

// Non-zero aborts the transfer: a signal, or the held transfer's deadline.
int on_progress(void* user,
                curl_off_t /*dltotal*/,
                curl_off_t /*dlnow*/,
                curl_off_t /*ultotal*/,
                curl_off_t /*ulnow*/)
{
  if (util::interrupt_signal() != 0) {
    return 1;
  }
  auto& transfer = *static_cast<Transfer*>(user);
  // A send called off while its connection is still being set up (a slow
  // TLS handshake, say) stops now, not at the connect timeout.
  if (transfer.hold != nullptr && transfer.hold->called_off()) {
    return 1;
  }
  if (transfer.deadline
      && std::chrono::steady_clock::now() > *transfer.deadline) {
    transfer.timed_out = true;
    return 1;
  }
  return 0;
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
  if (options.hold != nullptr && options.hold->called_off()) {
    // send's reserve failed: no connection either.
    response.transport = Transport::not_connected;
    response.error = "not sent: the send was called off";
    return response;
  }
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
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &transfer);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer.data());
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h,
                   CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout_ms));
  transfer.hold = options.hold;
  transfer.total_timeout_ms = options.total_timeout_ms;
  curl_easy_setopt(h,
                   CURLOPT_TIMEOUT_MS,
                   options.hold != nullptr
                       ? 0L
                       : static_cast<long>(options.total_timeout_ms));
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
    curl_easy_setopt(h, CURLOPT_SOCKOPTFUNCTION, on_socket);
    curl_easy_setopt(h, CURLOPT_SOCKOPTDATA, &transfer);
    curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, on_connected);
    curl_easy_setopt(h, CURLOPT_PREREQDATA, &transfer);
  }
  CURLcode code = curl_easy_perform(h);
  if (transfer.timed_out) {
    code = CURLE_OPERATION_TIMEDOUT;
    std::snprintf(error_buffer.data(),
                  error_buffer.size(),
                  "Operation timed out after %lld milliseconds",
                  static_cast<long long>(options.total_timeout_ms));
  }
  response.transport =
      transfer.closed_while_held ? Transport::not_connected : classify(code, h);
  if (transfer.closed_while_held) {
    std::snprintf(error_buffer.data(),
                  error_buffer.size(),
                  "the server closed the connection before the request");
  }
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
  response.retry_after = retry_after_seconds(h, transfer.retry_after);
  return response;
}

} // namespace smsotp::provider
