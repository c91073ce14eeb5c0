// The `plivo` provider: Plivo Message API v1.
// send:  POST {base_url}/v1/Account/{auth_id}/Message/ (trailing slash),
//        JSON {"src" | "powerpack_uuid", "dst", "text"}; Basic auth
//        auth_id:auth_token. dst is E.164 with '+', as plivo-node 4.79 sends
//        it. Success is 202 with "message_uuid": ["..."].
// check: GET {base_url}/v1/Account/{auth_id}/ -> "cash_credits" (USD, the
//        only currency Plivo bills in; the object carries no currency).
// status: GET .../Account/{auth_id}/Message/{message_uuid}/ ->
//        "message_state": delivered / failed, undelivered, rejected / the
//        rest (queued, sent) still pending.
// Errors are {"api_id", "error": "<text>"}; the text can quote the number
// ("19332631167 is not a valid phone number"), so it is only inspected to
// classify the failure and never shown.

#include "core/error.hpp"
#include "provider/base/http_provider.hpp"
#include "provider/base/json_answer.hpp"
#include "provider/base/kinds.hpp"
#include "util/string.hpp"

#include <nlohmann/json.hpp>

#include <tuple>

namespace smsotp::provider {

namespace {

// True if Plivo's error text is about the destination: another provider
// would refuse the number too. Plivo validates dst synchronously (invalid,
// not SMS-enabled) and reports geo-permission refusals ("destination
// country barred"); errors about src name "src" and are the account's.
bool plivo_recipient_error(const std::string& error_text)
{
  const std::string text = util::to_lower(error_text);
  if (text.find("src") != std::string::npos
      || text.find("source") != std::string::npos) {
    return false;
  }
  return text.find("dst") != std::string::npos
         || text.find("destination") != std::string::npos
         || text.find("not a valid phone number") != std::string::npos
         || text.find("not an sms enabled") != std::string::npos
         || text.find("not sms enabled") != std::string::npos;
}

class PlivoProvider : public HttpProvider
{
public:
  PlivoProvider(const core::ProviderSpec& spec, const ProviderContext& context)
      : HttpProvider(spec,
                     context,
                     {"plivo",
                      "https://api.plivo.com",
                      key_strings(k_plivo_keys.plain),
                      key_strings(k_plivo_keys.secrets)})
  {
    m_auth_id = reader().required_string("auth_id",
                                         "your Plivo Auth ID, MA... or SA...");
    std::tie(m_src, m_powerpack_uuid) = reader().exactly_one(
        "src", "powerpack_uuid", "a sender number or id, or a Powerpack");
  }

private:
  std::string sender() const override
  {
    return m_src.empty() ? m_powerpack_uuid : m_src;
  }

  // Ends in '/': Plivo's resource URIs all do.
  std::string account_url() const
  {
    return base_url() + "/v1/Account/" + url_escape(m_auth_id) + "/";
  }

  HttpRequest build_send(const core::Message& message,
                         const Secrets& secrets) const override
  {
    // Ordered as the SDK sends it, so --dry-run reads like Plivo's docs.
    nlohmann::ordered_json body;
    if (!m_src.empty()) {
      body["src"] = m_src;
    } else {
      body["powerpack_uuid"] = m_powerpack_uuid;
    }
    body["dst"] = message.to;
    body["text"] = message.text;
    auto request = basic_auth_request("POST",
                                      account_url() + "Message/",
                                      m_auth_id,
                                      secrets.get("auth_token"));
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
      const auto uuid = answer.array_size("/message_uuid")
                            ? answer.nonempty_string("/message_uuid/0")
                            : std::nullopt;
      if (uuid) {
        return sent(*uuid);
      }
      return failed(core::SendStatus::unknown,
                    http + " without a message_uuid; delivery status unknown");
    }
    const bool recipient =
        plivo_recipient_error(answer.string("/error").value_or(""));
    auto result = failed(
        core::SendStatus::permanent,
        "rejected (" + http + (recipient ? ", invalid or barred recipient" : "")
            + "); not sent");
    result.rejected_recipient = recipient;
    return result;
  }

  HttpRequest build_check(const Secrets& secrets) const override
  {
    return basic_auth_request(
        "GET", account_url(), m_auth_id, secrets.get("auth_token"));
  }

  // Documented: the account object, with cash_credits as a decimal string.
  core::CheckResult interpret_check(const HttpResponse& response) const override
  {
    if (!is_success(response)) {
      return check_unexpected(response, name());
    }
    const JsonAnswer answer(response.body);
    const auto amount = answer.string("/cash_credits")
                            ? answer.amount("/cash_credits")
                            : std::nullopt;
    if (!amount) {
      return check_unexpected(
          response,
          name(),
          "expected the account object with cash_credits as a decimal string");
    }
    return check_accepted(core::Balance{*amount, "USD"});
  }

  std::optional<HttpRequest> build_status(const std::string& message_id,
                                          const std::string& /*to*/,
                                          const Secrets& secrets) const override
  {
    return basic_auth_request("GET",
                              account_url() + "Message/"
                                  + url_escape(message_id) + "/",
                              m_auth_id,
                              secrets.get("auth_token"));
  }

  core::DeliveryReport
  interpret_status(const HttpResponse& response) const override
  {
    const JsonAnswer answer(response.body);
    const auto state = answer.string("/message_state");
    if (!is_success(response) || !state) {
      return status_unexpected(
          response, name(), "expected the message object with message_state");
    }
    static const StatusWords k_words{
        {"delivered"}, {"failed", "undelivered", "rejected"}, {}};
    return status_from_word(*state, k_words, name());
  }

  std::string m_auth_id;
  std::string m_src;
  std::string m_powerpack_uuid;
};

} // namespace

std::unique_ptr<Provider> make_plivo_provider(const core::ProviderSpec& spec,
                                              const ProviderContext& context)
{
  return std::make_unique<PlivoProvider>(spec, context);
}

} // namespace smsotp::provider
