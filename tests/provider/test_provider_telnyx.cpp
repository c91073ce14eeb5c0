// The telnyx provider: its requests against telnyx-node 7.24's wire
// capture, and its reading of every answer class against a fake server.

#include "core/error.hpp"
#include "provider_test_util.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <cstdlib>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

namespace smsotp::test::telnyx_cases {

namespace {

// The capture's dummy key.
const std::string k_key = "KEYXXXX";
// A key that only the environment holds.
const std::string k_env_key = "KEYtelnyx-secret-7";

std::string telnyx_toml(const std::string& base_url,
                        const std::string& extra = "")
{
  return "[provider.telnyx]\nkind = \"telnyx\"\nfrom = \"+15017122661\"\n"
         "api_key = \""
         + k_key + "\"\nbase_url = \"" + base_url + "\"\n" + extra;
}

core::Message message()
{
  return {"+15558675310", "Your code is 123456"};
}

const std::string k_accepted =
    R"({"data":{"record_type":"message","id":"40385f64-5717-4562-b3fc-2c963f66afa6",)"
    R"("to":[{"phone_number":"+15558675310","status":"queued"}],"parts":1}})";

std::string errors_answer(const std::string& code)
{
  return R"({"errors":[{"code":")" + code
         + R"(","title":"Invalid phone number","detail":"+15558675310 is not valid",)"
           R"("source":{"pointer":"/to"}}]})";
}

core::SendResult send_answered(int status, const std::string& body)
{
  FakeServer server(json_answer(status, body));
  return provider_from_toml(telnyx_toml(server.base_url()))->send(message());
}

} // namespace

TEST_CASE("telnyx: send request matches the telnyx-node capture")
{
  const auto capture = wire_capture("telnyx", "messages.send");
  if (!capture) {
    return;
  }
  FakeServer server(json_answer(200, k_accepted));
  auto provider = provider_from_toml(telnyx_toml(server.base_url()));
  CHECK(provider->send(message()).status == core::SendStatus::sent);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  const auto& expected = capture->at("request");
  const auto& got = requests[0];
  CHECK(got.method == expected.at("method"));
  CHECK(got.path == expected.at("path"));
  CHECK(got.headers.at("content-type")
        == expected.at("headers").at("content-type"));
  CHECK((got.headers.at("authorization")
         == expected.at("headers").at("authorization")));
  CHECK(got.headers.at("accept") == expected.at("headers").at("accept"));
  CHECK(nlohmann::json::parse(got.body)
        == nlohmann::json::parse(expected.at("body").get<std::string>()));
}

TEST_CASE("telnyx: check request matches the telnyx-node capture")
{
  const auto capture = wire_capture("telnyx", "balance.retrieve");
  if (!capture) {
    return;
  }
  FakeServer server(
      json_answer(200, R"({"data":{"balance":"300.00","currency":"USD"}})"));
  auto provider = provider_from_toml(telnyx_toml(server.base_url()));
  CHECK(provider->check().status == core::CheckResult::Status::ok);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  const auto& expected = capture->at("request");
  CHECK(requests[0].method == expected.at("method"));
  CHECK(requests[0].path == expected.at("path"));
  CHECK((requests[0].headers.at("authorization")
         == expected.at("headers").at("authorization")));
  CHECK(requests[0].body == expected.at("body").get<std::string>());
}

TEST_CASE("telnyx: messaging_profile_id is sent with or without from")
{
  FakeServer server(json_answer(200, k_accepted));
  const std::string head = "[provider.telnyx]\nkind = \"telnyx\"\n"
                           "api_key = \"k\"\nbase_url = \""
                           + server.base_url()
                           + "\"\nmessaging_profile_id = \"mp-1\"\n";
  static_cast<void>(provider_from_toml(head)->send(message()));
  static_cast<void>(
      provider_from_toml(head + "from = \"AcmeInc\"\n")->send(message()));
  const auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  const auto alone = nlohmann::json::parse(requests[0].body);
  CHECK(alone.at("messaging_profile_id") == "mp-1");
  CHECK_FALSE(alone.contains("from"));
  const auto both = nlohmann::json::parse(requests[1].body);
  CHECK(both.at("messaging_profile_id") == "mp-1");
  CHECK(both.at("from") == "AcmeInc");
}

TEST_CASE("telnyx: answer mapping")
{
  SUBCASE("2xx with data.id is sent")
  {
    const auto result = send_answered(200, k_accepted);
    CHECK(result.status == core::SendStatus::sent);
    CHECK(result.message_id == "40385f64-5717-4562-b3fc-2c963f66afa6");
  }
  SUBCASE("invalid number codes reject the recipient")
  {
    for (const char* code : {"10002", "10016"}) {
      const auto result = send_answered(422, errors_answer(code));
      CHECK(result.status == core::SendStatus::permanent);
      CHECK(result.rejected_recipient);
      CHECK(result.detail.find(code) != std::string::npos);
      CHECK(result.detail.find("5558675310") == std::string::npos);
    }
  }
  SUBCASE("other error codes are permanent without blaming the number")
  {
    const auto result = send_answered(400, errors_answer("10015"));
    CHECK(result.status == core::SendStatus::permanent);
    CHECK_FALSE(result.rejected_recipient);
  }
  SUBCASE("2xx that is not JSON, or lacks data.id, is unknown")
  {
    CHECK(send_answered(200, "<html>portal</html>").status
          == core::SendStatus::unknown);
    CHECK(send_answered(200, R"({"data":{"record_type":"message"}})").status
          == core::SendStatus::unknown);
  }
}

TEST_CASE("telnyx: check")
{
  SUBCASE("balance gives amount and currency")
  {
    FakeServer server(
        json_answer(200,
                    R"({"data":{"record_type":"balance","balance":"300.00",)"
                    R"("currency":"USD","credit_limit":"100.00"}})"));
    const auto result =
        provider_from_toml(telnyx_toml(server.base_url()))->check();
    CHECK(result.status == core::CheckResult::Status::ok);
    CHECK(smsotp::core::balance_text(result.balance) == "300.00 USD");
  }
  SUBCASE("401 is a credentials failure")
  {
    FakeServer server(json_answer(401, errors_answer("10009")));
    const auto result =
        provider_from_toml(telnyx_toml(server.base_url()))->check();
    CHECK(result.status == core::CheckResult::Status::credentials_rejected);
  }
}

TEST_CASE("telnyx: describe_request redacts the key")
{
  const ScopedEnv env("SMSOTP_TEST_TELNYX_KEY", k_env_key);
  auto provider = provider_from_toml(
      "[provider.telnyx]\nkind = \"telnyx\"\nfrom = \"+15017122661\"\n"
      "api_key_env = \"SMSOTP_TEST_TELNYX_KEY\"\n");
  const auto text = provider->describe_request(message());
  CHECK(text.find("POST https://api.telnyx.com/v2/messages")
        != std::string::npos);
  CHECK(text.find("Authorization: Bearer [redacted]") != std::string::npos);
  CHECK(text.find(k_env_key) == std::string::npos);
}

TEST_CASE("telnyx: configuration errors name the key")
{
  const std::string head = "[provider.telnyx]\nkind = \"telnyx\"\n";
  require_config_error(head + "api_key = \"k\"\n", "messaging_profile_id");
  require_config_error(head + "from = \"+1\"\napi_key = \"k\"\nfrm = \"x\"\n",
                       "frm");
  auto provider = provider_from_toml(head + "from = \"+15017122661\"\n");
  try {
    static_cast<void>(provider->send(message()));
    FAIL("no configuration error for api_key");
  } catch (const Error& error) {
    CHECK(static_cast<int>(error.code()) == 78);
    CHECK(std::string(error.what()).find("api_key") != std::string::npos);
  }
}

} // namespace smsotp::test::telnyx_cases
