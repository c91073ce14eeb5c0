// Tests for src/provider/http_outcome.cpp: what an HTTP exchange means for
// delivery, shared by every HTTP provider.

#include "provider/base/http_outcome.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

using smsotp::core::SendStatus;
using smsotp::provider::classify_send_answer;
using smsotp::provider::HttpResponse;
using smsotp::provider::Transport;

namespace {

HttpResponse response(Transport transport,
                      long status = 0,
                      std::optional<std::int64_t> retry_after = std::nullopt)
{
  HttpResponse result;
  result.transport = transport;
  result.status = status;
  result.retry_after = retry_after;
  result.error = "curl said so";
  return result;
}

} // namespace

TEST_CASE("transport failures decide between not sent and unknown")
{
  const auto refused =
      classify_send_answer(response(Transport::not_connected), "p");
  REQUIRE(refused.has_value());
  CHECK(refused->status == SendStatus::temporary);
  CHECK(refused->provider == "p");
  REQUIRE(refused->retry_after.has_value());
  CHECK(*refused->retry_after > 0);
  CHECK_CONTAINS(refused->detail, "curl said so");

  const auto tls =
      classify_send_answer(response(Transport::tls_untrusted), "p");
  REQUIRE(tls.has_value());
  CHECK(tls->status == SendStatus::permanent);
  CHECK_CONTAINS(tls->detail, "ca_file");

  const auto unsent =
      classify_send_answer(response(Transport::interrupted_unsent), "p");
  REQUIRE(unsent.has_value());
  CHECK(unsent->status == SendStatus::temporary);
  CHECK_CONTAINS(unsent->detail, "not sent");

  for (const auto transport : {Transport::lost, Transport::interrupted}) {
    const auto outcome = classify_send_answer(response(transport), "p");
    REQUIRE(outcome.has_value());
    CHECK(outcome->status == SendStatus::unknown);
    REQUIRE(outcome->retry_after.has_value());
    CHECK(*outcome->retry_after > 0);
  }
}

TEST_CASE("status codes that decide alone")
{
  for (const long status : {401L, 403L}) {
    const auto outcome =
        classify_send_answer(response(Transport::ok, status), "p");
    REQUIRE(outcome.has_value());
    CHECK(outcome->status == SendStatus::auth);
  }
  const auto limited =
      classify_send_answer(response(Transport::ok, 429, 7), "p");
  REQUIRE(limited.has_value());
  CHECK(limited->status == SendStatus::temporary);
  CHECK(limited->retry_after == 7);
  const auto limited_default =
      classify_send_answer(response(Transport::ok, 429), "p");
  REQUIRE(limited_default.has_value());
  REQUIRE(limited_default->retry_after.has_value());
  CHECK(*limited_default->retry_after > 0);

  for (const long status : {500L, 502L, 503L, 504L, 100L}) {
    CAPTURE(status);
    const auto outcome =
        classify_send_answer(response(Transport::ok, status), "p");
    REQUIRE(outcome.has_value());
    CHECK(outcome->status == SendStatus::unknown);
  }
}

TEST_CASE("for a send, a redirect is unknown: the server read the request")
{
  for (const long status : {301L, 302L, 303L, 307L, 308L}) {
    CAPTURE(status);
    const auto outcome =
        classify_send_answer(response(Transport::ok, status, 5), "p");
    REQUIRE(outcome.has_value());
    CHECK(outcome->status == SendStatus::unknown);
    CHECK(outcome->retry_after == 5);
    CHECK_CONTAINS(outcome->detail, "redirect");
    CHECK_CONTAINS(outcome->detail, "delivery status unknown");
  }
  const auto unhinted = classify_send_answer(response(Transport::ok, 302), "p");
  REQUIRE(unhinted.has_value());
  CHECK(unhinted->retry_after == 30);
}

TEST_CASE("2xx and other 4xx need the provider's reading of the body")
{
  for (const long status : {200L, 201L, 202L, 400L, 404L, 422L}) {
    CAPTURE(status);
    CHECK_FALSE(classify_send_answer(response(Transport::ok, status), "p"));
  }
}

TEST_CASE("control characters in libcurl's error are escaped")
{
  auto failed = response(Transport::lost);
  failed.error = "bad\r\nX-Injected: 1\x1b[2J";
  const auto outcome = classify_send_answer(failed, "p");
  REQUIRE(outcome.has_value());
  CHECK_NOT_CONTAINS(outcome->detail, "\n");
  CHECK_NOT_CONTAINS(outcome->detail, "\x1b");
}
