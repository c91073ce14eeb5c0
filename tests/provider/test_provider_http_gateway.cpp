// The generic `http` kind: templates and their escaping in form, JSON and
// query bodies, the success rules (status, JSON pointer, regex), the
// plain-text gateway of the man page example, check_url, redaction and
// configuration errors.

#include "core/error.hpp"
#include "provider_test_util.hpp"

#include <doctest/doctest.h>

namespace smsotp::test::http_gateway_cases {

namespace {

constexpr const char* k_secret = "gw-SECRET-1234";
constexpr const char* k_to = "+15558675310";
// Needs escaping in every context: '&', '"', non-ASCII, a line break.
const std::string k_text = "Code 123456 & \"quoted\" \xC3\xBC\nbye";

FakeServer::Handler
answer(int status, std::string body, std::string type = "text/plain")
{
  return [status, body, type](const RecordedRequest&,
                              httplib::Response& response) {
    response.status = status;
    response.set_content(body, type.c_str());
  };
}

std::string gateway_toml(const std::string& url, const std::string& rest)
{
  return "[provider.gw]\nkind = \"http\"\nurl = \"" + url + "\"\n" + rest;
}

// The man page example, pointed at a fake server.
std::string plain_text_gateway(const std::string& base_url)
{
  return gateway_toml(base_url + "/api/send",
                      R"toml(method = "GET"
body_type = "query"
body = ["apikey={secret}", "sender={from}", "number={to_digits}",
        "message={text}"]
from = "ACMEIN"
secret = "gw-SECRET-1234"
success_regex = '^STATUS:OK\b'
message_id_regex = 'ID:([0-9]+)'
recipient_error_regex = '^STATUS:ERR CODE:106\b'
failure_regex = '^STATUS:ERR\b'
retries = 0
)toml");
}

core::Message message()
{
  return {k_to, k_text};
}

void check_clean(const core::SendResult& result)
{
  CHECK(result.detail.find(k_secret) == std::string::npos);
  CHECK(result.detail.find("5558675310") == std::string::npos);
  CHECK(result.detail.find("STATUS") == std::string::npos); // no body echo
  for (const auto& line : result.trace) {
    CHECK(line.find(k_secret) == std::string::npos);
  }
}

std::string config_error(const std::string& toml)
{
  try {
    provider_from_toml(toml);
  } catch (const Error& error) {
    CHECK(error.code() == core::ExitCode::config);
    return error.what();
  }
  FAIL("no configuration error");
  return {};
}

} // namespace

TEST_CASE("http: form body is percent-encoded, headers expanded")
{
  FakeServer server(answer(200, "OK"));
  auto provider = provider_from_toml(
      gateway_toml(server.base_url() + "/sms",
                   R"toml(body = ["to={to}", "text={text}", "tag=a b&c"]
headers = ["X-Api-Key: {secret}", "Accept: text/plain"]
secret = "gw-SECRET-1234"
)toml"));
  const auto result = provider->send(message());
  CHECK(result.status == core::SendStatus::sent);
  CHECK(result.message_id.empty());
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].method == "POST");
  CHECK(requests[0].path == "/sms");
  CHECK(requests[0].body
        == "to=%2B15558675310&text=Code%20123456%20%26%20%22quoted%22%20"
           "%C3%BC%0Abye&tag=a%20b%26c");
  CHECK(requests[0].headers.at("content-type")
        == "application/x-www-form-urlencoded");
  CHECK(requests[0].headers.at("x-api-key") == k_secret);
  CHECK(requests[0].headers.at("accept") == "text/plain");
}

TEST_CASE("http: JSON template gets JSON string escaping")
{
  FakeServer server(answer(202, R"({"status":"queued","id":"m-77"})"));
  auto provider =
      provider_from_toml(gateway_toml(server.base_url() + "/v1/messages",
                                      R"toml(body_type = "json"
body = '{"to": "{to}", "digits": "{to_digits}", "from": "{from}", "message": {"text": "{text}"}}'
from = "Acme"
headers = ["Authorization: Bearer {secret}"]
secret = "gw-SECRET-1234"
message_id_json_pointer = "/id"
)toml"));
  const auto result = provider->send(message());
  CHECK(result.status == core::SendStatus::sent);
  CHECK(result.message_id == "m-77");
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].headers.at("content-type") == "application/json");
  CHECK(requests[0].headers.at("authorization")
        == std::string("Bearer ") + k_secret);
  CHECK(requests[0].body.find(R"(\"quoted\")") != std::string::npos);
  CHECK(requests[0].body.find(R"(\nbye)") != std::string::npos);
  const auto json = nlohmann::json::parse(requests[0].body);
  CHECK(json.at("to") == k_to);
  CHECK(json.at("digits") == "15558675310");
  CHECK(json.at("from") == "Acme");
  CHECK(json.at("message").at("text") == k_text);
}

TEST_CASE("http: query body on GET, appended to the URL's own query")
{
  FakeServer server(answer(200, "OK"));
  auto provider =
      provider_from_toml(gateway_toml(server.base_url() + "/api/send?route=4",
                                      R"toml(method = "GET"
body = ["number={to_digits}", "message={text}"]
)toml"));
  const std::string shown = provider->describe_request(message());
  CHECK(shown.starts_with(
      "GET " + server.base_url()
      + "/api/send?route=4&number=15558675310&message=Code%20123456%20%26%20"
        "%22quoted%22%20%C3%BC%0Abye\n"));
  CHECK(provider->send(message()).status == core::SendStatus::sent);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].method == "GET");
  CHECK(requests[0].path == "/api/send");
  CHECK(requests[0].body.empty());
  // FakeServer lists the decoded parameters sorted by name.
  CHECK(requests[0].query
        == "message=" + k_text + "&number=15558675310&route=4");
}

TEST_CASE("http: plain-text gateway (regex success, id capture)")
{
  struct Case
  {
    std::string body;
    core::SendStatus expected;
    bool rejected_recipient;
    std::string id;
  };
  const std::vector<Case> cases{
      {"STATUS:OK ID:12345", core::SendStatus::sent, false, "12345"},
      {"STATUS:OK", core::SendStatus::sent, false, ""},
      {"STATUS:ERR CODE:106 invalid number +15558675310",
       core::SendStatus::permanent,
       true,
       ""},
      {"STATUS:ERR CODE:205 insufficient credits",
       core::SendStatus::permanent,
       false,
       ""},
      // Neither the success rule nor a failure rule: the gateway has the
      // request and said something else, so the outcome is unknown.
      {"<html><body>Welcome to the hotel wifi</body></html>",
       core::SendStatus::unknown,
       false,
       ""},
      {"STATUS:PENDING", core::SendStatus::unknown, false, ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.body);
    FakeServer server(answer(200, c.body));
    auto provider = provider_from_toml(plain_text_gateway(server.base_url()));
    const auto result = provider->send(message());
    CHECK(result.status == c.expected);
    CHECK(result.rejected_recipient == c.rejected_recipient);
    CHECK(result.message_id == c.id);
    check_clean(result);
    const auto requests = server.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].query
          == "apikey=" + std::string(k_secret) + "&message=" + k_text
                 + "&number=15558675310&sender=ACMEIN");
  }
}

TEST_CASE("http: JSON pointer success rule")
{
  const std::string config = R"toml(body_type = "json"
body = '{"mobile": "{to_digits}", "sms": "{text}"}'
success_json_pointer = "/type"
success_value = "success"
message_id_json_pointer = "/data/id"
retries = 0
)toml";
  struct Case
  {
    int status;
    std::string body;
    core::SendStatus expected;
    std::string id;
  };
  const std::vector<Case> cases{
      {200,
       R"({"type":"success","data":{"id":98765}})",
       core::SendStatus::sent,
       "98765"},
      // No failure rule is configured: an answer that is not the success
      // shape cannot prove the message was refused.
      {200,
       R"({"type":"error","message":"+15558675310 is blocked"})",
       core::SendStatus::unknown,
       ""},
      {200, R"({"data":{}})", core::SendStatus::unknown, ""},
      {200, "<html>proxy error</html>", core::SendStatus::unknown, ""},
      {200, R"({"type":"succ)", core::SendStatus::unknown, ""},
      {204, "", core::SendStatus::unknown, ""},
      {400, R"({"type":"error"})", core::SendStatus::permanent, ""},
      {401, "", core::SendStatus::auth, ""},
      {403, "", core::SendStatus::auth, ""},
      {429, "", core::SendStatus::temporary, ""},
      {500, "", core::SendStatus::unknown, ""},
      {502, "", core::SendStatus::unknown, ""},
      {302, "", core::SendStatus::unknown, ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.status);
    CAPTURE(c.body);
    FakeServer server(answer(c.status, c.body, "application/json"));
    auto provider =
        provider_from_toml(gateway_toml(server.base_url() + "/send", config));
    const auto result = provider->send(message());
    CHECK(result.status == c.expected);
    CHECK(result.message_id == c.id);
    CHECK(!result.rejected_recipient);
    CHECK(result.detail.find("blocked") == std::string::npos);
    check_clean(result);
    CHECK(server.requests().size() == 1);
  }
}

TEST_CASE("http: success_status decides alone without a body rule")
{
  FakeServer server(answer(201, "anything"));
  auto provider =
      provider_from_toml(gateway_toml(server.base_url(),
                                      "body = [\"to={to}\", \"text={text}\"]\n"
                                      "success_status = [\"201\"]\n"));
  CHECK(provider->send(message()).status == core::SendStatus::sent);

  FakeServer other(answer(200, "anything"));
  provider = provider_from_toml(gateway_toml(
      other.base_url(),
      "body = [\"to={to}\", \"text={text}\"]\nsuccess_status = 201\n"));
  // A 2xx the configuration did not expect: the gateway may have acted.
  CHECK(provider->send(message()).status == core::SendStatus::unknown);
}

TEST_CASE("http: one request on 500, bounded retries, connection refused")
{
  FakeServer failing(answer(500, "oops"));
  auto provider = provider_from_toml(plain_text_gateway(failing.base_url()));
  CHECK(provider->send(message()).status == core::SendStatus::unknown);
  CHECK(failing.requests().size() == 1);

  FakeServer limited(answer(429, ""));
  auto text = plain_text_gateway(limited.base_url());
  text.replace(text.find("retries = 0"), 11, "retries = 1");
  provider = provider_from_toml(text);
  CHECK(provider->send(message()).status == core::SendStatus::temporary);
  CHECK(limited.requests().size() == 2);

  std::string refused;
  {
    FakeServer gone(answer(200, "")); // stopped and closed at scope end
    refused = gone.base_url();
  }
  provider = provider_from_toml(plain_text_gateway(refused));
  const auto result = provider->send(message());
  CHECK(result.status == core::SendStatus::temporary);
  check_clean(result);
}

TEST_CASE("http: check without check_url makes no request")
{
  FakeServer server(answer(200, "STATUS:OK ID:1"));
  auto provider = provider_from_toml(plain_text_gateway(server.base_url()));
  const auto result = provider->check();
  CHECK(result.status == core::CheckResult::Status::ok);
  CHECK(result.detail.find("credentials were not checked")
        != std::string::npos);
  CHECK(result.detail.find("accepted") == std::string::npos);
  CHECK(server.requests().empty());
}

TEST_CASE("http: check_url is a GET that never sends a message")
{
  const auto config = [](const std::string& base) {
    return plain_text_gateway(base) + "check_url = \"" + base
           + "/api/balance\"\n"
           + "check_query = [\"apikey={secret}\"]\n"
             "check_success_regex = '^BALANCE:[0-9]'\n";
  };
  FakeServer server(answer(200, "BALANCE:120"));
  auto provider = provider_from_toml(config(server.base_url()));
  auto result = provider->check();
  CHECK(result.status == core::CheckResult::Status::ok);
  auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].method == "GET");
  CHECK(requests[0].path == "/api/balance");
  CHECK(requests[0].query == std::string("apikey=") + k_secret);

  FakeServer refusing(answer(200, "TRACE: 201! Username or password wrong"));
  provider = provider_from_toml(config(refusing.base_url()));
  result = provider->check();
  CHECK(result.status == core::CheckResult::Status::unexpected_answer);
  CHECK(result.detail.find("check_success_regex") != std::string::npos);
  CHECK(result.detail.find("TRACE") == std::string::npos);

  FakeServer unauthorized(answer(401, ""));
  provider = provider_from_toml(config(unauthorized.base_url()));
  CHECK(provider->check().status
        == core::CheckResult::Status::credentials_rejected);
  CHECK(unauthorized.requests().size() == 1);
}

TEST_CASE("http: describe_request redacts the secret everywhere")
{
  auto provider = provider_from_toml(
      gateway_toml("https://sms.example.in/api/send",
                   R"toml(body = ["key={secret}", "to={to}", "text={text}"]
headers = ["Authorization: Bearer {secret}"]
secret = "gw-SECRET-1234"
)toml"));
  const std::string shown = provider->describe_request(message());
  CHECK(shown.find(k_secret) == std::string::npos);
  CHECK(shown.find("Authorization: Bearer [redacted]") != std::string::npos);
  CHECK(shown.find("key=[redacted]&to=%2B15558675310") != std::string::npos);
  CHECK(provider->info().endpoint == "https://sms.example.in/api/send");

  auto query = provider_from_toml(plain_text_gateway("https://sms.example.in"));
  const std::string url = query->describe_request(message());
  CHECK(url.find("apikey=[redacted]&sender=ACMEIN") != std::string::npos);
  CHECK(url.find(k_secret) == std::string::npos);
}

TEST_CASE("http: configuration errors exit 78 and name the key")
{
  const std::string body = "body = [\"to={to}\", \"text={text}\"]\n";
  CHECK(config_error("[provider.gw]\nkind = \"http\"\n" + body).find("url")
        != std::string::npos);
  CHECK(config_error(gateway_toml("http://sms.example.in/send", body))
            .find(".url: https is required")
        != std::string::npos);
  CHECK(config_error(gateway_toml("https://h/send?to={to}", body)).find(".url")
        != std::string::npos);
  CHECK(config_error(gateway_toml("https://h/send?route=4&ApiKey=abc", body))
            .find("'ApiKey' looks like a credential")
        != std::string::npos);
  CHECK(config_error(gateway_toml("https://h/send", body)
                     + "base_url = \"https://h\"\n")
            .find("base_url")
        != std::string::npos);
  CHECK(config_error(gateway_toml("https://h/send",
                                  "body = [\"to={phone}\", \"t={text}\"]\n"))
            .find("{phone}")
        != std::string::npos);
  CHECK(config_error(gateway_toml("https://h/send",
                                  body + "success_regex = \"([a-z\"\n"))
            .find("success_regex")
        != std::string::npos);
  // Long enough to overflow the stack in std::regex's compiler: refused.
  CHECK(config_error(gateway_toml("https://h/send",
                                  body + "success_regex = \""
                                      + std::string(20000, 'a') + "\"\n"))
            .find("longer than 256 characters")
        != std::string::npos);
  CHECK(config_error(gateway_toml("https://h/send",
                                  body + "message_id_regex = \"ID:[0-9]+\"\n"))
            .find("capture group")
        != std::string::npos);
  CHECK(config_error(gateway_toml("https://h/send",
                                  body
                                      + "headers = [\"X-A: b\\r\\nX-Evil: "
                                        "c\"]\n"))
            .find("headers")
        != std::string::npos);
  CHECK(config_error(gateway_toml("https://h/send",
                                  body + "headers = [\"X-To: {to}\"]\n"))
            .find("not allowed")
        != std::string::npos);
  CHECK(config_error(gateway_toml("https://h/send",
                                  "body = [\"to={to}\", \"k={secret}\", "
                                  "\"text={text}\"]\n"))
            .find("{secret}")
        != std::string::npos);
  CHECK(config_error(gateway_toml("https://h/send", "body = [\"to={to}\"]\n"))
            .find("{text}")
        != std::string::npos);
  CHECK(
      config_error(gateway_toml("https://h/send",
                                "body_type = \"json\"\n"
                                "body = '{\"to\": {to}, \"t\": \"{text}\"}'\n"))
          .find("JSON")
      != std::string::npos);
  CHECK(config_error(gateway_toml("https://h/send",
                                  "method = \"GET\"\nbody_type = \"json\"\n"
                                  "body = '{\"to\": \"{to}{text}\"}'\n"))
            .find("body_type")
        != std::string::npos);
  CHECK(config_error(gateway_toml("https://h/send",
                                  body + "success_status = [\"500\"]\n"))
            .find("success_status")
        != std::string::npos);
  CHECK(
      config_error(gateway_toml("https://h/send",
                                body + "success_json_pointer = \"/status\"\n"))
          .find("success_value")
      != std::string::npos);
  CHECK(config_error(gateway_toml("https://h/send",
                                  body
                                      + "success_json_pointer = \"status\"\n"
                                        "success_value = \"ok\"\n"))
            .find("JSON pointer")
        != std::string::npos);
  CHECK(config_error(
            gateway_toml("https://h/send", body + "check_query = [\"a=b\"]\n"))
            .find("check_url")
        != std::string::npos);
  CHECK(config_error(gateway_toml("https://h/send",
                                  body + "check_url = \"http://h/balance\"\n"))
            .find("check_url")
        != std::string::npos);
  CHECK(config_error(gateway_toml("https://h/send", body + "metod = \"GET\"\n"))
            .find("did you mean 'method'")
        != std::string::npos);
}

} // namespace smsotp::test::http_gateway_cases
