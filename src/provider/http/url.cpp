// URL checks and escaping, by libcurl's own URL parser (curl_url) and
// escaper, so that what is checked is exactly what libcurl will fetch.

#include "provider/http/transport.hpp"
#include "util/string.hpp"

#include <curl/curl.h>

#include <arpa/inet.h>
#include <memory>
#include <netinet/in.h>
#include <new>
#include <optional>

namespace smsotp::provider {

namespace {

struct UrlParts
{
  std::string scheme; // lower case
  std::string host;   // an IPv6 address in brackets
  bool has_userinfo = false;
};

using UrlHandle = std::unique_ptr<CURLU, decltype(&curl_url_cleanup)>;

// One part of a parsed URL, or nullopt if the URL has none.
std::optional<std::string> url_part(const UrlHandle& url, CURLUPart part)
{
  char* text = nullptr;
  if (curl_url_get(url.get(), part, &text, 0) != CURLUE_OK || text == nullptr) {
    return std::nullopt;
  }
  std::string value(text);
  curl_free(text);
  return value;
}

// Parses an absolute URL of any scheme (so that an unsupported one can be
// named); nullopt if libcurl cannot parse it or it has no host.
std::optional<UrlParts> split_url(const std::string& url)
{
  UrlHandle handle(curl_url(), &curl_url_cleanup);
  if (!handle
      || curl_url_set(
             handle.get(), CURLUPART_URL, url.c_str(), CURLU_NON_SUPPORT_SCHEME)
             != CURLUE_OK) {
    return std::nullopt;
  }
  auto scheme = url_part(handle, CURLUPART_SCHEME);
  auto host = url_part(handle, CURLUPART_HOST);
  if (!scheme || !host || host->empty()) {
    return std::nullopt;
  }
  return UrlParts{std::move(*scheme),
                  std::move(*host),
                  url_part(handle, CURLUPART_USER).has_value()
                      || url_part(handle, CURLUPART_PASSWORD).has_value()};
}

// Only addresses that cannot leave this machine: an IPv4 literal in
// 127.0.0.0/8, [::1], or localhost. A name like 127.0.0.1.example.com is
// not one, however it starts.
bool is_loopback_host(const std::string& host)
{
  if (host == "localhost" || host == "[::1]") {
    return true;
  }
  in_addr address{};
  return ::inet_pton(AF_INET, host.c_str(), &address) == 1
         && (ntohl(address.s_addr) >> 24U) == 127U;
}

} // namespace

std::string base_url_problem(const std::string& url)
{
  const auto parts = split_url(url);
  if (!parts) {
    return "not a URL (expected https://host[/path])";
  }
  if (parts->has_userinfo) {
    return "credentials in the URL are not allowed; use the secret keys";
  }
  if (parts->scheme == "https") {
    return {};
  }
  if (parts->scheme == "http") {
    if (is_loopback_host(parts->host)) {
      return {};
    }
    return "https is required (plain http only for 127.0.0.1, ::1 or "
           "localhost)";
  }
  return "unsupported scheme '" + util::escape_for_display(parts->scheme)
         + "' (https only)";
}

std::string url_escape(const std::string& text)
{
  // The handle argument is ignored since libcurl 7.82.
  char* escaped =
      curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size()));
  if (escaped == nullptr) {
    throw std::bad_alloc();
  }
  std::string out(escaped);
  curl_free(escaped);
  return out;
}

std::string
form_encode(const std::vector<std::pair<std::string, std::string>>& fields)
{
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) {
      out += '&';
    }
    out += url_escape(name) + "=" + url_escape(value);
  }
  return out;
}

} // namespace smsotp::provider
