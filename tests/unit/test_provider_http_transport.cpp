// Tests for src/provider/http/ through its one header, transport.hpp.

#include "../e2e/raw_servers.hpp"
#include "fake_http.hpp"
#include "provider/http/transport.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

#include <array>
#include <chrono>
#include <ctime>
#include <optional>

using e2e::raw_answer;
using e2e::RawPhase;
using e2e::RawServer;
using smsotp::provider::base_url_problem;
using smsotp::provider::form_encode;
using smsotp::provider::HttpOptions;
using smsotp::provider::HttpRequest;
using smsotp::provider::perform;
using smsotp::provider::Transport;
using smsotp::test::CannedResponse;
using smsotp::test::FakeHttpServer;

namespace {

HttpOptions fast_options()
{
  HttpOptions options;
  options.connect_timeout_ms = 2000;
  options.total_timeout_ms = 5000;
  return options;
}

} // namespace

TEST_CASE("base_url_problem accepts https and loopback http")
{
  for (const std::string url : {"https://api.twilio.com",
                                "https://api.twilio.com/",
                                "https://gateway.example:8443/sms",
                                "http://127.0.0.1",
                                "http://127.0.0.1:8080/mock",
                                "http://localhost:9000",
                                "http://[::1]:9000/"}) {
    CAPTURE(url);
    CHECK(base_url_problem(url).empty());
  }
}

TEST_CASE("base_url_problem rejects plain http to other hosts")
{
  for (const std::string url : {"http://example.com",
                                "http://api.twilio.com/",
                                "http://10.0.0.1:8080",
                                "http://localhost.example.com"}) {
    CAPTURE(url);
    CHECK_CONTAINS(base_url_problem(url), "https");
  }
}

TEST_CASE("base_url_problem rejects hosts that only start like loopback")
{
  // A DNS name beginning with "127." is not a loopback address.
  for (const std::string url : {"http://127.0.0.1.nip.io/",
                                "http://127.attacker.example",
                                "http://127.0.0.1.example.com:80"}) {
    CAPTURE(url);
    CHECK_FALSE(base_url_problem(url).empty());
  }
}

TEST_CASE("base_url_problem rejects credentials and other schemes")
{
  CHECK_CONTAINS(base_url_problem("https://user:pw@api.twilio.com"),
                 "credentials");
  CHECK_CONTAINS(base_url_problem("http://user@127.0.0.1"), "credentials");
  CHECK_FALSE(base_url_problem("http://127.0.0.1@example.com").empty());
  CHECK_FALSE(base_url_problem("ftp://files.example.com").empty());
  CHECK_FALSE(base_url_problem("file:///etc/passwd").empty());
  CHECK_FALSE(base_url_problem("api.twilio.com").empty());
  CHECK_FALSE(base_url_problem("").empty());
}

TEST_CASE("base_url_problem refuses what libcurl would not fetch as written")
{
  // A space in the host, an unparseable port, a scheme without a host.
  for (const std::string url : {"https://api twilio.com/",
                                "https://api.twilio.com:99999/",
                                "https://",
                                "https://[::1/"}) {
    CAPTURE(url);
    CHECK_CONTAINS(base_url_problem(url), "not a URL");
  }
  // Credentials are refused however they are written.
  CHECK_CONTAINS(base_url_problem("https://:secret@api.twilio.com/"),
                 "credentials");
}

TEST_CASE("form_encode matches the Twilio SDK's wire format")
{
  // shared/provider-specs/sdk-wire-captures.json, twilio messages.create.
  const std::string captured = "To=%2B15558675310&From=%2B15017122661&Body="
                               "Your%20code%20is%20123456%20%26%20%C3%BC";
  CHECK(form_encode({{"To", "+15558675310"},
                     {"From", "+15017122661"},
                     {"Body", "Your code is 123456 & \xc3\xbc"}})
        == captured);
}

TEST_CASE("form_encode escapes reserved bytes")
{
  CHECK(form_encode({{"a", "x y"}}) == "a=x%20y");
  CHECK(form_encode({{"a", "+"}}) == "a=%2B");
  CHECK(form_encode({{"a", "1=2&3"}}) == "a=1%3D2%263");
  CHECK(form_encode({{"a b", "-._~"}}) == "a%20b=-._~");
  CHECK(form_encode({{"n", "line\r\nnext"}}) == "n=line%0D%0Anext");
  CHECK(form_encode({}).empty());
  CHECK(smsotp::provider::url_escape("AC/../x") == "AC%2F..%2Fx");
}

TEST_CASE("perform sends method headers and body and reads the answer")
{
  const smsotp::test::NoProxy no_proxy;
  FakeHttpServer server;
  server.respond(
      {201, R"({"ok":true})", "application/json", {{"Retry-After", "7"}}});
  HttpRequest request;
  request.url = server.base_url() + "/v1/send?x=1";
  request.headers = {"Content-Type: application/x-www-form-urlencoded",
                     "X-Test: yes"};
  request.body = "a=1&b=%2B2";
  const auto response = perform(request, fast_options());
  CHECK(response.transport == Transport::ok);
  CHECK(response.status == 201);
  CHECK(response.body == R"({"ok":true})");
  CHECK_CONTAINS(response.content_type, "application/json");
  CHECK(response.retry_after == 7);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].method == "POST");
  CHECK(requests[0].path == "/v1/send");
  CHECK(requests[0].header("X-Test") == "yes");
  CHECK(requests[0].body == "a=1&b=%2B2");
  CHECK(requests[0].header("Expect").empty());
}

TEST_CASE("perform sends Basic auth from user and password, first time")
{
  const smsotp::test::NoProxy no_proxy;
  FakeHttpServer server;
  server.respond({200, "{}", "application/json", {}});
  HttpRequest request;
  request.url = server.base_url() + "/v1/send";
  request.user = "AC01";
  request.password = "pa:ss word";
  CHECK(perform(request, fast_options()).status == 200);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1); // no 401 round trip first
  // base64("AC01:pa:ss word"): the password may hold ':' and spaces.
  CHECK(requests[0].header("Authorization") == "Basic QUMwMTpwYTpzcyB3b3Jk");
}

TEST_CASE("perform can send a GET without a body")
{
  const smsotp::test::NoProxy no_proxy;
  FakeHttpServer server;
  server.respond({200, "{}", "application/json", {}});
  HttpRequest request;
  request.method = "GET";
  request.url = server.base_url() + "/balance";
  CHECK(perform(request, fast_options()).status == 200);
  REQUIRE(server.requests().size() == 1);
  CHECK(server.requests()[0].method == "GET");
}

TEST_CASE("perform does not follow redirects")
{
  const smsotp::test::NoProxy no_proxy;
  FakeHttpServer server;
  server.respond(
      {302, "", "text/plain", {{"Location", server.base_url() + "/other"}}});
  HttpRequest request;
  request.url = server.base_url() + "/send";
  const auto response = perform(request, fast_options());
  CHECK(response.transport == Transport::ok);
  CHECK(response.status == 302);
  CHECK(server.requests().size() == 1);
}

namespace {

// A 429 whose Retry-After is `value`, as perform() reads it.
std::optional<std::int64_t> retry_after_of(FakeHttpServer& server,
                                           const std::string& value)
{
  server.respond({429, "", "text/plain", {{"Retry-After", value}}});
  HttpRequest request;
  request.url = server.base_url() + "/send";
  return perform(request, fast_options()).retry_after;
}

// An HTTP-date `seconds` from now.
std::string http_date_in(std::int64_t seconds)
{
  const std::time_t when = std::time(nullptr) + seconds;
  std::tm parts{};
  ::gmtime_r(&when, &parts);
  std::array<char, 64> text{};
  std::strftime(text.data(), text.size(), "%a, %d %b %Y %H:%M:%S GMT", &parts);
  return text.data();
}

} // namespace

TEST_CASE("Retry-After is read in both forms; absurd values are the longest "
          "wait, not none")
{
  const smsotp::test::NoProxy no_proxy;
  FakeHttpServer server;
  CHECK(retry_after_of(server, "0") == 0);
  CHECK(retry_after_of(server, "120") == 120);
  // The HTTP-date form: seconds from now (the clock may tick once).
  const auto dated = retry_after_of(server, http_date_in(60));
  REQUIRE(dated.has_value());
  CHECK(*dated >= 58);
  CHECK(*dated <= 61);
  CHECK(retry_after_of(server, "Wed, 21 Oct 2015 07:28:00 GMT") == 0);
  // Too large for any integer, or beyond a day: capped at a day, so that a
  // caller never waits or overflows on it.
  CHECK(retry_after_of(server, "99999999999999999999")
        == smsotp::provider::k_max_retry_after);
  CHECK(retry_after_of(server, "999999999")
        == smsotp::provider::k_max_retry_after);
  // Unreadable: as if there were none.
  CHECK_FALSE(retry_after_of(server, "soon").has_value());
  CHECK_FALSE(retry_after_of(server, "-5").has_value());
  server.respond({429, "", "text/plain", {}});
  HttpRequest request;
  request.url = server.base_url() + "/send";
  CHECK_FALSE(perform(request, fast_options()).retry_after.has_value());
}

TEST_CASE("a failure before any byte of the request left is not_connected; "
          "the TLS handshake broken by the peer is not a trust failure")
{
  const smsotp::test::NoProxy no_proxy;
  for (const auto phase :
       {RawPhase::reset_in_handshake, RawPhase::close_in_handshake}) {
    CAPTURE(static_cast<int>(phase));
    const RawServer server(phase);
    HttpRequest request;
    request.url = "https://127.0.0.1:" + std::to_string(server.port()) + "/";
    const auto response = perform(request, fast_options());
    CHECK(response.transport == Transport::not_connected);
    CHECK(server.connection_count() == 1);
    CHECK(server.request_count() == 0);
  }
}

TEST_CASE("once the request left, every failure without a whole answer is "
          "lost, whatever libcurl's error code")
{
  const smsotp::test::NoProxy no_proxy;
  const std::string ok_body = R"({"sid":"SM1","status":"queued"})";
  const std::vector<std::pair<std::string, std::string>> replies{
      {"garbage status line", "OK 123456\n"},
      {"letter O in the status code",
       raw_answer("HTTP/1.1 2OO OK", {}, ok_body)},
      {"headers only, then close",
       raw_answer(
           "HTTP/1.1 200 OK", {"Content-Type: application/json"}, "", 200)},
      {"body shorter than its Content-Length",
       raw_answer("HTTP/1.1 201 Created",
                  {"Content-Type: application/json"},
                  ok_body,
                  static_cast<long>(ok_body.size()) + 40)},
      {"status line cut in the middle", "HTTP/1.1 20"},
      {"only an interim 100 Continue", "HTTP/1.1 100 Continue\r\n\r\n"},
  };
  for (const auto& item : replies) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& name = std::get<0>(item);
    const auto& reply = std::get<1>(item);
    CAPTURE(name);
    const RawServer server(RawPhase::reply, reply);
    HttpRequest request;
    request.url = server.base_url() + "/send";
    request.body = "To=%2B15551234567";
    const auto response = perform(request, fast_options());
    CHECK(response.transport == Transport::lost);
    CHECK(server.request_count() == 1);
  }
  const RawServer dropped(RawPhase::reset_after_request);
  HttpRequest request;
  request.url = dropped.base_url() + "/send";
  request.body = "To=%2B15551234567";
  CHECK(perform(request, fast_options()).transport == Transport::lost);
  CHECK(dropped.request_count() == 1);
}

TEST_CASE("an oversized response body is cut off and reported lost")
{
  const smsotp::test::NoProxy no_proxy;
  FakeHttpServer server;
  server.respond({200,
                  std::string(smsotp::provider::k_max_response_body + 1, 'x'),
                  "text/plain",
                  {}});
  HttpRequest request;
  request.url = server.base_url() + "/send";
  const auto response = perform(request, fast_options());
  CHECK(response.transport == Transport::lost);
  CHECK(response.body.size() <= smsotp::provider::k_max_response_body);
}

TEST_CASE("a refused connection is not_connected")
{
  const smsotp::test::NoProxy no_proxy;
  const smsotp::test::ClosedPort closed;
  HttpRequest request;
  request.url = closed.base_url() + "/send";
  const auto started = std::chrono::steady_clock::now();
  const auto response = perform(request, fast_options());
  CHECK(response.transport == Transport::not_connected);
  CHECK_FALSE(response.error.empty());
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
}

TEST_CASE("perform refuses plain http to a non-loopback host")
{
  const smsotp::test::NoProxy no_proxy;
  // 0.0.0.0 is not a loopback name, so only https is allowed; were plain
  // http let through, the connection would go to the closed local port.
  const smsotp::test::ClosedPort closed;
  HttpRequest request;
  request.url = "http://0.0.0.0:" + std::to_string(closed.port()) + "/send";
  const auto response = perform(request, fast_options());
  CHECK(response.transport != Transport::ok);
  CHECK(response.status == 0);
  CHECK_CONTAINS(response.error, "not supported or disabled");
}

TEST_CASE("through a proxy, the CONNECT request is not ours: a tunnel refused "
          "or a handshake broken inside it is not_connected")
{
  const std::vector<std::pair<std::string, std::string>> proxies{
      {"CONNECT refused", raw_answer("HTTP/1.1 403 Forbidden", {}, "")},
      {"tunnel open, then closed during the TLS handshake",
       "HTTP/1.1 200 Connection established\r\n\r\n"},
  };
  for (const auto& item : proxies) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& name = std::get<0>(item);
    const auto& reply = std::get<1>(item);
    CAPTURE(name);
    const RawServer proxy(RawPhase::reply, reply);
    const smsotp::test::ScopedEnv https_proxy("https_proxy", proxy.base_url());
    const smsotp::test::ScopedEnv upper("HTTPS_PROXY", std::nullopt);
    const smsotp::test::ScopedEnv all("ALL_PROXY", std::nullopt);
    const smsotp::test::ScopedEnv no_proxy("no_proxy", std::nullopt);
    const smsotp::test::ScopedEnv no_proxy_upper("NO_PROXY", std::nullopt);
    HttpRequest request;
    request.url = "https://127.0.0.1:9/send";
    request.body = "To=%2B15551234567";
    const auto response = perform(request, fast_options());
    CAPTURE(response.error);
    CHECK(response.transport == Transport::not_connected);
    CHECK(proxy.request_count() == 1);
  }
}
