// The existing twilio provider against twilio-node 6.2's wire capture (send)
// and the Twilio 2010 OpenAPI description (the Balance check and the
// message fetch of `providers test --wait`, which the capture does not
// cover).

#include "provider_test_util.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>

namespace smsotp::test::twilio_wire_cases {

namespace {

// The capture's dummy credentials.
const std::string k_account_sid = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const std::string k_token = "authtoken";

std::string twilio_toml(const std::string& base_url)
{
  return "[provider.twilio]\nkind = \"twilio\"\naccount_sid = \""
         + k_account_sid + "\"\nfrom = \"+15017122661\"\nauth_token = \""
         + k_token + "\"\nbase_url = \"" + base_url + "\"\n";
}

FakeServer::Handler answer(int status, const std::string& body)
{
  return [status, body](const RecordedRequest&, httplib::Response& response) {
    response.status = status;
    response.set_content(body, "application/json");
  };
}

std::optional<nlohmann::json> twilio_spec()
{
  const std::string path =
      std::string(SMSOTP_SHARED_DIR)
      + "/provider-specs/twilio_api_v2010.messaging-subset.json";
  std::ifstream file(path);
  if (!file) {
    MESSAGE("skipped: " << path << " not found");
    return std::nullopt;
  }
  std::stringstream text;
  text << file.rdbuf();
  return nlohmann::json::parse(text.str());
}

} // namespace

TEST_CASE("twilio: send request matches the twilio-node capture")
{
  const auto capture = wire_capture("twilio", "messages.create");
  if (!capture) {
    return;
  }
  FakeServer server(answer(
      201,
      R"({"sid":"SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","status":"queued"})"));
  auto provider = provider_from_toml(twilio_toml(server.base_url()));
  const auto& expected = capture->at("request");
  const auto expected_fields =
      form_fields(expected.at("body").get<std::string>());
  const auto result =
      provider->send({expected_fields.at("To"), expected_fields.at("Body")});
  CHECK(result.status == core::SendStatus::sent);
  CHECK(result.message_id == "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  const auto& got = requests[0];
  CHECK(got.method == expected.at("method"));
  CHECK(got.path == expected.at("path"));
  CHECK(got.headers.at("content-type")
        == expected.at("headers").at("content-type"));
  CHECK((got.headers.at("authorization")
         == expected.at("headers").at("authorization")));
  CHECK(got.headers.at("accept") == expected.at("headers").at("accept"));
  CHECK(form_fields(got.body) == expected_fields);
  // Same encoder choices as the SDK (%20 for space, UTF-8 escaped).
  CHECK(got.body == expected.at("body").get<std::string>());
}

TEST_CASE("twilio: Balance check request follows the OpenAPI description")
{
  const auto capture = wire_capture("twilio", "messages.create");
  const auto spec = twilio_spec();
  if (!capture || !spec) {
    return;
  }
  FakeServer server(
      answer(200,
             R"({"account_sid":"ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",)"
             R"("balance":"0.05","currency":"USD"})"));
  auto provider = provider_from_toml(twilio_toml(server.base_url()));
  const auto result = provider->check();
  CHECK(result.status == core::CheckResult::Status::ok);
  CHECK(smsotp::core::balance_text(result.balance) == "0.05 USD");
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  const auto& got = requests[0];

  const std::string templated =
      "/2010-04-01/Accounts/{AccountSid}/Balance.json";
  REQUIRE(spec->at("paths").contains(templated));
  CHECK(spec->at("paths").at(templated).contains("get"));
  std::string path = templated;
  path.replace(path.find("{AccountSid}"), 12, k_account_sid);
  CHECK(got.method == "GET");
  CHECK(got.path == path);
  CHECK(got.query.empty());
  CHECK(got.body.empty());
  // The spec's only security scheme is HTTP Basic; the value is the one
  // the SDK sends for the same credentials.
  CHECK(spec->at("components")
            .at("securitySchemes")
            .at("accountSid_authToken")
            .at("scheme")
        == "basic");
  CHECK((got.headers.at("authorization")
         == capture->at("request").at("headers").at("authorization")));
  CHECK((got.headers.at("authorization")
         == basic_authorization(k_account_sid, k_token)));
}

// `providers test --wait` fetches the Message resource by its sid: the
// path and method the description documents, its example answer read as
// pending ("sent"), and every value of its status enum given a meaning.
TEST_CASE("twilio: the message-status fetch follows the OpenAPI description")
{
  const auto spec = twilio_spec();
  if (!spec) {
    return;
  }
  const std::string templated =
      "/2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json";
  REQUIRE(spec->at("paths").contains(templated));
  const auto& fetch = spec->at("paths").at(templated).at("get");
  const auto example = fetch.at("responses")
                           .at("200")
                           .at("content")
                           .at("application/json")
                           .at("examples")
                           .at("fetch")
                           .at("value");
  const std::string sid = example.at("sid");
  FakeServer server(answer(200, example.dump()));
  auto provider = provider_from_toml(twilio_toml(server.base_url()));
  REQUIRE(provider->reports_delivery());
  const auto report = provider->delivery_status(sid, "+15558675310");
  CHECK(report.state == core::DeliveryReport::State::pending);
  CHECK(report.provider_status == "sent");
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  std::string path = templated;
  path.replace(path.find("{AccountSid}"), 12, k_account_sid);
  path.replace(path.find("{Sid}"), 5, sid);
  CHECK(requests[0].method == "GET");
  CHECK(requests[0].path == path);
  CHECK(requests[0].body.empty());
  CHECK((requests[0].headers.at("authorization")
         == basic_authorization(k_account_sid, k_token)));

  using State = core::DeliveryReport::State;
  const std::map<std::string, State> meaning{{"delivered", State::delivered},
                                             {"read", State::delivered},
                                             {"failed", State::failed},
                                             {"undelivered", State::failed},
                                             {"canceled", State::failed}};
  const auto& statuses =
      spec->at("components").at("schemas").at("message_enum_status").at("enum");
  REQUIRE(statuses.size() >= 10);
  for (const auto& status : statuses) {
    const std::string word = status;
    CAPTURE(word);
    auto answer_body = example;
    answer_body["status"] = word;
    FakeServer one(answer(200, answer_body.dump()));
    auto twilio = provider_from_toml(twilio_toml(one.base_url()));
    const auto got = twilio->delivery_status(sid, "+15558675310");
    const auto it = meaning.find(word);
    CHECK(got.state == (it == meaning.end() ? State::pending : it->second));
  }
}

} // namespace smsotp::test::twilio_wire_cases
