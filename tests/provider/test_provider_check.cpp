// Credential checks at the provider level: what the generic `http` kind
// may claim when its check has no success rule, and the classes every
// kind's check shares (each kind's documented shapes are tested through
// the binary in tests/e2e/e2e_check_answers.cpp).

#include "provider_test_util.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <functional>
#include <sstream>

namespace smsotp::test::check_cases {

namespace {

using Status = core::CheckResult::Status;

std::string gateway(const std::string& base_url, const std::string& extra)
{
  return "[provider.gw]\nkind = \"http\"\nurl = \"" + base_url
         + "/api/send\"\nmethod = \"POST\"\nbody_type = \"form\"\n"
           "body = [\"to={to}\", \"text={text}\"]\nretries = 0\n"
           "check_url = \""
         + base_url + "/api/balance\"\n" + extra;
}

FakeServer::Handler
text_answer(int status, const std::string& body, const std::string& type)
{
  return [=](const RecordedRequest&, httplib::Response& response) {
    response.status = status;
    response.set_content(body, type);
  };
}

// A document from ../shared/provider-specs, or nullopt (with a message)
// where a user's own clone has no ../shared.
std::optional<nlohmann::json> spec(const std::string& file)
{
  const std::string path =
      std::string(SMSOTP_SHARED_DIR) + "/provider-specs/" + file;
  std::ifstream in(path);
  if (!in) {
    MESSAGE("skipped: " << path << " not found");
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

struct SpecExample
{
  const char* kind;
  const char* file;
  std::function<nlohmann::json(const nlohmann::json&)> example;
  const char* toml; // the kind's keys, without base_url
  const char* balance;
};

} // namespace

// The example answers of the providers' own API descriptions, which we did
// not write, must pass: our shape rules are no stricter than the documents.
TEST_CASE("check accepts each OpenAPI description's example answer")
{
  const std::vector<SpecExample> examples{
      {"twilio",
       "twilio_api_v2010.messaging-subset.json",
       [](const nlohmann::json& doc) {
         return doc.at("paths")
             .at("/2010-04-01/Accounts/{AccountSid}/Balance.json")
             .at("get")
             .at("responses")
             .at("200")
             .at("content")
             .at("application/json")
             .at("examples")
             .at("fetch")
             .at("value");
       },
       "account_sid = \"ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"\n"
       "from = \"+15017122661\"\nauth_token = \"t\"\n",
       "0.05 USD"},
      {"vonage",
       "vonage_sms_balance.json",
       [](const nlohmann::json& doc) {
         return doc.at("paths")
             .at("/account/get-balance")
             .at("get")
             .at("responses")
             .at("200")
             .at("content")
             .at("application/json")
             .at("example");
       },
       "api_key = \"abcd1234\"\nfrom = \"Acme\"\napi_secret = \"s\"\n",
       "10.171275 EUR"},
      {"telnyx",
       "telnyx_spec3.messages-balance.json",
       [](const nlohmann::json& doc) {
         return nlohmann::json{{"data",
                                doc.at("components")
                                    .at("schemas")
                                    .at("UserBalance")
                                    .at("example")}};
       },
       "from = \"+15017122661\"\napi_key = \"k\"\n",
       "300.00 USD"},
      {"clicksend",
       "clicksend_v3.sms-send-account.json",
       [](const nlohmann::json& doc) {
         return doc.at("components")
             .at("schemas")
             .at("view-account-details")
             .at("example");
       },
       "username = \"u\"\napi_key = \"k\"\n",
       "4.998000 AUD"},
  };
  for (const auto& example : examples) {
    CAPTURE(example.kind);
    const auto document = spec(example.file);
    if (!document) {
      continue;
    }
    const FakeServer server(
        json_answer(200, example.example(*document).dump()));
    const auto result =
        provider_from_toml("[provider.p]\nkind = \"" + std::string(example.kind)
                           + "\"\nbase_url = \"" + server.base_url() + "\"\n"
                           + example.toml)
            ->check();
    CHECK(result.status == Status::ok);
    CHECK(result.detail.starts_with("credentials accepted"));
    CHECK(smsotp::core::balance_text(result.balance) == example.balance);
  }
}

// DESIGN §5: a check is accepted only for an answer of the documented
// shape, and for the generic kind the shape is the configured rule. A
// check_url without one could only pass on any 2xx ("BALANCE 120",
// truncated JSON), so it is refused at load time, before any request.
TEST_CASE("http: check_url without check_success_regex is a configuration "
          "error")
{
  const FakeServer plain(text_answer(200, "BALANCE 120", "text/plain"));
  // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
  const auto error = provider_config_error(gateway(plain.base_url(), ""));
  const int code = error.first;
  const std::string& message = error.second;
  CHECK(code == 78);
  CAPTURE(message);
  // file:line of the check_url key, like the other key errors.
  CHECK(message.starts_with("test.toml:8:"));
  CHECK(message.find(": provider.gw.check_url: ") != std::string::npos);
  CHECK(message.find("add check_success_regex") != std::string::npos);
  CHECK(plain.requests().empty());
}

TEST_CASE("http: check_success_regex decides, whatever the content type says")
{
  // A captive portal or login page is not the gateway's answer.
  const FakeServer portal(text_answer(
      200, "\n<!DOCTYPE html><html><body>Log in</body></html>", "text/plain"));
  const auto result =
      provider_from_toml(
          gateway(portal.base_url(), "check_success_regex = '^BALANCE'\n"))
          ->check();
  CHECK(result.status == Status::unexpected_answer);
  CHECK(result.detail.find("check_success_regex") != std::string::npos);
  CHECK(result.detail.find("Log in") == std::string::npos);
}

TEST_CASE("every check: a check's own classes, never a send's words")
{
  struct Row
  {
    const char* name;
    FakeServer::Handler handler;
    Status status;
    const char* says;
    std::optional<std::int64_t> retry_after;
  };
  const std::vector<Row> rows{
      {"429",
       json_answer(429, "{}", "7"),
       Status::rate_limited,
       "try again after 7s",
       7},
      {"429 without Retry-After",
       json_answer(429, "{}"),
       Status::rate_limited,
       "try again after 30s",
       30},
      {"500",
       json_answer(500, "{}"),
       Status::unreachable,
       "HTTP 500 (a server error); credentials not confirmed, try again "
       "after 30s",
       30},
      {"503 with Retry-After",
       json_answer(503, "{}", "12"),
       Status::unreachable,
       "try again after 12s",
       12},
      {"301",
       json_answer(301, ""),
       Status::unexpected_answer,
       "base_url",
       std::nullopt},
      {"403",
       json_answer(403, "{}"),
       Status::credentials_rejected,
       "credentials rejected (HTTP 403)",
       std::nullopt},
      {"404",
       json_answer(404, "{}"),
       Status::unexpected_answer,
       "unexpected answer from gw (HTTP 404",
       std::nullopt},
  };
  for (const auto& row : rows) {
    CAPTURE(row.name);
    const FakeServer server(row.handler);
    const auto result =
        provider_from_toml(
            gateway(server.base_url(), "check_success_regex = '^BALANCE'\n"))
            ->check();
    CHECK(result.status == row.status);
    CHECK(result.detail.find(row.says) != std::string::npos);
    CHECK(result.retry_after == row.retry_after);
    for (const char* word : {"not sent", "delivery", "may have been"}) {
      CHECK(result.detail.find(word) == std::string::npos);
    }
    CHECK(server.requests().size() == 1);
  }

  const auto refused =
      provider_from_toml(
          gateway("http://127.0.0.1:" + std::to_string(closed_port()),
                  "check_success_regex = '^BALANCE'\n"))
          ->check();
  CHECK(refused.status == Status::unreachable);
  CHECK(refused.detail.find("cannot reach the provider") != std::string::npos);
  CHECK(refused.detail.find("not sent") == std::string::npos);
  // DESIGN §2: 75 carries a retry-after, as a send's connect failure does.
  CHECK(refused.retry_after == std::optional<std::int64_t>(30));
  CHECK(refused.detail.find("try again after 30s") != std::string::npos);
}

} // namespace smsotp::test::check_cases
