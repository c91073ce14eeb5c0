// The wire side of the kind fakes: which request is a send or a check,
// what a happy provider answers, and whether the canary credentials and
// the recipient arrived as each API expects them.

#include "kind_values.hpp"
#include "provider_kinds.hpp"

#include <nlohmann/json.hpp>

namespace e2e {

using namespace kinds;

namespace {

std::string basic(const std::string& user, const std::string& secret)
{
  return "Basic " + base64(user + ":" + secret);
}

nlohmann::json json_body(const Recorded& request)
{
  return nlohmann::json::parse(request.body, nullptr, false);
}

Answer ok(const std::string& body, int status = 200)
{
  return {status, body};
}

} // namespace

bool is_send_request(const std::string& kind, const Recorded& request)
{
  const std::string& path = request.path;
  if (request.method != "POST") {
    return false;
  }
  if (kind == "twilio") {
    return path
           == std::string("/2010-04-01/Accounts/") + k_twilio_sid
                  + "/Messages.json";
  }
  if (kind == "vonage") {
    return path == "/sms/json";
  }
  if (kind == "plivo") {
    return path == std::string("/v1/Account/") + k_plivo_id + "/Message/";
  }
  if (kind == "telnyx") {
    return path == "/v2/messages";
  }
  if (kind == "sinch") {
    return path == std::string("/xms/v1/") + k_sinch_plan + "/batches";
  }
  if (kind == "messagebird") {
    return path == "/messages";
  }
  if (kind == "clicksend") {
    return path == "/v3/sms/send";
  }
  if (kind == "aws-sns") {
    const auto action = request.form.find("Action");
    return path == "/" && action != request.form.end()
           && action->second == "Publish";
  }
  return kind == "http" && path == "/api/send";
}

bool is_check_request(const std::string& kind, const Recorded& request)
{
  const std::string& path = request.path;
  if (kind == "sinch") {
    return request.method == "POST"
           && path
                  == std::string("/xms/v1/") + k_sinch_plan
                         + "/batches/dry_run";
  }
  if (kind == "aws-sns") {
    const auto action = request.form.find("Action");
    return request.method == "POST" && path == "/"
           && action != request.form.end()
           && action->second == "GetSMSSandboxAccountStatus";
  }
  if (request.method != "GET") {
    return false;
  }
  if (kind == "twilio") {
    return path
           == std::string("/2010-04-01/Accounts/") + k_twilio_sid
                  + "/Balance.json";
  }
  if (kind == "vonage") {
    return path == "/account/get-balance";
  }
  if (kind == "plivo") {
    return path == std::string("/v1/Account/") + k_plivo_id + "/";
  }
  if (kind == "telnyx") {
    return path == "/v2/balance";
  }
  if (kind == "messagebird") {
    return path == "/balance";
  }
  if (kind == "clicksend") {
    return path == "/v3/account";
  }
  return kind == "http" && path == "/api/balance";
}

namespace {} // namespace

Answer kind_send_answer(const std::string& kind)
{
  const std::string id = kind_message_id(kind);
  if (kind == "twilio") {
    return ok(R"({"sid":")" + id + R"(","status":"queued"})", 201);
  }
  if (kind == "vonage") {
    return ok(R"({"message-count":"1","messages":[{"to":"15551234567",)"
              R"("message-id":")"
              + id
              + R"(","status":"0","remaining-balance":"3.14",)"
                R"("message-price":"0.03","network":"12345"}]})");
  }
  if (kind == "plivo") {
    return ok(R"({"api_id":"e2e","message":"message(s) queued",)"
              R"("message_uuid":[")"
                  + id + R"("]})",
              202);
  }
  if (kind == "telnyx") {
    return ok(R"({"data":{"record_type":"message","id":")" + id + R"("}})");
  }
  if (kind == "sinch" || kind == "messagebird") {
    return ok(R"({"id":")" + id + R"("})", 201);
  }
  if (kind == "clicksend") {
    return ok(R"({"http_code":200,"response_code":"SUCCESS","data":)"
              R"({"messages":[{"status":"SUCCESS","message_id":")"
              + id + R"("}]}})");
  }
  if (kind == "aws-sns") {
    return {200,
            "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/"
            "2010-03-31/\"><PublishResult><MessageId>"
                + id
                + "</MessageId></PublishResult><ResponseMetadata><RequestId>"
                  "e2e</RequestId></ResponseMetadata></PublishResponse>",
            "text/xml"};
  }
  return ok(R"({"status":"ok","id":")" + id + R"("})");
}

namespace {

Answer check_answer(const std::string& kind)
{
  if (kind == "twilio") {
    return ok(R"({"account_sid":")" + std::string(k_twilio_sid)
              + R"(","balance":"12.34","currency":"USD"})");
  }
  if (kind == "vonage") {
    return ok(R"({"value":10.28,"autoReload":false})");
  }
  if (kind == "plivo") {
    return ok(R"({"api_id":"e2e","cash_credits":"5.50000"})");
  }
  if (kind == "telnyx") {
    return ok(R"({"data":{"record_type":"balance","balance":"300.00",)"
              R"("currency":"USD","credit_limit":"100.00"}})");
  }
  if (kind == "sinch") {
    return ok(R"({"number_of_recipients":1,"number_of_messages":1})");
  }
  if (kind == "messagebird") {
    return ok(R"({"payment":"prepaid","type":"credits","amount":10.5})");
  }
  if (kind == "clicksend") {
    return ok(
        R"({"http_code":200,"response_code":"SUCCESS","data":)"
        R"({"balance":"7.25","_currency":{"currency_name_short":"AUD"}}})");
  }
  if (kind == "aws-sns") {
    return {200,
            "<GetSMSSandboxAccountStatusResponse><GetSMSSandboxAccount"
            "StatusResult><IsInSandbox>false</IsInSandbox></GetSMSSandbox"
            "AccountStatusResult></GetSMSSandboxAccountStatusResponse>",
            "text/xml"};
  }
  return {200, "BALANCE:42.00", "text/plain"};
}

} // namespace

Answer kind_answer(const std::string& kind, const Recorded& request)
{
  if (is_send_request(kind, request)) {
    return kind_send_answer(kind);
  }
  if (is_check_request(kind, request)) {
    return check_answer(kind);
  }
  return {404, R"({"error":"no such endpoint in the fake"})"};
}

Handler kind_handler(const std::string& kind)
{
  return [kind](const Recorded& request) { return kind_answer(kind, request); };
}

bool has_credentials(const std::string& kind, const Recorded& request)
{
  const std::string& auth = request.authorization;
  if (kind == "twilio") {
    return auth == basic(k_twilio_sid, k_twilio_token);
  }
  if (kind == "vonage") {
    const auto& fields = request.method == "GET" ? request.query : request.form;
    return fields.contains("api_key") && fields.at("api_key") == k_vonage_key
           && fields.contains("api_secret")
           && fields.at("api_secret") == k_vonage_secret;
  }
  if (kind == "plivo") {
    return auth == basic(k_plivo_id, k_plivo_token);
  }
  if (kind == "telnyx") {
    return auth == std::string("Bearer ") + k_telnyx_key;
  }
  if (kind == "sinch") {
    return auth == std::string("Bearer ") + k_sinch_token;
  }
  if (kind == "messagebird") {
    return auth == std::string("AccessKey ") + k_bird_key;
  }
  if (kind == "clicksend") {
    return auth == basic(k_clicksend_user, k_clicksend_key);
  }
  if (kind == "aws-sns") {
    return auth.starts_with(std::string("AWS4-HMAC-SHA256 Credential=")
                            + k_aws_key_id + "/")
           && contains(auth, "/us-east-1/sns/aws4_request")
           && request.header("x-amz-security-token") == k_aws_session;
  }
  return kind == "http" && request.header("x-api-key") == k_http_secret;
}

bool names_recipient(const std::string& kind,
                     const Recorded& request,
                     const std::string& to)
{
  const std::string digits = to.substr(1);
  const auto json = json_body(request);
  const auto field = [&json](const char* name) {
    return json.is_object() && json.contains(name) && json[name].is_string()
               ? json[name].get<std::string>()
               : std::string();
  };
  const auto form = [&request](const char* name) {
    const auto it = request.form.find(name);
    return it == request.form.end() ? std::string() : it->second;
  };
  if (kind == "twilio") {
    return form("To") == to;
  }
  if (kind == "vonage") {
    return form("to") == digits;
  }
  if (kind == "plivo") {
    return field("dst") == to;
  }
  if (kind == "telnyx" || kind == "http") {
    return field("to") == to;
  }
  if (kind == "sinch") {
    return json.is_object() && json.contains("to")
           && json["to"] == nlohmann::json::array({to});
  }
  if (kind == "messagebird") {
    return field("recipients") == digits;
  }
  if (kind == "clicksend") {
    return json.is_object() && json.contains("messages")
           && json["messages"].is_array() && json["messages"].size() == 1
           && json["messages"][0].value("to", "") == to;
  }
  return kind == "aws-sns" && form("PhoneNumber") == to;
}

} // namespace e2e
