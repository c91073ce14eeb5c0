// The failure classes every HTTP provider kind shares (HttpProvider and
// http_outcome.cpp), checked once per kind from one table: a kind-specific
// reading of bodies must never override them. Kind-specific answers are in
// each kind's own test file.

#include "provider_test_util.hpp"

#include <doctest/doctest.h>

namespace smsotp::test::common_cases {

namespace {

// One minimal, valid provider table per kind, secrets inline.
std::string kind_toml(const std::string& kind, const std::string& base_url)
{
  std::string body;
  if (kind == "twilio") {
    body = "account_sid = \"AC" + std::string(32, 'a')
           + "\"\nfrom = \"+15017122661\"\nauth_token = \"t\"\n";
  } else if (kind == "plivo") {
    body = "auth_id = \"MA1\"\nsrc = \"+15017122661\"\nauth_token = \"t\"\n";
  } else if (kind == "vonage") {
    body = "api_key = \"abcd1234\"\nfrom = \"Acme\"\napi_secret = \"s\"\n";
  } else if (kind == "telnyx") {
    body = "from = \"+15017122661\"\napi_key = \"k\"\n";
  } else if (kind == "sinch") {
    body =
        "service_plan_id = \"p\"\nfrom = \"+15017122661\"\napi_token = \"t\"\n";
  } else if (kind == "messagebird") {
    body = "originator = \"Acme\"\naccess_key = \"k\"\n";
  } else if (kind == "clicksend") {
    body = "username = \"u\"\napi_key = \"k\"\n";
  }
  return "[provider.p]\nkind = \"" + kind + "\"\n" + body + "base_url = \""
         + base_url + "\"\n";
}

const core::Message k_message{"+15558675310", "Your code is 123456"};

const std::vector<std::string> k_kinds{
    "twilio", "plivo", "vonage", "telnyx", "sinch", "messagebird", "clicksend"};

core::SendResult send_to(const std::string& kind,
                         const std::string& base_url,
                         const std::string& extra)
{
  return provider_from_toml(kind_toml(kind, base_url) + extra)->send(k_message);
}

} // namespace

TEST_CASE("every kind: shared failure classes and request counts")
{
  for (const auto& kind : k_kinds) {
    CAPTURE(kind);
    {
      const FakeServer server(json_answer(401, "{}"));
      CHECK(send_to(kind, server.base_url(), "").status
            == core::SendStatus::auth);
    }
    {
      // 429 with a long Retry-After: not retried, reported as temporary.
      const FakeServer server(json_answer(429, "{}", "30"));
      const auto result = send_to(kind, server.base_url(), "");
      CHECK(result.status == core::SendStatus::temporary);
      CHECK(result.retry_after == 30);
      CHECK(server.requests().size() == 1);
    }
    {
      // 429 with a short Retry-After: retried, bounded by `retries`.
      const FakeServer server(json_answer(429, "{}", "0"));
      CHECK(send_to(kind, server.base_url(), "retries = 1\n").status
            == core::SendStatus::temporary);
      CHECK(server.requests().size() == 2);
    }
    {
      // 500: the provider may have acted, so never resent.
      const FakeServer server(json_answer(500, "{}"));
      CHECK(send_to(kind, server.base_url(), "retries = 2\n").status
            == core::SendStatus::unknown);
      CHECK(server.requests().size() == 1);
    }
    CHECK(send_to(kind,
                  "http://127.0.0.1:" + std::to_string(closed_port()),
                  "retries = 0\n")
              .status
          == core::SendStatus::temporary);
  }
}

} // namespace smsotp::test::common_cases
