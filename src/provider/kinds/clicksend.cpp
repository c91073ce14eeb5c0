// The `clicksend` provider: ClickSend REST v3.
// send:  POST {base_url}/v3/sms/send, JSON
//        {"messages":[{"from"?,"body","to","source":"smsotp"}]}; Basic auth
//        username:api_key. The answer is HTTP 200 even when the message is
//        refused: success needs data.messages[0].status == "SUCCESS" and a
//        message_id.
// check: GET {base_url}/v3/account -> data.balance and
//        data._currency.currency_name_short.
// status: GET {base_url}/v3/sms/receipts/{message_id} -> data.status_code
//        (see interpret_status).
// Failures carry {"response_code"} (UNAUTHORIZED, BAD_REQUEST, ...) and a
// per-message "status" (INVALID_RECIPIENT, INSUFFICIENT_CREDIT, ...).
// Messages (response_msg) can quote the request, so only codes are shown.

#include "provider/base/http_provider.hpp"
#include "provider/base/json_answer.hpp"
#include "provider/base/kinds.hpp"
#include "util/string.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace smsotp::provider {

namespace {

// Shows a status code only if it looks like one (upper-case identifier).
std::string safe_code(const std::optional<std::string>& value)
{
  const auto code = value.value_or("");
  const bool plain =
      !code.empty() && code.size() <= 40
      && std::all_of(code.begin(), code.end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
         });
  return plain ? code : "";
}

// data.messages[0], the one message sent.
constexpr const char* k_message = "/data/messages/0";

class ClickSendProvider : public HttpProvider
{
public:
  ClickSendProvider(const core::ProviderSpec& spec,
                    const ProviderContext& context)
      : HttpProvider(spec,
                     context,
                     {"clicksend",
                      "https://rest.clicksend.com",
                      key_strings(k_clicksend_keys.plain),
                      key_strings(k_clicksend_keys.secrets)})
  {
    m_username = reader().required_string(
        "username", "your ClickSend API username, shown with the API key");
    m_from = reader().string_or("from", "");
  }

private:
  std::string sender() const override
  {
    return m_from.empty() ? "(account default)" : m_from;
  }

  HttpRequest build_send(const core::Message& message,
                         const Secrets& secrets) const override
  {
    // Field order as in the clicksend 5.1.7 SDK capture. "source" names the
    // sending application in ClickSend's reports; without "from" ClickSend
    // uses the account's default sender.
    nlohmann::ordered_json entry;
    if (!m_from.empty()) {
      entry["from"] = m_from;
    }
    entry["body"] = message.text;
    entry["to"] = message.to;
    entry["source"] = "smsotp";
    nlohmann::ordered_json body;
    body["messages"] = nlohmann::ordered_json::array({entry});
    auto request = basic_auth_request("POST",
                                      base_url() + "/v3/sms/send",
                                      m_username,
                                      secrets.get("api_key"));
    request.headers.emplace_back("Content-Type: application/json");
    request.body = body.dump();
    return request;
  }

  core::SendResult interpret_send(const HttpResponse& response) const override
  {
    const std::string http = "HTTP " + std::to_string(response.status);
    const JsonAnswer answer(response.body);
    const std::string message = answer.array_size("/data/messages")
                                    ? std::string(k_message)
                                    : std::string();
    const std::string status =
        message.empty() ? "" : safe_code(answer.string(message + "/status"));
    if (is_success(response)) {
      if (status == "SUCCESS") {
        if (const auto id = answer.nonempty_string(message + "/message_id")) {
          return sent(*id);
        }
        return failed(core::SendStatus::unknown,
                      http + " without a message id; delivery status unknown");
      }
      if (status.empty()) {
        return failed(core::SendStatus::unknown,
                      http
                          + " without a message status; delivery status "
                            "unknown");
      }
    }
    // A refused message: by its own status, else by the envelope's code.
    std::string code = status;
    if (code.empty()) {
      code = safe_code(answer.string("/response_code"));
    }
    const std::string detail =
        http + (code.empty() ? "" : ", clicksend " + code);
    if (code == "INSUFFICIENT_CREDIT") {
      return failed(core::SendStatus::permanent,
                    "not enough credit (" + detail + "); not sent");
    }
    auto result = failed(core::SendStatus::permanent,
                         "rejected (" + detail + "); not sent");
    result.rejected_recipient = code == "INVALID_RECIPIENT";
    return result;
  }

  HttpRequest build_check(const Secrets& secrets) const override
  {
    return basic_auth_request(
        "GET", base_url() + "/v3/account", m_username, secrets.get("api_key"));
  }

  // Documented: {"http_code": 200, "response_code": "SUCCESS", "data":
  // {"balance": "4.998000", "_currency": {"currency_name_short": "AUD"},
  // ...}}.
  core::CheckResult interpret_check(const HttpResponse& response) const override
  {
    if (!is_success(response)) {
      return check_unexpected(response, name());
    }
    const JsonAnswer answer(response.body);
    const auto* data = answer.at("/data");
    const auto balance =
        answer.is_object() && data != nullptr && data->is_object()
            ? answer.amount("/data/balance")
            : std::nullopt;
    if (!balance
        || (answer.has("/response_code")
            && answer.string("/response_code") != "SUCCESS")) {
      return check_unexpected(
          response,
          name(),
          "expected the account object with data.balance and "
          "response_code SUCCESS");
    }
    return check_accepted(answered_balance(
        *balance, answer.string("/data/_currency/currency_name_short")));
  }

  std::optional<HttpRequest> build_status(const std::string& message_id,
                                          const std::string& /*to*/,
                                          const Secrets& secrets) const override
  {
    return basic_auth_request("GET",
                              base_url() + "/v3/sms/receipts/"
                                  + url_escape(message_id),
                              m_username,
                              secrets.get("api_key"));
  }

  // The receipt's data.status_code (a string or a number): 201 is
  // "received on handset"; the 3xx codes other than 300 (which ClickSend
  // retries) are final failures; anything else is still pending. 404: no
  // receipt yet.
  core::DeliveryReport
  interpret_status(const HttpResponse& response) const override
  {
    if (response.status == 404) {
      return status_not_yet(response, name());
    }
    const JsonAnswer answer(response.body);
    const auto code = answer.code("/data/status_code");
    if (!is_success(response) || !code) {
      return status_unexpected(
          response, name(), "expected the receipt with data.status_code");
    }
    const bool final_failure =
        code->size() == 3 && code->starts_with('3') && *code != "300"
        && code->find_first_not_of("0123456789") == std::string::npos;
    static const StatusWords k_words{{"201"}, {}, {}};
    auto report = status_from_word(*code, k_words, name());
    if (final_failure) {
      report = status_from_word(*code, {{}, {*code}, {}}, name());
    }
    return report;
  }

  std::string m_username;
  std::string m_from;
};

} // namespace

std::unique_ptr<Provider>
make_clicksend_provider(const core::ProviderSpec& spec,
                        const ProviderContext& context)
{
  return std::make_unique<ClickSendProvider>(spec, context);
}

} // namespace smsotp::provider
