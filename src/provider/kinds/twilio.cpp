// The `twilio` provider: Programmable Messaging API 2010-04-01.
// send:  POST {base_url}/2010-04-01/Accounts/{account_sid}/Messages.json,
//        form To, From (or MessagingServiceSid), Body; Basic auth
//        account_sid:auth_token. Success is 2xx with a message "sid".
// check: GET .../Accounts/{account_sid}/Balance.json (balance, currency).
// status: GET .../Accounts/{account_sid}/Messages/{sid}.json -> "status":
//        delivered (or read) / failed, undelivered, canceled / the rest
//        (queued, sending, sent, accepted, scheduled...) still pending.
// Errors carry {"code", "message"}; the message can quote the number, so
// only the code is shown.

#include "core/error.hpp"
#include "provider/base/http_provider.hpp"
#include "provider/base/json_answer.hpp"
#include "provider/base/kinds.hpp"
#include "util/string.hpp"

#include <tuple>

namespace smsotp::provider {

namespace {

// Twilio error codes that are about the recipient: another provider
// would refuse the number too. 21211 invalid To, 21408 region not enabled,
// 21610 unsubscribed, 21612 unroutable, 21614 not SMS-capable.
bool is_recipient_error(long long code)
{
  return code == 21211 || code == 21408 || code == 21610 || code == 21612
         || code == 21614;
}

class TwilioProvider : public HttpProvider
{
public:
  TwilioProvider(const core::ProviderSpec& spec, const ProviderContext& context)
      : HttpProvider(spec,
                     context,
                     {"twilio",
                      "https://api.twilio.com",
                      key_strings(k_twilio_keys.plain),
                      key_strings(k_twilio_keys.secrets)})
  {
    m_account_sid = reader().required_string("account_sid",
                                             "your Twilio Account SID, AC...");
    if (!m_account_sid.starts_with("AC") || m_account_sid.size() != 34
        || m_account_sid.find_first_not_of("0123456789abcdefABCDEF", 2)
               != std::string::npos) {
      reader().fail("account_sid", "expected AC followed by 32 hex digits");
    }
    std::tie(m_from, m_service_sid) =
        reader().exactly_one("from",
                             "messaging_service_sid",
                             "a sender number, or a Messaging Service MG...");
  }

private:
  std::string sender() const override
  {
    return m_from.empty() ? m_service_sid : m_from;
  }

  std::string account_url() const
  {
    return base_url() + "/2010-04-01/Accounts/" + url_escape(m_account_sid);
  }

  HttpRequest build_send(const core::Message& message,
                         const Secrets& secrets) const override
  {
    std::vector<std::pair<std::string, std::string>> fields{{"To", message.to}};
    if (!m_from.empty()) {
      fields.emplace_back("From", m_from);
    } else {
      fields.emplace_back("MessagingServiceSid", m_service_sid);
    }
    fields.emplace_back("Body", message.text);
    auto request = basic_auth_request("POST",
                                      account_url() + "/Messages.json",
                                      m_account_sid,
                                      secrets.get("auth_token"));
    request.headers.emplace_back(
        "Content-Type: application/x-www-form-urlencoded");
    request.body = form_encode(fields);
    return request;
  }

  core::SendResult interpret_send(const HttpResponse& response) const override
  {
    const JsonAnswer answer(response.body);
    if (is_success(response)) {
      if (const auto sid = answer.nonempty_string("/sid")) {
        const std::string status = answer.string("/status").value_or("");
        if (status == "failed" || status == "undelivered") {
          return failed(core::SendStatus::permanent,
                        "twilio reported status " + status);
        }
        return sent(*sid);
      }
      return failed(core::SendStatus::unknown,
                    "HTTP " + std::to_string(response.status)
                        + " without a message sid; delivery status unknown");
    }
    std::string detail = "rejected (HTTP " + std::to_string(response.status);
    const auto code = answer.integer("/code");
    if (code) {
      detail += ", twilio error " + std::to_string(*code);
    }
    auto result = failed(core::SendStatus::permanent, detail + "); not sent");
    result.rejected_recipient = code && is_recipient_error(*code);
    return result;
  }

  HttpRequest build_check(const Secrets& secrets) const override
  {
    return basic_auth_request("GET",
                              account_url() + "/Balance.json",
                              m_account_sid,
                              secrets.get("auth_token"));
  }

  // Documented: {"account_sid": "AC...", "balance": "0.05", "currency":
  // "USD"}; balance and currency may be null (subaccounts have none). The
  // balance is a decimal string; any other text is not the documented shape.
  core::CheckResult interpret_check(const HttpResponse& response) const override
  {
    const char* const expected =
        "expected the Balance.json object with string account_sid and "
        "balance";
    const JsonAnswer answer(response.body);
    if (!is_success(response) || !answer.is_object()) {
      return check_unexpected(
          response, name(), is_success(response) ? expected : "");
    }
    const auto sid = answer.string("/account_sid");
    const auto balance =
        answer.string("/balance") ? answer.amount("/balance") : std::nullopt;
    const bool balance_null = answer.is_null("/balance");
    const auto currency = answer.string("/currency");
    const bool currency_ok =
        currency || !answer.has("/currency") || answer.is_null("/currency");
    if (!sid || !sid->starts_with("AC") || !(balance || balance_null)
        || !currency_ok) {
      return check_unexpected(response, name(), expected);
    }
    if (!balance) {
      return check_accepted(std::nullopt, " (the account reports no balance)");
    }
    return check_accepted(answered_balance(*balance, currency));
  }

  std::optional<HttpRequest> build_status(const std::string& message_id,
                                          const std::string& /*to*/,
                                          const Secrets& secrets) const override
  {
    return basic_auth_request("GET",
                              account_url() + "/Messages/"
                                  + url_escape(message_id) + ".json",
                              m_account_sid,
                              secrets.get("auth_token"));
  }

  core::DeliveryReport
  interpret_status(const HttpResponse& response) const override
  {
    const JsonAnswer answer(response.body);
    const auto status = answer.string("/status");
    if (!is_success(response) || !status) {
      return status_unexpected(
          response, name(), "expected the Message object with a status");
    }
    static const StatusWords k_words{
        {"delivered", "read"}, {"failed", "undelivered", "canceled"}, {}};
    return status_from_word(*status, k_words, name());
  }

  std::string m_account_sid;
  std::string m_from;
  std::string m_service_sid;
};

} // namespace

std::unique_ptr<Provider> make_twilio_provider(const core::ProviderSpec& spec,
                                               const ProviderContext& context)
{
  return std::make_unique<TwilioProvider>(spec, context);
}

} // namespace smsotp::provider
