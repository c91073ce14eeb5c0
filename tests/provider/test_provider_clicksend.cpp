// The `clicksend` provider against the clicksend 5.1.7 SDK wire captures
// and a fake REST v3 endpoint on 127.0.0.1. Secret-bearing values are
// compared as bools so that a failing check never prints the Basic header
// or the code.

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

namespace clicksend_cases {

namespace {

// The capture's dummy credentials: user:APIKEY.
std::string config(const std::string& base_url, const std::string& extra = "")
{
  return "[provider.cs]\nkind = \"clicksend\"\nusername = \"user\"\n"
         "from = \"Acme\"\napi_key = \"APIKEY\"\nbase_url = \""
         + base_url + "\"\n" + extra;
}

const Message k_message{"+61411111111", "Your code is 123456"};

// A 200 answer whose one message has `status` (and an id).
std::string queued(const std::string& status)
{
  return R"({"http_code":200,"response_code":"SUCCESS","response_msg":)"
         R"("Messages queued for delivery.","data":{"total_price":0.07,)"
         R"("queued_count":1,"messages":[{"direction":"out",)"
         R"("to":"+61411111111","body":"Your code is 123456",)"
         R"("message_id":"BF7AD270-0DE2-418B-B606-71D527D9C1AE",)"
         R"("status":")"
         + status + R"("}]}})";
}

} // namespace

TEST_CASE("clicksend: send request matches the SDK capture")
{
  const auto capture = smsotp::test::wire_capture("clicksend", "smsSendPost");
  if (!capture) {
    return;
  }
  FakeServer server(json_answer(200, queued("SUCCESS")));
  auto provider = provider_from_toml(config(server.base_url()));
  const auto result = provider->send(k_message);
  CHECK(result.status == SendStatus::sent);
  CHECK(result.message_id == "BF7AD270-0DE2-418B-B606-71D527D9C1AE");

  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  const auto& got = requests[0];
  const auto& want = capture->at("request");
  CHECK(got.method == want.at("method").get<std::string>());
  CHECK(got.path == want.at("path").get<std::string>());
  const auto& headers = want.at("headers");
  CHECK(got.headers.at("content-type")
        == headers.at("content-type").get<std::string>());
  CHECK(got.headers.at("accept") == headers.at("accept").get<std::string>());
  const bool same_auth = got.headers.at("authorization")
                         == headers.at("authorization").get<std::string>();
  CHECK(same_auth);
  // The one intended difference: "source" names the sending application in
  // ClickSend's reports; the SDK sends "sdk", smsotp sends "smsotp".
  // Everything else (fields, values, order) is the SDK's body.
  auto expected = nlohmann::json::parse(want.at("body").get<std::string>());
  CHECK(expected.at("messages").at(0).at("source") == "sdk");
  expected["messages"][0]["source"] = "smsotp";
  const bool same_body = nlohmann::json::parse(got.body) == expected;
  CHECK(same_body);
}

TEST_CASE("clicksend: without `from` the field is left out")
{
  FakeServer server(json_answer(200, queued("SUCCESS")));
  auto provider = provider_from_toml(
      "[provider.cs]\nkind = \"clicksend\"\nusername = \"user\"\n"
      "api_key = \"APIKEY\"\nbase_url = \""
      + server.base_url() + "\"\n");
  CHECK(provider->send(k_message).status == SendStatus::sent);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  const auto body = nlohmann::json::parse(requests[0].body);
  CHECK_FALSE(body.at("messages").at(0).contains("from"));
}

TEST_CASE("clicksend: per-message status under HTTP 200")
{
  SUBCASE("INVALID_RECIPIENT rejects the number")
  {
    FakeServer server(json_answer(200, queued("INVALID_RECIPIENT")));
    auto provider = provider_from_toml(config(server.base_url()));
    const auto result = provider->send(k_message);
    CHECK(result.status == SendStatus::permanent);
    CHECK(result.rejected_recipient);
    CHECK(result.detail.find("INVALID_RECIPIENT") != std::string::npos);
    CHECK(result.detail.find("411111111") == std::string::npos);
    CHECK(server.requests().size() == 1);
  }
  SUBCASE("INSUFFICIENT_CREDIT is permanent, not about the number")
  {
    FakeServer server(json_answer(200, queued("INSUFFICIENT_CREDIT")));
    auto provider = provider_from_toml(config(server.base_url()));
    const auto result = provider->send(k_message);
    CHECK(result.status == SendStatus::permanent);
    CHECK_FALSE(result.rejected_recipient);
  }
  SUBCASE("any other status is permanent")
  {
    FakeServer server(json_answer(200, queued("COUNTRY_NOT_ENABLED")));
    auto provider = provider_from_toml(config(server.base_url()));
    const auto result = provider->send(k_message);
    CHECK(result.status == SendStatus::permanent);
    CHECK_FALSE(result.rejected_recipient);
    CHECK(result.detail.find("COUNTRY_NOT_ENABLED") != std::string::npos);
  }
  SUBCASE("SUCCESS without a message_id is unknown")
  {
    FakeServer server(json_answer(
        200,
        R"({"http_code":200,"data":{"messages":[{"status":"SUCCESS"}]}})"));
    auto provider = provider_from_toml(config(server.base_url()));
    CHECK(provider->send(k_message).status == SendStatus::unknown);
  }
  SUBCASE("no messages at all is unknown")
  {
    FakeServer server(json_answer(200, R"({"http_code":200,"data":{}})"));
    auto provider = provider_from_toml(config(server.base_url()));
    CHECK(provider->send(k_message).status == SendStatus::unknown);
  }
}

TEST_CASE("clicksend: failure classes")
{
  SUBCASE("400 BAD_REQUEST is permanent and shows the code only")
  {
    FakeServer server(json_answer(
        400,
        R"({"http_code":400,"response_code":"BAD_REQUEST",)"
        R"("response_msg":"Your code is 123456 is bad","data":null})"));
    auto provider = provider_from_toml(config(server.base_url()));
    const auto result = provider->send(k_message);
    CHECK(result.status == SendStatus::permanent);
    CHECK_FALSE(result.rejected_recipient);
    CHECK(result.detail.find("BAD_REQUEST") != std::string::npos);
    const std::string code = "123456"; // echoed in response_msg
    CHECK(result.detail.find(code) == std::string::npos);
  }
  SUBCASE("2xx with an HTML body is unknown")
  {
    FakeServer server([](const RecordedRequest&, httplib::Response& response) {
      response.status = 200;
      response.set_content("<html>proxy login</html>", "text/html");
    });
    auto provider = provider_from_toml(config(server.base_url()));
    CHECK(provider->send(k_message).status == SendStatus::unknown);
    CHECK(server.requests().size() == 1);
  }
}

TEST_CASE("clicksend: check matches the account capture and reads balance")
{
  FakeServer server(json_answer(
      200,
      R"({"http_code":200,"response_code":"SUCCESS","data":{"user_id":1,)"
      R"("balance":"12.345000","_currency":{"currency_name_short":"AUD",)"
      R"("currency_prefix_d":"$"}}})"));
  auto provider = provider_from_toml(config(server.base_url()));
  const auto result = provider->check();
  CHECK(result.status == CheckResult::Status::ok);
  CHECK(smsotp::core::balance_text(result.balance) == "12.345000 AUD");
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].path != "/v3/sms/send");

  const auto capture = smsotp::test::wire_capture("clicksend", "accountGet");
  if (!capture) {
    return;
  }
  const auto& want = capture->at("request");
  CHECK(requests[0].method == want.at("method").get<std::string>());
  CHECK(requests[0].path == want.at("path").get<std::string>());
  CHECK(requests[0].headers.at("accept")
        == want.at("headers").at("accept").get<std::string>());
  const bool same_auth =
      requests[0].headers.at("authorization")
      == want.at("headers").at("authorization").get<std::string>();
  CHECK(same_auth);
  CHECK(requests[0].body.empty());
}

TEST_CASE("clicksend: check maps 401 to a credential failure")
{
  FakeServer server(json_answer(401, R"({"response_code":"UNAUTHORIZED"})"));
  auto provider = provider_from_toml(config(server.base_url()));
  CHECK(provider->check().status == CheckResult::Status::credentials_rejected);
  for (const auto& request : server.requests()) {
    CHECK(request.path == "/v3/account");
  }
}

TEST_CASE("clicksend: describe_request redacts the Basic credentials")
{
  // A named constant, so that even a --success run never prints it.
  const std::string secret = "clicksend-secret-key-value";
  const ScopedEnv env("SMSOTP_TEST_CS_KEY", secret);
  auto provider = provider_from_toml("[provider.cs]\nkind = \"clicksend\"\n"
                                     "username = \"user\"\n"
                                     "api_key_env = \"SMSOTP_TEST_CS_KEY\"\n");
  const auto text = provider->describe_request({"+61411111111", "code ******"});
  CHECK(text.find(secret) == std::string::npos);
  // Neither the key nor user:key in base64.
  CHECK(text.find("dXNlcj") == std::string::npos);
  CHECK(text.find("Authorization: Basic [redacted]") != std::string::npos);
  CHECK(text.find("POST https://rest.clicksend.com/v3/sms/send")
        != std::string::npos);
}

TEST_CASE("clicksend: configuration errors exit 78 and name the key")
{
  SUBCASE("missing username")
  {
    const auto [code, message] = provider_config_error(
        "[provider.cs]\nkind = \"clicksend\"\napi_key = \"k\"\n");
    CHECK(code == 78);
    CHECK(message.find("username") != std::string::npos);
  }
  SUBCASE("unknown key")
  {
    const auto [code, message] = provider_config_error(
        config("https://rest.example.com", "sender = \"Acme\"\n"));
    CHECK(code == 78);
    CHECK(message.find("'sender'") != std::string::npos);
  }
}

} // namespace clicksend_cases
