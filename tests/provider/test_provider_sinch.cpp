// The `sinch` provider against the @sinch/sms 1.4.0 wire capture and a fake
// xms endpoint on 127.0.0.1. Secret-bearing values are compared as bools so
// that a failing check never prints the token or the code.

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

namespace sinch_cases {

namespace {

// The capture's dummy credentials.
const std::string k_plan = "PLANID123";
const std::string k_token = "APITOKEN";

std::string config(const std::string& base_url, const std::string& extra = "")
{
  return "[provider.sn]\nkind = \"sinch\"\nservice_plan_id = \"" + k_plan
         + "\"\nfrom = \"+15017122661\"\napi_token = \"" + k_token
         + "\"\nbase_url = \"" + base_url + "\"\n" + extra;
}

const Message k_message{"+15558675310", "Your code is 123456"};

const std::string k_created =
    R"({"id":"01FC66621XXXXX119Z8PMV1QPQ","to":["15558675310"],)"
    R"("from":"15017122661","type":"mt_text","canceled":false})";

} // namespace

TEST_CASE("sinch: send request matches the @sinch/sms capture")
{
  const auto capture = smsotp::test::wire_capture("sinch", "batches.send");
  if (!capture) {
    return;
  }
  FakeServer server(json_answer(201, k_created));
  auto provider = provider_from_toml(config(server.base_url()));
  const auto result = provider->send(k_message);
  CHECK(result.status == SendStatus::sent);
  CHECK(result.message_id == "01FC66621XXXXX119Z8PMV1QPQ");

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
  // Same fields, values and even order as the SDK's body.
  const bool same_body =
      nlohmann::json::parse(got.body)
      == nlohmann::json::parse(want.at("body").get<std::string>());
  CHECK(same_body);
}

TEST_CASE("sinch: region picks the default host; base_url wins")
{
  auto provider = provider_from_toml(
      "[provider.sn]\nkind = \"sinch\"\nservice_plan_id = \"p\"\n"
      "from = \"Acme\"\napi_token = \"t\"\nregion = \"eu\"\n");
  CHECK(provider->info().endpoint == "https://eu.sms.api.sinch.com");
  CHECK(provider->info().sender == "Acme");
  auto plain = provider_from_toml("[provider.sn]\nkind = \"sinch\"\n"
                                  "service_plan_id = \"p\"\nfrom = \"Acme\"\n"
                                  "api_token = \"t\"\n");
  CHECK(plain->info().endpoint == "https://us.sms.api.sinch.com");
  auto explicit_url = provider_from_toml(config("https://sms.example.com/"));
  CHECK(explicit_url->info().endpoint == "https://sms.example.com");
}

TEST_CASE("sinch: invalid recipient is permanent and stops failover")
{
  FakeServer server(json_answer(
      400,
      R"({"code":"syntax_invalid_parameter_format","text":"The format of )"
      R"(parameter 'to[0]' is invalid; value '+15558675310' is not a valid )"
      R"(MSISDN or group ID."})"));
  auto provider = provider_from_toml(config(server.base_url()));
  const auto result = provider->send(k_message);
  CHECK(result.status == SendStatus::permanent);
  CHECK(result.rejected_recipient);
  CHECK(result.detail.find("syntax_invalid_parameter_format")
        != std::string::npos);
  CHECK(result.detail.find("5558675310") == std::string::npos);
  CHECK(server.requests().size() == 1);
}

TEST_CASE("sinch: other 400 is permanent but allows failover")
{
  FakeServer server(
      json_answer(400,
                  R"({"code":"syntax_invalid_parameter_format","text":"The )"
                  R"(format of parameter 'from' is invalid."})"));
  auto provider = provider_from_toml(config(server.base_url()));
  const auto result = provider->send(k_message);
  CHECK(result.status == SendStatus::permanent);
  CHECK_FALSE(result.rejected_recipient);
}

TEST_CASE("sinch: failure classes")
{
  SUBCASE("2xx with an HTML body is unknown")
  {
    FakeServer server([](const RecordedRequest&, httplib::Response& response) {
      response.status = 201;
      response.set_content("<html>portal</html>", "text/html");
    });
    auto provider = provider_from_toml(config(server.base_url()));
    CHECK(provider->send(k_message).status == SendStatus::unknown);
    CHECK(server.requests().size() == 1);
  }
  SUBCASE("2xx without a batch id is unknown")
  {
    FakeServer server(json_answer(201, R"({"type":"mt_text"})"));
    auto provider = provider_from_toml(config(server.base_url()));
    CHECK(provider->send(k_message).status == SendStatus::unknown);
  }
}

TEST_CASE("sinch: check uses a dry run and never the send endpoint")
{
  SUBCASE("accepted")
  {
    FakeServer server(json_answer(
        200, R"({"number_of_recipients":1,"number_of_messages":1})"));
    auto provider = provider_from_toml(config(server.base_url()));
    const auto result = provider->check();
    CHECK(result.status == CheckResult::Status::ok);
    const auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].method == "POST");
    CHECK(requests[0].path == "/xms/v1/PLANID123/batches/dry_run");
    const bool bearer =
        requests[0].headers.at("authorization") == "Bearer " + k_token;
    CHECK(bearer);
    const auto body = nlohmann::json::parse(requests[0].body);
    CHECK(body.at("from") == "+15017122661");
    CHECK(body.at("to").is_array());
  }
  SUBCASE("401 is a credential failure")
  {
    FakeServer server(json_answer(401, "{}"));
    auto provider = provider_from_toml(config(server.base_url()));
    CHECK(provider->check().status
          == CheckResult::Status::credentials_rejected);
    for (const auto& request : server.requests()) {
      CHECK(request.path.ends_with("/dry_run"));
    }
  }
}

TEST_CASE("sinch: describe_request redacts the token without reading it")
{
  // The variable is unset: a dry run must not need the secret.
  const ScopedEnv unset("SMSOTP_TEST_SINCH_TOKEN", std::nullopt);
  auto provider =
      provider_from_toml("[provider.sn]\nkind = \"sinch\"\n"
                         "service_plan_id = \"PLANID123\"\nfrom = \"Acme\"\n"
                         "api_token_env = \"SMSOTP_TEST_SINCH_TOKEN\"\n");
  const auto text = provider->describe_request({"+15558675310", "code ******"});
  CHECK(text.find("Authorization: Bearer [redacted]") != std::string::npos);
  CHECK(text.find("POST https://us.sms.api.sinch.com/xms/v1/PLANID123/batches")
        != std::string::npos);

  // A named constant, so that even a --success run never prints it.
  const std::string secret = "sinch-secret-token-value";
  const ScopedEnv env("SMSOTP_TEST_SINCH_TOKEN", secret);
  const auto again = provider->describe_request({"+15558675310", "x"});
  CHECK(again.find(secret) == std::string::npos);
  CHECK(again.find("[redacted]") != std::string::npos);
}

TEST_CASE("sinch: configuration errors exit 78 and name the key")
{
  const std::string head = "[provider.sn]\nkind = \"sinch\"\n";
  SUBCASE("missing service_plan_id")
  {
    const auto [code, message] =
        provider_config_error(head + "from = \"Acme\"\napi_token = \"t\"\n");
    CHECK(code == 78);
    CHECK(message.find("service_plan_id") != std::string::npos);
  }
  SUBCASE("missing from")
  {
    const auto [code, message] = provider_config_error(
        head + "service_plan_id = \"p\"\napi_token = \"t\"\n");
    CHECK(code == 78);
    CHECK(message.find("from") != std::string::npos);
  }
  SUBCASE("unknown key")
  {
    const auto [code, message] = provider_config_error(
        config("https://sms.example.com", "servce_plan = \"x\"\n"));
    CHECK(code == 78);
    CHECK(message.find("servce_plan") != std::string::npos);
  }
  SUBCASE("unknown region lists the allowed ones")
  {
    const auto [code, message] = provider_config_error(
        head
        + "service_plan_id = \"p\"\nfrom = \"A\"\napi_token = \"t\"\n"
          "region = \"mars\"\n");
    CHECK(code == 78);
    CHECK(message.find("region") != std::string::npos);
    CHECK(message.find("us, eu, au, br, ca") != std::string::npos);
  }
}

} // namespace sinch_cases
