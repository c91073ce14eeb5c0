// The `aws-sns` provider: Amazon SNS Publish to a phone number, AWS Query
// protocol (form body, XML answer read by expat: base/xml_answer.hpp),
// signed with Signature V4 by libcurl (CURLOPT_AWS_SIGV4, service "sns").
// send:  POST {base_url}/ Action=Publish&Version=2010-03-31&Message=..
//        &PhoneNumber=..&MessageAttributes.entry.N.{Name,Value.DataType,
//        Value.StringValue} for AWS.SNS.SMS.SMSType and, if set,
//        AWS.SNS.SMS.SenderID, in the order and spelling of the official
//        SDK (shared/provider-specs/sdk-wire-captures.json). Success is 2xx
//        with <MessageId>.
// check: POST Action=GetSMSSandboxAccountStatus (read-only; also tells
//        whether the account is still in the SMS sandbox). It needs the
//        sns:GetSMSSandboxAccountStatus permission besides sns:Publish.
// Keys: region (required), sender_id, sms_type (Transactional |
// Promotional); secrets access_key_id, secret_access_key and, for
// temporary credentials, session_token (sent as X-Amz-Security-Token).
// The default base_url is https://sns.{region}.amazonaws.com. Error bodies
// carry <Code> and <Message>; the message can quote the number, so only the
// code is shown.

#include "provider/base/http_provider.hpp"
#include "provider/base/kinds.hpp"
#include "provider/base/xml_answer.hpp"
#include "util/string.hpp"

#include <algorithm>
#include <cctype>

namespace smsotp::provider {

namespace {

constexpr const char* k_api_version = "2010-03-31";

// AWS region names: "us-east-1", "ap-southeast-2", "us-gov-west-1". They
// become part of a host name, so nothing else is accepted.
bool is_region(const std::string& region)
{
  if (region.empty() || region.size() > 32) {
    return false;
  }
  return std::all_of(region.begin(), region.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// AWS: "up to 11 alphanumeric characters, including at least one letter
// and no spaces".
bool is_sender_id(const std::string& sender)
{
  const auto alnum = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
  };
  const auto alpha = [](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0;
  };
  return !sender.empty() && sender.size() <= 11
         && std::all_of(sender.begin(), sender.end(), alnum)
         && std::any_of(sender.begin(), sender.end(), alpha);
}

// The default endpoint depends on `region`, which the base class needs
// before this kind's constructor body runs. An invalid or missing region
// yields a placeholder here and a config error in the constructor.
std::string default_endpoint(const core::ProviderSpec& spec)
{
  const auto it = spec.values.find("region");
  if (it == spec.values.end()
      || it->second.type != core::ProviderValue::Type::string
      || !is_region(it->second.text)) {
    return "https://sns.amazonaws.com";
  }
  return "https://sns." + it->second.text + ".amazonaws.com";
}

// An AWS error code as shown to the user: letters, digits and dots only,
// so that a hostile answer cannot inject text.
std::string safe_code(const std::string& code)
{
  const bool clean =
      !code.empty() && code.size() <= 64
      && std::all_of(code.begin(), code.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.';
         });
  return clean ? code : std::string();
}

// Codes that mean the credentials themselves were refused. AWS usually
// answers them with 403 (mapped by the framework), some with 400.
bool is_credential_error(const std::string& code)
{
  return code == "InvalidClientTokenId" || code == "SignatureDoesNotMatch"
         || code == "IncompleteSignature" || code == "ExpiredToken"
         || code == "MissingAuthenticationToken";
}

class AwsSnsProvider : public HttpProvider
{
public:
  AwsSnsProvider(const core::ProviderSpec& spec, const ProviderContext& context)
      : HttpProvider(spec,
                     context,
                     {"aws-sns",
                      default_endpoint(spec),
                      key_strings(k_aws_sns_keys.plain),
                      key_strings(k_aws_sns_keys.secrets)})
  {
    m_region =
        reader().required_string("region", "the AWS region, e.g. us-east-1");
    if (!is_region(m_region)) {
      reader().fail("region",
                    "expected an AWS region name such as us-east-1 "
                    "(lower-case letters, digits and '-')");
    }
    m_sender_id = reader().string_or("sender_id", "");
    if (reader().string("sender_id") && !is_sender_id(m_sender_id)) {
      reader().fail("sender_id",
                    "expected 1 to 11 letters and digits, at least one "
                    "letter");
    }
    m_sms_type = reader().string_or("sms_type", "Transactional");
    if (m_sms_type != "Transactional" && m_sms_type != "Promotional") {
      reader().fail("sms_type",
                    "expected \"Transactional\" or \"Promotional\"");
    }
    m_has_session_token = core::find_secret(spec, "session_token").source
                          != core::SecretRef::Source::none;
  }

private:
  std::string sender() const override
  {
    return m_sender_id.empty() ? "(account default)" : m_sender_id;
  }

  // A signed POST of an AWS Query action. libcurl adds Host and X-Amz-Date
  // and signs them with every header set here (X-Amz-Security-Token
  // included); the signature uses the current time, so it is never shown.
  HttpRequest query_request(
      const Secrets& secrets,
      const std::vector<std::pair<std::string, std::string>>& fields) const
  {
    HttpRequest request;
    request.url = base_url() + "/";
    request.aws_sigv4 = "aws:amz:" + m_region + ":sns";
    request.user = secrets.get("access_key_id");
    request.password = secrets.get("secret_access_key");
    request.headers.emplace_back(
        "Content-Type: application/x-www-form-urlencoded");
    if (m_has_session_token) {
      request.headers.push_back("X-Amz-Security-Token: "
                                + secrets.get("session_token"));
    }
    request.body = form_encode(fields);
    return request;
  }

  HttpRequest build_send(const core::Message& message,
                         const Secrets& secrets) const override
  {
    std::vector<std::pair<std::string, std::string>> fields{
        {"Action", "Publish"},
        {"Version", k_api_version},
        {"Message", message.text},
        {"PhoneNumber", message.to}};
    int entry = 0;
    const auto attribute = [&fields, &entry](const std::string& attribute_name,
                                             const std::string& value) {
      const std::string prefix =
          "MessageAttributes.entry." + std::to_string(++entry) + ".";
      fields.emplace_back(prefix + "Name", attribute_name);
      fields.emplace_back(prefix + "Value.DataType", "String");
      fields.emplace_back(prefix + "Value.StringValue", value);
    };
    attribute("AWS.SNS.SMS.SMSType", m_sms_type);
    if (!m_sender_id.empty()) {
      attribute("AWS.SNS.SMS.SenderID", m_sender_id);
    }
    return query_request(secrets, fields);
  }

  core::SendResult interpret_send(const HttpResponse& response) const override
  {
    const std::string http = "HTTP " + std::to_string(response.status);
    const XmlAnswer answer(response.body);
    if (is_success(response)) {
      const std::string id = answer.text("MessageId").value_or("");
      if (!id.empty() && id.size() <= 128
          && id.find_first_of("<>&\r\n") == std::string::npos) {
        return sent(id);
      }
      return failed(core::SendStatus::unknown,
                    http
                        + " without a MessageId (unparseable response); "
                          "delivery status unknown");
    }
    const std::string code = safe_code(answer.text("Code").value_or(""));
    const std::string shown = code.empty() ? http : http + ", aws " + code;
    if (code == "Throttling" || code == "Throttled"
        || code == "KMSThrottling") {
      auto result =
          failed(core::SendStatus::temporary,
                 "rate-limited by the provider (" + shown + "); not sent");
      result.retry_after = response.retry_after.value_or(k_default_retry_after);
      return result;
    }
    if (is_credential_error(code)) {
      return failed(core::SendStatus::auth,
                    "credentials rejected (" + shown + ")");
    }
    if (code == "RequestExpired") {
      return failed(core::SendStatus::permanent,
                    "request expired (" + shown
                        + "); check the system clock; not sent");
    }
    // InvalidParameter names the parameter in its message ("Invalid
    // parameter: PhoneNumber Reason: ..."); only the parameter name is
    // looked at, the rest may quote the number.
    const std::string text = answer.text("Message").value_or("");
    const bool about_number =
        code == "OptedOut"
        || ((code == "InvalidParameter" || code == "InvalidParameterValue")
            && text.find("PhoneNumber") != std::string::npos);
    if (about_number) {
      auto result = failed(core::SendStatus::permanent,
                           "rejected recipient (" + shown + "); not sent");
      result.rejected_recipient = true;
      return result;
    }
    return failed(core::SendStatus::permanent,
                  "rejected (" + shown + "); not sent");
  }

  HttpRequest build_check(const Secrets& secrets) const override
  {
    return query_request(
        secrets,
        {{"Action", "GetSMSSandboxAccountStatus"}, {"Version", k_api_version}});
  }

  // Documented: <GetSMSSandboxAccountStatusResponse ...>
  // <GetSMSSandboxAccountStatusResult><IsInSandbox>true|false</IsInSandbox>
  // </GetSMSSandboxAccountStatusResult>...</GetSMSSandboxAccountStatusResponse>
  core::CheckResult interpret_check(const HttpResponse& response) const override
  {
    const XmlAnswer answer(response.body);
    if (!is_success(response)) {
      const std::string code = safe_code(answer.text("Code").value_or(""));
      if (is_credential_error(code)) {
        return check_rejected(response, "aws " + code);
      }
      return check_unexpected(
          response, name(), code.empty() ? "" : "aws " + code);
    }
    const std::string sandbox(
        util::trim(answer.text("IsInSandbox").value_or("")));
    const bool is_response =
        answer.root() == "GetSMSSandboxAccountStatusResponse"
        && answer.text("GetSMSSandboxAccountStatusResult");
    if (!is_response || (sandbox != "true" && sandbox != "false")) {
      return check_unexpected(
          response,
          name(),
          "expected GetSMSSandboxAccountStatusResponse with "
          "IsInSandbox true or false");
    }
    return check_accepted(
        std::nullopt,
        sandbox == "true"
            ? "; the account is in the SMS sandbox (only verified "
              "destination numbers receive messages)"
            : "; the account is out of the SMS sandbox");
  }

  std::string m_region;
  std::string m_sender_id;
  std::string m_sms_type;
  bool m_has_session_token = false;
};

} // namespace

std::unique_ptr<Provider> make_aws_sns_provider(const core::ProviderSpec& spec,
                                                const ProviderContext& context)
{
  return std::make_unique<AwsSnsProvider>(spec, context);
}

} // namespace smsotp::provider
