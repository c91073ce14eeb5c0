// The `telnyx` provider: Telnyx Messaging API v2.
// send:  POST {base_url}/v2/messages, JSON {"from", "to", "text"} plus
//        "messaging_profile_id" when configured (alphanumeric senders and
//        number pools need it; with a profile alone Telnyx picks the
//        sender); Authorization: Bearer API_KEY. Success is 2xx with
//        data.id.
// check: GET {base_url}/v2/balance -> data.balance, data.currency.
// status: GET {base_url}/v2/messages/{id} -> data.to[0].status: delivered /
//        sending_failed, delivery_failed / delivery_unconfirmed (final, no
//        verdict) / the rest (queued, sending, sent) still pending.
// Errors are {"errors": [{"code": "10002", "title", "detail", ...}]}; the
// detail can quote the number, so only the codes are shown.

#include "core/error.hpp"
#include "provider/base/http_provider.hpp"
#include "provider/base/json_answer.hpp"
#include "provider/base/kinds.hpp"
#include "util/string.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace smsotp::provider {

namespace {

// Telnyx error codes about the recipient: 10002 invalid phone number,
// 10016 phone number must be +E.164. Another provider would refuse the
// number too.
bool telnyx_recipient_error(const std::string& code)
{
  return code == "10002" || code == "10016";
}

// The codes of errors[], as strings (Telnyx sends strings; tolerate
// numbers). Codes are short identifiers, escaped all the same.
std::vector<std::string> error_codes(const JsonAnswer& answer)
{
  std::vector<std::string> codes;
  const auto count = answer.array_size("/errors").value_or(0);
  for (std::size_t i = 0; i < count; ++i) {
    const std::string pointer = "/errors/" + std::to_string(i) + "/code";
    if (const auto code = answer.string(pointer)) {
      codes.push_back(util::escape_for_display(*code, 16));
    } else if (const auto number = answer.integer(pointer)) {
      codes.push_back(std::to_string(*number));
    }
  }
  return codes;
}

class TelnyxProvider : public HttpProvider
{
public:
  TelnyxProvider(const core::ProviderSpec& spec, const ProviderContext& context)
      : HttpProvider(spec,
                     context,
                     {"telnyx",
                      "https://api.telnyx.com",
                      key_strings(k_telnyx_keys.plain),
                      key_strings(k_telnyx_keys.secrets)})
  {
    m_from = reader().string_or("from", "");
    m_profile_id = reader().string_or("messaging_profile_id", "");
    if (m_from.empty() && m_profile_id.empty()) {
      throw Error(core::ExitCode::config,
                  spec.where + ": provider." + spec.name
                      + ": set from (a sender number or name), "
                        "messaging_profile_id, or both");
    }
  }

private:
  std::string sender() const override
  {
    return m_from.empty() ? m_profile_id : m_from;
  }

  static std::vector<std::string> auth_headers(const Secrets& secrets)
  {
    return {"Authorization: Bearer " + secrets.get("api_key"),
            "Accept: application/json"};
  }

  HttpRequest build_send(const core::Message& message,
                         const Secrets& secrets) const override
  {
    // Ordered as the SDK sends it, so --dry-run reads like Telnyx's docs.
    nlohmann::ordered_json body;
    if (!m_from.empty()) {
      body["from"] = m_from;
    }
    body["to"] = message.to;
    body["text"] = message.text;
    if (!m_profile_id.empty()) {
      body["messaging_profile_id"] = m_profile_id;
    }
    HttpRequest request;
    request.url = base_url() + "/v2/messages";
    request.headers = auth_headers(secrets);
    request.headers.emplace_back("Content-Type: application/json");
    request.body =
        body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return request;
  }

  core::SendResult interpret_send(const HttpResponse& response) const override
  {
    const JsonAnswer answer(response.body);
    const std::string http = "HTTP " + std::to_string(response.status);
    if (is_success(response)) {
      if (const auto id = answer.nonempty_string("/data/id")) {
        return sent(*id);
      }
      return failed(core::SendStatus::unknown,
                    http + " without a message id; delivery status unknown");
    }
    const auto codes = error_codes(answer);
    std::string detail = "rejected (" + http;
    if (!codes.empty()) {
      detail += ", telnyx error " + util::join(codes, "/");
    }
    auto result = failed(core::SendStatus::permanent, detail + "); not sent");
    result.rejected_recipient =
        std::any_of(codes.begin(), codes.end(), telnyx_recipient_error);
    return result;
  }

  HttpRequest build_check(const Secrets& secrets) const override
  {
    return get_request(base_url() + "/v2/balance", auth_headers(secrets));
  }

  // Documented: {"data": {"record_type": "balance", "balance": "300.00",
  // "currency": "USD", ...}}.
  core::CheckResult interpret_check(const HttpResponse& response) const override
  {
    if (!is_success(response)) {
      return check_unexpected(response, name());
    }
    const char* const expected =
        "expected {\"data\": {...}} with record_type \"balance\" and a "
        "decimal balance";
    const JsonAnswer answer(response.body);
    const auto* data = answer.at("/data");
    if (!answer.is_object() || data == nullptr || !data->is_object()) {
      return check_unexpected(response, name(), expected);
    }
    const auto type = answer.string("/data/record_type");
    const auto amount = answer.string("/data/balance")
                            ? answer.amount("/data/balance")
                            : std::nullopt;
    const auto currency = answer.string("/data/currency");
    if ((answer.has("/data/record_type") && type != "balance") || !amount
        || (answer.has("/data/currency") && !currency)) {
      return check_unexpected(response, name(), expected);
    }
    return check_accepted(answered_balance(*amount, currency));
  }

  std::optional<HttpRequest> build_status(const std::string& message_id,
                                          const std::string& /*to*/,
                                          const Secrets& secrets) const override
  {
    return get_request(base_url() + "/v2/messages/" + url_escape(message_id),
                       auth_headers(secrets));
  }

  core::DeliveryReport
  interpret_status(const HttpResponse& response) const override
  {
    const JsonAnswer answer(response.body);
    const auto status = answer.string("/data/to/0/status");
    if (!is_success(response) || !status) {
      return status_unexpected(
          response, name(), "expected {\"data\": {\"to\": [{\"status\"}]}}");
    }
    static const StatusWords k_words{{"delivered"},
                                     {"sending_failed", "delivery_failed"},
                                     {"delivery_unconfirmed"}};
    return status_from_word(*status, k_words, name());
  }

  std::string m_from;
  std::string m_profile_id;
};

} // namespace

std::unique_ptr<Provider> make_telnyx_provider(const core::ProviderSpec& spec,
                                               const ProviderContext& context)
{
  return std::make_unique<TelnyxProvider>(spec, context);
}

} // namespace smsotp::provider
