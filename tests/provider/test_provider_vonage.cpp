// The vonage provider: its requests against @vonage/server-sdk 3.27's wire
// capture and the 2021 OpenAPI description, and its reading of every
// answer class (HTTP 200 with per-message status) against a fake server.

#include "core/error.hpp"
#include "provider_test_util.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <cstdlib>
#include <fstream>
#include <map>
#include <netinet/in.h>
#include <sstream>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace smsotp::test::vonage_cases {

namespace {

// The capture's dummy credentials (Basic abcd1234:abcdef0123456789).
const std::string k_api_key = "abcd1234";
const std::string k_secret = "abcdef0123456789";
// A secret that only the environment holds.
const std::string k_env_secret = "vonage-secret-42";

std::string vonage_toml(const std::string& base_url,
                        const std::string& extra = "")
{
  return "[provider.vonage]\nkind = \"vonage\"\napi_key = \"" + k_api_key
         + "\"\nfrom = \"AcmeInc\"\napi_secret = \"" + k_secret
         + "\"\nbase_url = \"" + base_url + "\"\n" + extra;
}

core::Message message()
{
  return {"+447700900000", "Your code is 123456"};
}

// A send answer: one message part per status.
std::string messages_answer(const std::vector<std::string>& statuses,
                            const std::string& error_text = "")
{
  nlohmann::json json;
  json["message-count"] = std::to_string(statuses.size());
  json["messages"] = nlohmann::json::array();
  int part = 0;
  for (const auto& status : statuses) {
    nlohmann::json message{{"to", "447700900000"}, {"status", status}};
    if (status == "0") {
      message["message-id"] = "0A000000012" + std::to_string(part) + "ABCD1";
    } else {
      message["error-text"] = error_text;
    }
    json["messages"].push_back(message);
    ++part;
  }
  return json.dump();
}

// One send against a server giving this answer; retries = 0 so that a 429
// reports its own Retry-After.
core::SendResult send_answered(const std::string& body,
                               int status = 200,
                               const std::string& retry_after = "")
{
  FakeServer server(json_answer(status, body, retry_after));
  return provider_from_toml(vonage_toml(server.base_url(), "retries = 0\n"))
      ->send(message());
}

} // namespace

TEST_CASE("vonage: send request carries the capture's fields, spec style")
{
  const auto capture = wire_capture("vonage", "sms.send");
  if (!capture) {
    return;
  }
  FakeServer server(json_answer(200, messages_answer({"0"})));
  auto provider = provider_from_toml(vonage_toml(server.base_url()));
  CHECK(provider->send(message()).status == core::SendStatus::sent);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  const auto& expected = capture->at("request");
  const auto& got = requests[0];
  CHECK(got.method == expected.at("method"));
  CHECK(got.path == expected.at("path"));
  // The SDK sends Basic + JSON; we send the spec's form with credential
  // fields (see vonage.cpp). Same credentials, same message fields.
  CHECK(got.headers.at("content-type") == "application/x-www-form-urlencoded");
  CHECK(got.headers.count("authorization") == 0);
  CHECK((expected.at("headers").at("authorization")
         == basic_authorization(k_api_key, k_secret)));
  const auto fields = form_fields(got.body);
  const auto sdk_body =
      nlohmann::json::parse(expected.at("body").get<std::string>());
  for (const auto& [name, value] : sdk_body.items()) {
    CHECK(fields.at(name) == value.get<std::string>());
  }
  CHECK(fields.at("api_key") == k_api_key);
  CHECK((fields.at("api_secret") == k_secret));
  CHECK(fields.size() == sdk_body.size() + 2);
}

TEST_CASE("vonage: check request matches the capture's path, spec style")
{
  const auto capture = wire_capture("vonage", "getBalance");
  if (!capture) {
    return;
  }
  FakeServer server(json_answer(200, R"({"value":10.28,"autoReload":false})"));
  auto provider = provider_from_toml(vonage_toml(server.base_url()));
  CHECK(provider->check().status == core::CheckResult::Status::ok);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  const auto& expected = capture->at("request");
  CHECK(requests[0].method == expected.at("method"));
  CHECK(requests[0].path == expected.at("path"));
  CHECK((requests[0].query
         == "api_key=" + k_api_key + "&api_secret=" + k_secret));
  CHECK(requests[0].body.empty());
}

TEST_CASE("vonage: requests follow the 2021 OpenAPI description")
{
  const std::string path = std::string(SMSOTP_SHARED_DIR)
                           + "/provider-specs/vonage_sms_balance.json";
  std::ifstream file(path);
  if (!file) {
    MESSAGE("skipped: " << path << " not found");
    return;
  }
  std::stringstream text;
  text << file.rdbuf();
  const auto spec = nlohmann::json::parse(text.str());
  FakeServer server(json_answer(200, messages_answer({"0"})));
  auto provider = provider_from_toml(vonage_toml(server.base_url()));
  static_cast<void>(provider->send(message()));
  static_cast<void>(provider->check());
  const auto requests = server.requests();
  REQUIRE(requests.size() == 2);

  const auto& content = spec.at("paths")
                            .at("/sms/{format}")
                            .at("post")
                            .at("requestBody")
                            .at("content");
  CHECK(content.contains(requests[0].headers.at("content-type")));
  const auto& schema = spec.at("components").at("schemas").at("NewMessage");
  const auto fields = form_fields(requests[0].body);
  for (const auto& required : schema.at("required")) {
    CHECK(fields.count(required.get<std::string>()) == 1);
  }
  for (const auto& [name, value] : fields) {
    CHECK(schema.at("properties").contains(name));
  }
  CHECK(fields.at("to").find_first_not_of("0123456789") == std::string::npos);

  const auto& parameters =
      spec.at("paths").at("/account/get-balance").at("get").at("parameters");
  const auto& defined = spec.at("components").at("parameters");
  for (const auto& reference : parameters) {
    const std::string ref = reference.at("$ref");
    const auto& parameter = defined.at(ref.substr(ref.rfind('/') + 1));
    CHECK(parameter.at("in") == "query");
    CHECK(requests[1].query.find(parameter.at("name").get<std::string>() + "=")
          != std::string::npos);
  }
}

TEST_CASE("vonage: type=unicode only for non-GSM text")
{
  FakeServer server(json_answer(200, messages_answer({"0"})));
  auto provider = provider_from_toml(vonage_toml(server.base_url()));
  static_cast<void>(provider->send(message()));
  static_cast<void>(
      provider->send({"+447700900000", "Dein Code: 123456 \xC3\xBC"}));
  const auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(form_fields(requests[0].body).count("type") == 0);
  const auto unicode = form_fields(requests[1].body);
  CHECK(unicode.at("type") == "unicode");
  CHECK(unicode.at("text") == "Dein Code: 123456 \xC3\xBC");
}

TEST_CASE("vonage: answer mapping")
{
  SUBCASE("status 0 is sent")
  {
    const auto result = send_answered(messages_answer({"0"}));
    CHECK(result.status == core::SendStatus::sent);
    CHECK(result.message_id == "0A0000000120ABCD1");
  }
  SUBCASE("every part 0 is sent, with the first part's id")
  {
    const auto result = send_answered(messages_answer({"0", "0"}));
    CHECK(result.status == core::SendStatus::sent);
    CHECK(result.message_id == "0A0000000120ABCD1");
  }
  SUBCASE("some parts sent, others not, is unknown")
  {
    const auto result = send_answered(messages_answer({"0", "1"}));
    CHECK(result.status == core::SendStatus::unknown);
  }
  SUBCASE("status 1 is temporary (throttled)")
  {
    const auto result = send_answered(messages_answer({"1"}, "Throttled"));
    CHECK(result.status == core::SendStatus::temporary);
    CHECK(result.retry_after.has_value());
  }
  SUBCASE("status 4 is a credentials failure")
  {
    const auto result =
        send_answered(messages_answer({"4"}, "Bad Credentials"));
    CHECK(result.status == core::SendStatus::auth);
  }
  SUBCASE("status 9 is permanent, not about the recipient")
  {
    const auto result = send_answered(messages_answer({"9"}, "Quota Exceeded"));
    CHECK(result.status == core::SendStatus::permanent);
    CHECK_FALSE(result.rejected_recipient);
  }
  SUBCASE("statuses about the number reject the recipient")
  {
    for (const char* status : {"6", "7", "33"}) {
      const auto result =
          send_answered(messages_answer({status}, "447700900000 is bad"));
      CHECK(result.status == core::SendStatus::permanent);
      CHECK(result.rejected_recipient);
      CHECK(result.detail.find("447700900000") == std::string::npos);
      CHECK(result.detail.find("is bad") == std::string::npos);
    }
    const auto invalid_to =
        send_answered(messages_answer({"3"}, "Invalid to address"));
    CHECK(invalid_to.status == core::SendStatus::permanent);
    CHECK(invalid_to.rejected_recipient);
  }
  SUBCASE("other statuses are permanent without blaming the number")
  {
    for (const char* status : {"3", "29", "15", "5"}) {
      const auto result =
          send_answered(messages_answer({status}, "Invalid from param"));
      CHECK(result.status == core::SendStatus::permanent);
      CHECK_FALSE(result.rejected_recipient);
    }
    CHECK(
        send_answered(R"({"messages":[{"status":"3","error-text":5}]})").status
        == core::SendStatus::permanent);
  }
  SUBCASE("a status Vonage does not document is unknown, not a refusal")
  {
    for (const char* status : {"99", "x", "-1"}) {
      const auto result = send_answered(messages_answer({status}, "what"));
      CHECK(result.status == core::SendStatus::unknown);
      CHECK_FALSE(result.rejected_recipient);
    }
  }
  SUBCASE("HTTP 422 is permanent")
  {
    const auto result = send_answered(R"({"title":"Invalid request"})", 422);
    CHECK(result.status == core::SendStatus::permanent);
    CHECK_FALSE(result.rejected_recipient);
  }
  SUBCASE("200 that is not JSON, or lacks messages, is unknown")
  {
    CHECK(send_answered("<html>captive portal</html>").status
          == core::SendStatus::unknown);
    CHECK(send_answered(R"({"message-count":"1"})").status
          == core::SendStatus::unknown);
    CHECK(send_answered(R"({"messages":[{"status":"0"}]})").status
          == core::SendStatus::unknown);
  }
}

TEST_CASE("vonage: request counts")
{
  SUBCASE("in-band throttling is not resent by the provider")
  {
    FakeServer server(json_answer(200, messages_answer({"1"})));
    static_cast<void>(
        provider_from_toml(vonage_toml(server.base_url(), "retries = 2\n"))
            ->send(message()));
    CHECK(server.requests().size() == 1);
  }
}

TEST_CASE("vonage: check")
{
  SUBCASE("get-balance gives the balance in EUR")
  {
    FakeServer server(
        json_answer(200, R"({"value":10.28,"autoReload":false})"));
    const auto result =
        provider_from_toml(vonage_toml(server.base_url()))->check();
    CHECK(result.status == core::CheckResult::Status::ok);
    CHECK(smsotp::core::balance_text(result.balance) == "10.28 EUR");
    for (const auto& line : result.trace) {
      CHECK(line.find(k_secret) == std::string::npos);
    }
  }
  SUBCASE("401 is a credentials failure")
  {
    FakeServer server(json_answer(
        401,
        R"({"error-code":"401","error-code-label":"authentication failed"})"));
    const auto result =
        provider_from_toml(vonage_toml(server.base_url()))->check();
    CHECK(result.status == core::CheckResult::Status::credentials_rejected);
  }
}

TEST_CASE("vonage: describe_request redacts the secret")
{
  const ScopedEnv env("SMSOTP_TEST_VONAGE_SECRET", k_env_secret);
  auto provider = provider_from_toml(
      "[provider.vonage]\nkind = \"vonage\"\napi_key = \"" + k_api_key
      + "\"\nfrom = \"AcmeInc\"\n"
        "api_secret_env = \"SMSOTP_TEST_VONAGE_SECRET\"\n");
  const auto text = provider->describe_request(message());
  CHECK(text.find("POST https://rest.nexmo.com/sms/json") != std::string::npos);
  CHECK(text.find("api_secret=[redacted]") != std::string::npos);
  CHECK(text.find("api_key=" + k_api_key) != std::string::npos);
  CHECK(text.find("to=447700900000") != std::string::npos);
  CHECK(text.find(k_env_secret) == std::string::npos);
}

TEST_CASE("vonage: configuration errors name the key")
{
  const std::string head = "[provider.vonage]\nkind = \"vonage\"\n";
  require_config_error(head + "from = \"AcmeInc\"\napi_secret = \"s\"\n",
                       "api_key");
  require_config_error(head + "api_key = \"abcd1234\"\napi_secret = \"s\"\n",
                       "from");
  require_config_error(head
                           + "api_key = \"abcd1234\"\nfrom = \"AcmeInc\"\n"
                             "api_secret = \"s\"\nsender = \"x\"\n",
                       "sender");
  auto provider =
      provider_from_toml(head + "api_key = \"abcd1234\"\nfrom = \"AcmeInc\"\n");
  try {
    static_cast<void>(provider->send(message()));
    FAIL("no configuration error for api_secret");
  } catch (const Error& error) {
    CHECK(static_cast<int>(error.code()) == 78);
    CHECK(std::string(error.what()).find("api_secret") != std::string::npos);
  }
}

} // namespace smsotp::test::vonage_cases
