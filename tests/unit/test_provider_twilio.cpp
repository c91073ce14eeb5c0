// Tests for src/provider/twilio.cpp against a fake Twilio on 127.0.0.1.

#include "core/config.hpp"
#include "fake_http.hpp"
#include "provider/base/provider.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

using smsotp::core::ExitCode;
using smsotp::core::SendStatus;
using smsotp::test::CannedResponse;
using smsotp::test::catch_error;
using smsotp::test::FakeHttpServer;
using smsotp::test::ScopedEnv;

namespace {

// The dummy credentials of shared/provider-specs/sdk-wire-captures.json.
const std::string k_sid = "AC" + std::string(32, 'a');
const std::string k_token = "authtoken";
const std::string k_captured_auth =
    "Basic QUNhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYTphdXRodG9rZW4=";
const smsotp::core::Message k_message{"+15558675310",
                                      "Your code is 123456 & \xc3\xbc"};

std::unique_ptr<smsotp::provider::Provider>
twilio(const std::string& base_url, const std::string& extra = "")
{
  smsotp::core::Config config;
  smsotp::core::parse_config_text(
      config,
      "[provider.tw]\nkind = \"twilio\"\naccount_sid = \"" + k_sid
          + "\"\nfrom = \"+15017122661\"\n"
            "auth_token_env = \"SMSOTP_TEST_TWILIO_TOKEN\"\n"
            "timeout = \"3s\"\nconnect_timeout = \"2s\"\nbase_url = \""
          + base_url + "\"\n" + extra,
      "t.toml",
      "/tmp");
  return smsotp::provider::make_provider(config.providers.front(), {});
}

struct Fixture
{
  smsotp::test::NoProxy no_proxy;
  ScopedEnv token{"SMSOTP_TEST_TWILIO_TOKEN", k_token};
  FakeHttpServer server;

  smsotp::core::SendResult send(const CannedResponse& response)
  {
    server.respond(response);
    const auto provider = twilio(server.base_url());
    provider->prepare();
    return provider->send(k_message);
  }
};

} // namespace

TEST_CASE("twilio sends the request the official SDK sends")
{
  Fixture fixture;
  const auto result = fixture.send(
      {201, R"({"sid":"SM0123","status":"queued"})", "application/json", {}});
  CHECK(result.status == SendStatus::sent);
  CHECK(result.message_id == "SM0123");
  CHECK(result.provider == "tw");
  const auto requests = fixture.server.requests();
  REQUIRE(requests.size() == 1);
  const auto& request = requests[0];
  CHECK(request.method == "POST");
  CHECK(request.path == "/2010-04-01/Accounts/" + k_sid + "/Messages.json");
  CHECK(request.header("Authorization") == k_captured_auth);
  CHECK_CONTAINS(request.header("Content-Type"),
                 "application/x-www-form-urlencoded");
  CHECK(request.body
        == "To=%2B15558675310&From=%2B15017122661&Body=Your%20"
           "code%20is%20123456%20%26%20%C3%BC");
  CHECK(request.param("To") == k_message.to);
  CHECK(request.param("Body") == k_message.text);
}

TEST_CASE("twilio can send through a messaging service")
{
  const smsotp::test::NoProxy no_proxy;
  const ScopedEnv token("SMSOTP_TEST_TWILIO_TOKEN", k_token);
  FakeHttpServer server;
  server.respond({201, R"({"sid":"SM1"})", "application/json", {}});
  smsotp::core::Config config;
  smsotp::core::parse_config_text(
      config,
      "[provider.tw]\nkind = \"twilio\"\naccount_sid = \"" + k_sid
          + "\"\nmessaging_service_sid = \"MG1\"\n"
            "auth_token_env = \"SMSOTP_TEST_TWILIO_TOKEN\"\nbase_url = \""
          + server.base_url() + "/\"\n",
      "t.toml",
      "/tmp");
  const auto provider =
      smsotp::provider::make_provider(config.providers.front(), {});
  provider->prepare();
  CHECK(provider->send(k_message).status == SendStatus::sent);
  REQUIRE(server.requests().size() == 1);
  CHECK(server.requests()[0].param("MessagingServiceSid") == "MG1");
  CHECK(server.requests()[0].param("From").empty());
  CHECK(server.requests()[0].path.starts_with("/2010-04-01/"));
}

TEST_CASE("twilio maps a rejected number to permanent")
{
  Fixture fixture;
  const auto result = fixture.send(
      {400,
       R"({"code":21211,"message":"The 'To' number +15558675310 is not valid.","status":400})",
       "application/json",
       {}});
  CHECK(result.status == SendStatus::permanent);
  CHECK_CONTAINS(result.detail, "21211");
  CHECK_NOT_CONTAINS(result.detail, "+15558675310");
}

TEST_CASE("twilio maps 401 to auth and never shows the token")
{
  Fixture fixture;
  const auto result =
      fixture.send({401,
                    R"({"code":20003,"message":"Authenticate"})",
                    "application/json",
                    {}});
  CHECK(result.status == SendStatus::auth);
  CHECK_NOT_CONTAINS(result.detail, k_token);
}

TEST_CASE("twilio maps 429 to temporary with Retry-After")
{
  Fixture fixture;
  const auto result = fixture.send(
      {429, R"({"code":20429})", "application/json", {{"Retry-After", "7"}}});
  CHECK(result.status == SendStatus::temporary);
  CHECK(result.retry_after == 7);
}

TEST_CASE("twilio maps 500 and unusable 2xx answers to unknown")
{
  Fixture fixture;
  CHECK(fixture.send({500, "oops", "text/plain", {}}).status
        == SendStatus::unknown);
  const auto html =
      fixture.send({200,
                    "<html><body>Welcome to the hotel wifi</body></html>",
                    "text/html",
                    {}});
  CHECK(html.status == SendStatus::unknown);
  REQUIRE(html.retry_after.has_value());
  CHECK(*html.retry_after > 0);
  CHECK(fixture.send({201, R"({"status":"queued"})", "application/json", {}})
            .status
        == SendStatus::unknown);
  CHECK(fixture.send({201, R"({"sid":"SM1", "sta)", "application/json", {}})
            .status
        == SendStatus::unknown);
}

TEST_CASE("twilio reports a failed message status as permanent")
{
  Fixture fixture;
  CHECK(fixture
            .send({201,
                   R"({"sid":"SM1","status":"failed"})",
                   "application/json",
                   {}})
            .status
        == SendStatus::permanent);
}

TEST_CASE("twilio maps a refused connection to temporary")
{
  const smsotp::test::NoProxy no_proxy;
  const ScopedEnv token("SMSOTP_TEST_TWILIO_TOKEN", k_token);
  const smsotp::test::ClosedPort closed;
  const auto provider = twilio(closed.base_url());
  provider->prepare();
  const auto result = provider->send(k_message);
  CHECK(result.status == SendStatus::temporary);
  REQUIRE(result.retry_after.has_value());
  CHECK(*result.retry_after > 0);
}

TEST_CASE("twilio without its token is a config error and sends nothing")
{
  Fixture fixture;
  const ScopedEnv unset("SMSOTP_TEST_TWILIO_TOKEN", std::nullopt);
  const auto provider = twilio(fixture.server.base_url());
  const auto caught = catch_error([&] { provider->prepare(); });
  CHECK(caught.code == ExitCode::config);
  CHECK_CONTAINS(caught.message, "SMSOTP_TEST_TWILIO_TOKEN");
  CHECK(fixture.server.requests().empty());
}

TEST_CASE("describe_request redacts the credentials")
{
  const ScopedEnv token("SMSOTP_TEST_TWILIO_TOKEN", k_token);
  const auto provider = twilio("https://api.twilio.com");
  const auto text = provider->describe_request({"+15558675310", "code ******"});
  CHECK_CONTAINS(text, "[redacted]");
  CHECK_CONTAINS(text, "POST https://api.twilio.com/2010-04-01/Accounts/");
  CHECK_CONTAINS(text, "Body=code%20%2A%2A%2A%2A%2A%2A");
  CHECK_NOT_CONTAINS(text, k_token);
  CHECK_NOT_CONTAINS(text, k_captured_auth.substr(6));
  const auto info = provider->info();
  REQUIRE(info.secrets.size() == 1);
  CHECK(info.secrets[0].second.describe()
        == "environment $SMSOTP_TEST_TWILIO_TOKEN");
}

TEST_CASE("twilio configuration errors")
{
  const std::vector<std::pair<std::string, std::string>> cases{
      {"[provider.tw]\nkind = \"twilio\"\nfrom = \"+1555\"\n"
       "auth_token_env = \"X\"\n",
       "account_sid"},
      {"[provider.tw]\nkind = \"twilio\"\naccount_sid = \"AC123\"\nfrom = "
       "\"+1555\"\n"
       "auth_token_env = \"X\"\n",
       "account_sid"},
      {"[provider.tw]\nkind = \"twilio\"\naccount_sid = \"" + k_sid
           + "\"\nauth_token_env = \"X\"\n",
       "exactly one"},
      {"[provider.tw]\nkind = \"twilio\"\naccount_sid = \"" + k_sid
           + "\"\nfrom = \"+1\"\nmessaging_service_sid = \"MG1\"\n"
             "auth_token_env = \"X\"\n",
       "exactly one"},
      {"[provider.tw]\nkind = \"twilio\"\naccount_sid = \"" + k_sid
           + "\"\nfrom = \"+1\"\nbase_url = \"http://api.twilio.com\"\n",
       "https"},
      {"[provider.tw]\nkind = \"twilio\"\naccount_sid = \"" + k_sid
           + "\"\nfrom = \"+1\"\ntimeout = \"10m\"\n",
       "timeout"},
  };
  for (const auto& item : cases) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& table = std::get<0>(item);
    const auto& why = std::get<1>(item);
    CAPTURE(table);
    smsotp::core::Config config;
    smsotp::core::parse_config_text(config, table, "t.toml", "/tmp");
    const auto caught = catch_error(
        [&] { smsotp::provider::make_provider(config.providers.front(), {}); });
    CHECK(caught.code == ExitCode::config);
    CHECK(caught.message.starts_with("t.toml:"));
    CHECK_CONTAINS(caught.message, why);
  }
}
