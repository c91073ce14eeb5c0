// The `messagebird` provider (legacy REST) against a fake endpoint on
// 127.0.0.1. MessageBird's SDK hard-codes its host, so there is no wire
// capture: the request is checked against the documented shape
// (research/providers.md §2.6). Secret-bearing values are compared as bools
// so that a failing check never prints the key or the code.

#include "core/error.hpp"
#include "provider_test_util.hpp"

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <cstdlib>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using smsotp::core::CheckResult;
using smsotp::core::Message;
using smsotp::core::SendStatus;
using smsotp::test::FakeServer;
using smsotp::test::json_answer;
using smsotp::test::provider_config_error;
using smsotp::test::provider_from_toml;
using smsotp::test::RecordedRequest;
using smsotp::test::ScopedEnv;

namespace messagebird_cases {

namespace {

const std::string k_key = "test_gshuPaZoeEG6ovbc8M79w0QyM";

std::string config(const std::string& base_url, const std::string& extra = "")
{
  return "[provider.mb]\nkind = \"messagebird\"\noriginator = \"Acme\"\n"
         "access_key = \""
         + k_key + "\"\nbase_url = \"" + base_url + "\"\n" + extra;
}

const Message k_message{"+31612345678", "Your code is 123456"};

const std::string k_created =
    R"({"id":"e8077d803532c0b5937c639b60216938","direction":"mt",)"
    R"("type":"sms","originator":"Acme","recipients":{"totalCount":1,)"
    R"("totalSentCount":1,"items":[{"recipient":31612345678,)"
    R"("status":"sent"}]}})";

std::string errors(int code, const std::string& parameter)
{
  return R"({"errors":[{"code":)" + std::to_string(code)
         + R"J(,"description":"no (+31612345678)","parameter":)J"
         + (parameter.empty() ? "null" : "\"" + parameter + "\"") + "}]}";
}

} // namespace

TEST_CASE("messagebird: send request has the documented shape")
{
  FakeServer server(json_answer(201, k_created));
  auto provider = provider_from_toml(config(server.base_url()));
  const auto result = provider->send(k_message);
  CHECK(result.status == SendStatus::sent);
  CHECK(result.message_id == "e8077d803532c0b5937c639b60216938");

  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  const auto& got = requests[0];
  CHECK(got.method == "POST");
  CHECK(got.path == "/messages");
  CHECK(got.headers.at("content-type") == "application/json");
  const bool auth = got.headers.at("authorization") == "AccessKey " + k_key;
  CHECK(auth);
  // recipients: digits without '+', as a string (what the official SDK
  // sends after joining its list; see messagebird.cpp).
  const auto expected = nlohmann::json::parse(
      R"({"originator":"Acme","recipients":"31612345678",)"
      R"("body":"Your code is 123456"})");
  const bool same_body = nlohmann::json::parse(got.body) == expected;
  CHECK(same_body);
}

TEST_CASE("messagebird: error codes")
{
  SUBCASE("code 10 on recipients rejects the number")
  {
    FakeServer server(json_answer(422, errors(10, "recipients")));
    auto provider = provider_from_toml(config(server.base_url()));
    const auto result = provider->send(k_message);
    CHECK(result.status == SendStatus::permanent);
    CHECK(result.rejected_recipient);
    CHECK(result.detail.find("10 on recipients") != std::string::npos);
    CHECK(result.detail.find("612345678") == std::string::npos);
    CHECK(server.requests().size() == 1);
  }
  SUBCASE("code 10 on originator is permanent but allows failover")
  {
    FakeServer server(json_answer(422, errors(10, "originator")));
    auto provider = provider_from_toml(config(server.base_url()));
    const auto result = provider->send(k_message);
    CHECK(result.status == SendStatus::permanent);
    CHECK_FALSE(result.rejected_recipient);
  }
  SUBCASE("code 9 (missing parameter) is permanent")
  {
    FakeServer server(json_answer(422, errors(9, "body")));
    auto provider = provider_from_toml(config(server.base_url()));
    const auto result = provider->send(k_message);
    CHECK(result.status == SendStatus::permanent);
    CHECK_FALSE(result.rejected_recipient);
  }
  SUBCASE("code 25 (no balance) is permanent, not about the number")
  {
    FakeServer server(json_answer(422, errors(25, "")));
    auto provider = provider_from_toml(config(server.base_url()));
    const auto result = provider->send(k_message);
    CHECK(result.status == SendStatus::permanent);
    CHECK_FALSE(result.rejected_recipient);
    CHECK(result.detail.find("balance") != std::string::npos);
  }
  SUBCASE("code 2 is a credential failure whatever the status")
  {
    FakeServer server(json_answer(422, errors(2, "access_key")));
    auto provider = provider_from_toml(config(server.base_url()));
    CHECK(provider->send(k_message).status == SendStatus::auth);
  }
}

TEST_CASE("messagebird: failure classes")
{
  SUBCASE("2xx with truncated JSON is unknown")
  {
    FakeServer server(json_answer(201, R"({"id":"e8077d80)"));
    auto provider = provider_from_toml(config(server.base_url()));
    CHECK(provider->send(k_message).status == SendStatus::unknown);
    CHECK(server.requests().size() == 1);
  }
  SUBCASE("2xx without an id is unknown")
  {
    FakeServer server(json_answer(201, R"({"recipients":{"totalCount":1}})"));
    auto provider = provider_from_toml(config(server.base_url()));
    CHECK(provider->send(k_message).status == SendStatus::unknown);
  }
}

TEST_CASE("messagebird: check reads the balance and never sends")
{
  SUBCASE("accepted, with amount and type")
  {
    FakeServer server(json_answer(
        200, R"({"payment":"prepaid","type":"credits","amount":10.5})"));
    auto provider = provider_from_toml(config(server.base_url()));
    const auto result = provider->check();
    CHECK(result.status == CheckResult::Status::ok);
    CHECK(smsotp::core::balance_text(result.balance) == "10.5 credits");
    const auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].method == "GET");
    CHECK(requests[0].path == "/balance");
    const bool auth =
        requests[0].headers.at("authorization") == "AccessKey " + k_key;
    CHECK(auth);
  }
  SUBCASE("401 is a credential failure")
  {
    FakeServer server(json_answer(401, errors(2, "")));
    auto provider = provider_from_toml(config(server.base_url()));
    CHECK(provider->check().status
          == CheckResult::Status::credentials_rejected);
    for (const auto& request : server.requests()) {
      CHECK(request.path != "/messages");
    }
  }
}

TEST_CASE("messagebird: describe_request redacts the key")
{
  // A named constant, so that even a --success run never prints it.
  const std::string secret = "live_messagebird-secret-value";
  const ScopedEnv env("SMSOTP_TEST_MB_KEY", secret);
  auto provider =
      provider_from_toml("[provider.mb]\nkind = \"messagebird\"\n"
                         "originator = \"Acme\"\n"
                         "access_key_env = \"SMSOTP_TEST_MB_KEY\"\n");
  const auto text = provider->describe_request({"+31612345678", "code ******"});
  CHECK(text.find(secret) == std::string::npos);
  CHECK(text.find("Authorization: AccessKey [redacted]") != std::string::npos);
  CHECK(text.find("POST https://rest.messagebird.com/messages")
        != std::string::npos);
  CHECK(provider->info().sender == "Acme");
}

TEST_CASE("messagebird: configuration errors exit 78 and name the key")
{
  SUBCASE("missing originator")
  {
    const auto [code, message] = provider_config_error(
        "[provider.mb]\nkind = \"messagebird\"\naccess_key = \"k\"\n");
    CHECK(code == 78);
    CHECK(message.find("originator") != std::string::npos);
  }
  SUBCASE("unknown key")
  {
    const auto [code, message] = provider_config_error(
        config("https://rest.example.com", "from = \"Acme\"\n"));
    CHECK(code == 78);
    CHECK(message.find("'from'") != std::string::npos);
  }
}

} // namespace messagebird_cases
