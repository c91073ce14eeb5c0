// The aws-sns kind: the request against the SDK capture, libcurl's SigV4
// signature recomputed by an independent reference signer, the XML answer
// mapping, the read-only credential check and redaction.

#include "core/error.hpp"
#include "provider_test_util.hpp"
#include "sigv4_reference.hpp"
#include "util/string.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace smsotp::test::aws_sns_cases {

namespace {

constexpr const char* k_access_key = "AKIDEXAMPLE";
constexpr const char* k_secret_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr const char* k_session_token = "FQoGZXIvYXdzEXAMPLEsessionTOKEN";
constexpr const char* k_to = "+15558675310";

const char* const k_published =
    "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
    "<PublishResult><MessageId>567910cd-659e-55d4-8ccb-5aaf14679dc0"
    "</MessageId></PublishResult><ResponseMetadata><RequestId>"
    "d74b8436-ae13-5ab4-a9ff-ce54dfea72a0</RequestId></ResponseMetadata>"
    "</PublishResponse>";

// The documented answer to GetSMSSandboxAccountStatus, as AWS sends it.
const char* const k_sandbox_status =
    "<GetSMSSandboxAccountStatusResponse "
    "xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
    "<GetSMSSandboxAccountStatusResult><IsInSandbox>true</IsInSandbox>"
    "</GetSMSSandboxAccountStatusResult><ResponseMetadata><RequestId>x"
    "</RequestId></ResponseMetadata></GetSMSSandboxAccountStatusResponse>";

std::string error_xml(const std::string& code, const std::string& message)
{
  return "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
         "<Error><Type>Sender</Type><Code>"
         + code + "</Code><Message>" + message
         + "</Message></Error><RequestId>x</RequestId></ErrorResponse>";
}

std::string sns_toml(const std::string& base_url, const std::string& extra = "")
{
  return "[provider.sns]\nkind = \"aws-sns\"\nregion = \"us-east-1\"\n"
         "base_url = \""
         + base_url + "\"\naccess_key_id = \"" + k_access_key
         + "\"\nsecret_access_key = \"" + k_secret_key + "\"\n" + extra;
}

FakeServer::Handler answer(int status, std::string body)
{
  return [status, body](const RecordedRequest&, httplib::Response& response) {
    response.status = status;
    response.set_content(body, "text/xml");
  };
}

core::Message otp_message()
{
  return {k_to, "Your code is 123456"};
}

// The detail and trace of a result never hold a secret or the number.
void check_clean(const core::SendResult& result)
{
  for (const auto& text : result.trace) {
    CHECK(text.find(k_secret_key) == std::string::npos);
  }
  CHECK(result.detail.find(k_secret_key) == std::string::npos);
  CHECK(result.detail.find("5558675310") == std::string::npos);
}

// Recomputes the signature of a received request with the reference
// signer, from exactly the headers its SignedHeaders lists. A listed header
// that did not arrive counts as empty, which is what libcurl signed; the
// test "every signed header is on the wire" covers that case on its own.
void check_signature(const RecordedRequest& request)
{
  const auto authorization =
      sigv4::parse_authorization(request.headers.at("authorization"));
  REQUIRE(!authorization.signature.empty());
  CHECK(authorization.access_key_id == k_access_key);
  const std::string amz_date = request.headers.at("x-amz-date");
  CHECK(authorization.scope
        == amz_date.substr(0, 8) + "/us-east-1/sns/aws4_request");
  sigv4::Input input{request.method,
                     request.path,
                     "",
                     {},
                     request.body,
                     amz_date,
                     "us-east-1",
                     "sns",
                     k_secret_key};
  for (const auto& name : authorization.signed_headers) {
    const auto it = request.headers.find(name);
    input.headers[name] = it == request.headers.end() ? "" : it->second;
  }
  for (const char* required : {"host", "x-amz-date", "content-type"}) {
    CHECK(request.headers.contains(required));
    CHECK(input.headers.contains(required));
  }
  const auto reference = sigv4::sign(input);
  // SignedHeaders must be the sorted list the signature covers.
  CHECK(reference.signed_headers
        == util::join(authorization.signed_headers, ";"));
  CHECK(reference.signature == authorization.signature);
}

std::optional<nlohmann::json> sigv4_vector_from_shared()
{
  const std::string path =
      std::string(SMSOTP_SHARED_DIR) + "/provider-specs/sdk-wire-captures.json";
  std::ifstream file(path);
  if (!file) {
    MESSAGE("skipped: " << path << " not found");
    return std::nullopt;
  }
  std::stringstream text;
  text << file.rdbuf();
  return nlohmann::json::parse(text.str()).at("sigv4_vector");
}

core::ExitCode config_failure(const std::string& toml)
{
  try {
    provider_from_toml(toml);
  } catch (const Error& error) {
    return error.code();
  }
  return core::ExitCode::success;
}

} // namespace

TEST_CASE("sigv4 reference signer reproduces the published test vector")
{
  // The vector of shared/provider-specs (also computed by AWS's own signer
  // and by libcurl), repeated here so the reference is always checked.
  sigv4::Input input{
      "POST",
      "/",
      "",
      {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"},
       {"host", "sns.us-east-1.amazonaws.com"},
       {"x-amz-date", "20150830T123600Z"}},
      "Action=Publish&Version=2010-03-31&Message=Your%20code%20is%20123456"
      "&PhoneNumber=%2B15558675310&MessageAttributes.entry.1.Name=AWS.SNS."
      "SMS.SMSType&MessageAttributes.entry.1.Value.DataType=String&"
      "MessageAttributes.entry.1.Value.StringValue=Transactional",
      "20150830T123600Z",
      "us-east-1",
      "sns",
      k_secret_key};
  auto output = sigv4::sign(input);
  CHECK(output.signature
        == "212872269b0b0db314a8e1b8c812c835f77afb712bf2306feb7d4a565998bc1f");

  const auto vector = sigv4_vector_from_shared();
  if (!vector) {
    return;
  }
  input.headers = {{"content-type", vector->at("content_type")},
                   {"host", vector->at("host")},
                   {"x-amz-date", vector->at("amz_date")}};
  input.method = vector->at("method");
  input.path = vector->at("path");
  input.body = vector->at("body");
  input.amz_date = vector->at("amz_date");
  input.region = vector->at("region");
  input.service = vector->at("service");
  input.secret_access_key = vector->at("secret_access_key");
  output = sigv4::sign(input);
  CHECK(sigv4::sha256_hex(input.body)
        == vector->at("body_sha256").get<std::string>());
  CHECK(output.canonical_request
        == vector->at("canonical_request").get<std::string>());
  CHECK(output.string_to_sign
        == vector->at("string_to_sign").get<std::string>());
  CHECK(output.signature == vector->at("signature").get<std::string>());
  CHECK("AWS4-HMAC-SHA256 Credential="
            + vector->at("access_key_id").get<std::string>() + "/"
            + output.scope + ", SignedHeaders=" + output.signed_headers
            + ", Signature=" + output.signature
        == vector->at("authorization").get<std::string>());
}

TEST_CASE("aws-sns: Publish request matches the SDK capture")
{
  FakeServer server(answer(200, k_published));
  auto provider =
      provider_from_toml(sns_toml(server.base_url(), "sender_id = \"ACME\"\n"));
  const auto result = provider->send(otp_message());
  CHECK(result.status == core::SendStatus::sent);
  CHECK(result.message_id == "567910cd-659e-55d4-8ccb-5aaf14679dc0");
  check_clean(result);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  const auto& request = requests.front();
  CHECK(request.method == "POST");
  CHECK(request.path == "/");
  CHECK(request.headers.at("content-type")
        == "application/x-www-form-urlencoded");
  CHECK(request.headers.at("authorization")
            .starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
  CHECK(!request.headers.contains("x-amz-security-token"));
  const auto capture = wire_capture("aws-sns", "PublishCommand");
  if (!capture) {
    return;
  }
  const auto& expected = capture->at("request");
  CHECK(request.method == expected.at("method").get<std::string>());
  CHECK(request.path == expected.at("path").get<std::string>());
  CHECK(request.headers.at("content-type")
        == expected.at("headers").at("content-type").get<std::string>());
  CHECK(request.body == expected.at("body").get<std::string>());
}

TEST_CASE("aws-sns: libcurl's SigV4 signature verifies with the reference")
{
  FakeServer server([](const RecordedRequest& request,
                       httplib::Response& response) {
    const bool check =
        request.body.find("GetSMSSandboxAccountStatus") != std::string::npos;
    response.set_content(check ? k_sandbox_status : k_published, "text/xml");
  });
  auto provider = provider_from_toml(sns_toml(server.base_url()));
  CHECK(provider->send(otp_message()).status == core::SendStatus::sent);
  CHECK(provider->check().status == core::CheckResult::Status::ok);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  check_signature(requests[0]);
  check_signature(requests[1]);
}

// AWS services that check strictly refuse a signature naming a header the
// request does not carry ("'expect' is named as a SignedHeader, but it does
// not exist in the HTTP request"). libcurl 7.88 signs the "Expect:"
// removal line as an empty header (curl/curl#11664), so the HTTP client
// must not add that line to signed requests.
TEST_CASE("aws-sns: every signed header is on the wire")
{
  FakeServer server(answer(200, k_published));
  auto provider = provider_from_toml(sns_toml(server.base_url()));
  CHECK(provider->send(otp_message()).status == core::SendStatus::sent);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  const auto authorization =
      sigv4::parse_authorization(requests[0].headers.at("authorization"));
  for (const auto& name : authorization.signed_headers) {
    CHECK_MESSAGE(requests[0].headers.contains(name),
                  "signed header '" << name << "' was not sent");
  }
}

TEST_CASE("aws-sns: a session token is sent as X-Amz-Security-Token, signed")
{
  FakeServer server(answer(200, k_published));
  auto provider = provider_from_toml(
      sns_toml(server.base_url(),
               std::string("session_token = \"") + k_session_token + "\"\n"));
  CHECK(provider->send(otp_message()).status == core::SendStatus::sent);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].headers.at("x-amz-security-token") == k_session_token);
  const auto authorization =
      sigv4::parse_authorization(requests[0].headers.at("authorization"));
  CHECK(std::find(authorization.signed_headers.begin(),
                  authorization.signed_headers.end(),
                  "x-amz-security-token")
        != authorization.signed_headers.end());
  check_signature(requests[0]);
}

TEST_CASE("aws-sns: answers map to outcome classes")
{
  struct Case
  {
    int status;
    std::string body;
    core::SendStatus expected;
    bool rejected_recipient;
  };
  const std::vector<Case> cases{
      {400,
       error_xml("InvalidParameter",
                 "Invalid parameter: PhoneNumber Reason: +15558675310 is not "
                 "valid to publish to"),
       core::SendStatus::permanent,
       true},
      {400,
       error_xml("OptedOut", "Phone number +15558675310 is opted out"),
       core::SendStatus::permanent,
       true},
      {400,
       error_xml("InvalidParameter", "Invalid parameter: MessageAttributes"),
       core::SendStatus::permanent,
       false},
      {400,
       error_xml("Throttling", "Rate exceeded"),
       core::SendStatus::temporary,
       false},
      {403,
       error_xml("SignatureDoesNotMatch", "The request signature ..."),
       core::SendStatus::auth,
       false},
      {403,
       error_xml("InvalidClientTokenId", "The security token ..."),
       core::SendStatus::auth,
       false},
      {429,
       error_xml("Throttled", "slow down"),
       core::SendStatus::temporary,
       false},
      {500,
       error_xml("InternalError", "oops"),
       core::SendStatus::unknown,
       false},
      {200, "<html>captive portal</html>", core::SendStatus::unknown, false},
      {200, "<PublishResponse><MessageId>", core::SendStatus::unknown, false},
  };
  for (const auto& c : cases) {
    CAPTURE(c.status);
    CAPTURE(c.body);
    FakeServer server(answer(c.status, c.body));
    auto provider =
        provider_from_toml(sns_toml(server.base_url(), "retries = 0\n"));
    const auto result = provider->send(otp_message());
    CHECK(result.status == c.expected);
    CHECK(result.rejected_recipient == c.rejected_recipient);
    CHECK(result.message_id.empty());
    check_clean(result);
    // One request each: nothing here proves the provider did not act,
    // except 429, and retries = 0.
    CHECK(server.requests().size() == 1);
  }
}

namespace {

// Sends once against an answer of `status` and `body`, no retries.
core::SendResult send_against(int status, const std::string& body)
{
  FakeServer server(answer(status, body));
  auto provider =
      provider_from_toml(sns_toml(server.base_url(), "retries = 0\n"));
  return provider->send(otp_message());
}

} // namespace

TEST_CASE("aws-sns: XML values are read with entities decoded")
{
  // What AWS means is the decoded text, however the XML spells it.
  const auto published = send_against(
      200,
      "<PublishResponse><PublishResult><MessageId>567910cd&#45;659e&#x2D;55d4"
      "</MessageId></PublishResult></PublishResponse>");
  CHECK(published.status == core::SendStatus::sent);
  CHECK(published.message_id == "567910cd-659e-55d4");

  const auto throttled =
      send_against(400, error_xml("Throttl&#105;ng", "Rate exceeded"));
  CHECK(throttled.status == core::SendStatus::temporary);
  CHECK(throttled.detail.find("aws Throttling") != std::string::npos);

  const auto recipient = send_against(
      400,
      error_xml("InvalidParameter",
                "Invalid parameter: Phone&#78;umber Reason: &lt;+1555&gt; "
                "&amp; more"));
  CHECK(recipient.status == core::SendStatus::permanent);
  CHECK(recipient.rejected_recipient);
  check_clean(recipient);
}

TEST_CASE("aws-sns: a malformed XML answer is never taken as sent")
{
  for (const std::string body :
       {// truncated before the root element closes
        "<PublishResponse><PublishResult><MessageId>abc-123</MessageId>"
        "</PublishResult>",
        // tags that do not match
        "<PublishResponse><MessageId>abc-123</PublishResult>"
        "</PublishResponse>",
        // a DTD (entities that could expand or fetch): refused outright
        "<!DOCTYPE r [<!ENTITY id \"abc-123\">]><PublishResponse>"
        "<PublishResult><MessageId>&id;</MessageId></PublishResult>"
        "</PublishResponse>"}) {
    CAPTURE(body);
    const auto result = send_against(200, body);
    CHECK(result.status == core::SendStatus::unknown);
    CHECK(result.message_id.empty());
    CHECK(result.detail.find("unparseable") != std::string::npos);
  }
  // A 4xx is a refusal (DESIGN §5); a broken body names no code to act on.
  const auto refused =
      send_against(400, "<ErrorResponse><Error><Code>Throttling</Code>");
  CHECK(refused.status == core::SendStatus::permanent);
  CHECK(refused.detail.find("aws") == std::string::npos);
}

TEST_CASE("aws-sns: check reads the sandbox flag as XML")
{
  FakeServer encoded(answer(
      200,
      "<GetSMSSandboxAccountStatusResponse><GetSMSSandboxAccountStatusResult>"
      "<IsInSandbox>&#102;alse</IsInSandbox></GetSMSSandboxAccountStatusResult>"
      "</GetSMSSandboxAccountStatusResponse>"));
  auto provider = provider_from_toml(sns_toml(encoded.base_url()));
  auto result = provider->check();
  CHECK(result.status == core::CheckResult::Status::ok);
  CHECK(result.detail.find("out of the SMS sandbox") != std::string::npos);

  // The flag inside another document, or in a truncated one, is not the
  // documented answer.
  for (const std::string body :
       {"<Other><GetSMSSandboxAccountStatusResponse/><IsInSandbox>true"
        "</IsInSandbox></Other>",
        "<GetSMSSandboxAccountStatusResponse><GetSMSSandboxAccountStatusResult>"
        "<IsInSandbox>true</IsInSandbox>"}) {
    CAPTURE(body);
    FakeServer odd(answer(200, body));
    provider = provider_from_toml(sns_toml(odd.base_url()));
    CHECK(provider->check().status
          == core::CheckResult::Status::unexpected_answer);
  }
}

TEST_CASE("aws-sns: exactly one request on 500, bounded retries on 429")
{
  FakeServer failing(answer(500, error_xml("InternalError", "x")));
  auto provider = provider_from_toml(sns_toml(failing.base_url()));
  CHECK(provider->send(otp_message()).status == core::SendStatus::unknown);
  CHECK(failing.requests().size() == 1); // may have been sent: no resend

  FakeServer limited(answer(429, error_xml("Throttled", "x")));
  provider = provider_from_toml(sns_toml(limited.base_url(), "retries = 1\n"));
  CHECK(provider->send(otp_message()).status == core::SendStatus::temporary);
  CHECK(limited.requests().size() == 2);
}

TEST_CASE("aws-sns: connection refused is temporary")
{
  std::string refused;
  {
    // Stopped and closed when it goes out of scope. (closed_port() leaves
    // its probe listening, so a connection there is accepted and hangs.)
    FakeServer gone(answer(200, ""));
    refused = gone.base_url();
  }
  auto provider = provider_from_toml(sns_toml(refused, "retries = 1\n"));
  const auto result = provider->send(otp_message());
  CHECK(result.status == core::SendStatus::temporary);
  CHECK(result.trace.size() == 3); // attempt, retry note, attempt
  check_clean(result);
}

TEST_CASE("aws-sns: check is a read-only GetSMSSandboxAccountStatus")
{
  FakeServer server(answer(200, k_sandbox_status));
  auto provider = provider_from_toml(sns_toml(server.base_url()));
  const auto result = provider->check();
  CHECK(result.status == core::CheckResult::Status::ok);
  CHECK(result.detail.find("sandbox") != std::string::npos);
  const auto requests = server.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].method == "POST");
  CHECK(requests[0].body
        == "Action=GetSMSSandboxAccountStatus&Version=2010-03-31");
  CHECK(requests[0].body.find("Publish") == std::string::npos);
  if (const auto capture = wire_capture("aws-sns", "GetSMSSandbox")) {
    CHECK(requests[0].body
          == capture->at("request").at("body").get<std::string>());
  }

  FakeServer refusing(answer(403, error_xml("InvalidClientTokenId", "x")));
  provider = provider_from_toml(sns_toml(refusing.base_url()));
  CHECK(provider->check().status
        == core::CheckResult::Status::credentials_rejected);
}

TEST_CASE("aws-sns: describe_request redacts the credentials")
{
  auto provider = provider_from_toml(
      sns_toml("https://sns.us-east-1.amazonaws.com",
               std::string("sender_id = \"ACME\"\nsession_token = \"")
                   + k_session_token + "\"\n"));
  const std::string text = provider->describe_request(otp_message());
  CHECK(text.starts_with("POST https://sns.us-east-1.amazonaws.com/\n"));
  CHECK(text.find("Authorization: AWS4-HMAC-SHA256 [redacted]")
        != std::string::npos);
  CHECK(text.find("X-Amz-Security-Token: [redacted]") != std::string::npos);
  CHECK(text.find(k_secret_key) == std::string::npos);
  CHECK(text.find(k_access_key) == std::string::npos);
  CHECK(text.find(k_session_token) == std::string::npos);
  CHECK(text.find("PhoneNumber=%2B15558675310") != std::string::npos);
}

TEST_CASE("aws-sns: default endpoint and configuration errors")
{
  auto provider = provider_from_toml(
      "[provider.sns]\nkind = \"aws-sns\"\nregion = \"eu-west-1\"\n"
      "access_key_id_env = \"X\"\nsecret_access_key_env = \"Y\"\n");
  CHECK(provider->info().endpoint == "https://sns.eu-west-1.amazonaws.com");
  CHECK(provider->info().sender == "(account default)");

  const std::string keys = "access_key_id_env = \"X\"\n"
                           "secret_access_key_env = \"Y\"\n";
  const std::string head = "[provider.sns]\nkind = \"aws-sns\"\n";
  CHECK(config_failure(head + keys) == core::ExitCode::config);
  CHECK(config_failure(head + "region = \"us-east-1/evil\"\n" + keys)
        == core::ExitCode::config);
  CHECK(config_failure(head + "region = \"us-east-1\"\n"
                       + "base_url = \"http://sns.example.com\"\n" + keys)
        == core::ExitCode::config);
  CHECK(config_failure(head + "region = \"us-east-1\"\n"
                       + "sms_type = \"Bulk\"\n" + keys)
        == core::ExitCode::config);
  CHECK(config_failure(head + "region = \"us-east-1\"\n"
                       + "sender_id = \"ACME CORP LTD\"\n" + keys)
        == core::ExitCode::config);
  CHECK(config_failure(head + "region = \"us-east-1\"\n"
                       + "senderid = \"ACME\"\n" + keys)
        == core::ExitCode::config);
}

} // namespace smsotp::test::aws_sns_cases
