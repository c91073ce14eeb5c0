// The `vonage` provider: Vonage (Nexmo) SMS API and account balance.
// send:  POST {base_url}/sms/json, application/x-www-form-urlencoded with
//        api_key, api_secret, from, to (digits, no '+'), text, and
//        type=unicode when the text is not plain GSM-7.
// check: GET {base_url}/account/get-balance?api_key=...&api_secret=...
//        -> {"value": 10.28, ...}, in EUR.
//
// Wire style. Today's official SDKs send Basic auth with a JSON body
// (@vonage/server-sdk 3.27) or a form body (vonage-python-sdk 4). We follow
// instead the published OpenAPI description (Nexmo api-specification,
// 2021; ../shared/provider-specs/vonage_sms_balance.json): credentials as
// form fields on /sms/json and as query parameters on get-balance. That is
// the only style its spec-generated mock accepts (Basic/JSON get 415/422),
// and the live API still accepts it. The cost is a secret in the balance
// URL: the trace shows targets without their query, and the check runs
// only on request (`providers check`).
//
// Answers: HTTP 200 even for failures, one messages[] entry per SMS part,
// each with its own "status" ("0" = accepted). "error-text" can quote the
// number, so only the status code is shown.

#include "core/error.hpp"
#include "provider/base/http_provider.hpp"
#include "provider/base/json_answer.hpp"
#include "provider/base/kinds.hpp"
#include "util/string.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>
#include <utility>

namespace smsotp::provider {

namespace {

// get-balance answers in EUR and does not say so.
constexpr const char* k_balance_currency = "EUR";

// True if `text` needs type=unicode: any non-ASCII byte (some of those are
// GSM-7, but sending them as unicode is never wrong, only longer), or an
// ASCII character outside GSM-7's basic and extension tables.
bool needs_unicode(const std::string& text)
{
  return std::ranges::any_of(text, [](const char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte >= 0x80 || byte == '`'
           || (byte < 0x20 && byte != '\n' && byte != '\r');
  });
}

// The name of a Vonage message status, for messages ("" for a status
// Vonage does not document). These are Vonage's documented labels, not
// text from the answer.
std::string status_label(const std::string& status)
{
  static constexpr auto k_labels =
      std::to_array<std::pair<std::string_view, std::string_view>>({
          {"1", "throttled"},
          {"2", "missing parameters"},
          {"3", "invalid parameters"},
          {"4", "invalid credentials"},
          {"5", "internal error"},
          {"6", "invalid message or unroutable number"},
          {"7", "number barred"},
          {"8", "partner account barred"},
          {"9", "partner quota violation"},
          {"10", "too many existing binds"},
          {"11", "account not enabled for HTTP"},
          {"12", "message too long"},
          {"14", "invalid signature"},
          {"15", "invalid sender address"},
          {"22", "invalid network code"},
          {"23", "invalid callback URL"},
          {"29", "non-whitelisted destination"},
          {"32", "signature and API secret disallowed"},
          {"33", "number de-activated"},
      });
  for (const auto& [code, label] : k_labels) {
    if (status == code) {
      return std::string(label);
    }
  }
  return "";
}

// Status 3 ("invalid parameters") is about the recipient only when
// error-text names the "to" parameter, e.g. "Invalid to address".
bool names_to_parameter(const std::string& error_text)
{
  const std::string text = util::to_lower(error_text);
  return text.find("invalid to") != std::string::npos
         || text.find("to address") != std::string::npos
         || text.find("to number") != std::string::npos
         || text.find("destination") != std::string::npos;
}

// messages[index]: one entry per SMS part.
std::string message_pointer(std::size_t index)
{
  return "/messages/" + std::to_string(index);
}

class VonageProvider : public HttpProvider
{
public:
  VonageProvider(const core::ProviderSpec& spec, const ProviderContext& context)
      : HttpProvider(spec,
                     context,
                     {"vonage",
                      "https://rest.nexmo.com",
                      key_strings(k_vonage_keys.plain),
                      key_strings(k_vonage_keys.secrets)})
  {
    m_api_key = reader().required_string("api_key",
                                         "your Vonage API key, 8 characters");
    m_from = reader().required_string(
        "from", "a sender number in international format or a sender name");
  }

private:
  std::string sender() const override
  {
    return m_from;
  }

  // "api_key=...&api_secret=..." for a body or a query string. A redacted
  // secret stays readable ("[redacted]", not "%5Bredacted%5D").
  std::string credentials(const Secrets& secrets) const
  {
    const std::string secret = secrets.get("api_secret");
    return form_encode({{"api_key", m_api_key}}) + "&api_secret="
           + (secrets.redacting() ? secret : url_escape(secret));
  }

  HttpRequest build_send(const core::Message& message,
                         const Secrets& secrets) const override
  {
    std::string to = message.to;
    if (to.starts_with('+')) {
      to.erase(0, 1);
    }
    std::vector<std::pair<std::string, std::string>> fields{
        {"from", m_from}, {"to", to}, {"text", message.text}};
    if (needs_unicode(message.text)) {
      fields.emplace_back("type", "unicode");
    }
    HttpRequest request;
    request.url = base_url() + "/sms/json";
    request.headers = {"Accept: application/json",
                       "Content-Type: application/x-www-form-urlencoded"};
    request.body = credentials(secrets) + "&" + form_encode(fields);
    return request;
  }

  core::SendResult interpret_send(const HttpResponse& response) const override
  {
    const std::string http = "HTTP " + std::to_string(response.status);
    if (response.status < 200 || response.status >= 300) {
      return failed(core::SendStatus::permanent,
                    "rejected (" + http + "); not sent");
    }
    const JsonAnswer answer(response.body);
    const auto parts = answer.array_size("/messages").value_or(0);
    if (!answer.is_object() || parts == 0) {
      return failed(core::SendStatus::unknown,
                    http + " without a messages list; delivery status unknown");
    }
    std::size_t accepted = 0;
    std::optional<std::string> rejected; // the first refused part's pointer
    std::string rejected_status;
    for (std::size_t i = 0; i < parts; ++i) {
      // Vonage sends the status as a string; a number is tolerated.
      const auto status = answer.code(message_pointer(i) + "/status");
      if (!status) {
        return failed(core::SendStatus::unknown,
                      http
                          + " with a message lacking a status; delivery "
                            "status unknown");
      }
      if (*status == "0") {
        ++accepted;
      } else if (!rejected) {
        rejected = message_pointer(i);
        rejected_status = *status;
      }
    }
    if (!rejected) {
      if (const auto id =
              answer.nonempty_string(message_pointer(0) + "/message-id")) {
        return sent(*id);
      }
      return failed(core::SendStatus::unknown,
                    http + " without a message-id; delivery status unknown");
    }
    if (accepted > 0) {
      // Some parts went out and may carry the code: resending elsewhere
      // could deliver it twice.
      return failed(core::SendStatus::unknown,
                    "vonage accepted only " + std::to_string(accepted) + " of "
                        + std::to_string(parts)
                        + " message parts; delivery status unknown");
    }
    if (status_label(rejected_status).empty()) {
      // Not a status Vonage documents: nothing says the message was refused.
      return failed(core::SendStatus::unknown,
                    "vonage status "
                        + util::escape_for_display(rejected_status, 8)
                        + " is not a documented one; delivery status unknown");
    }
    return rejection(rejected_status,
                     answer.string(*rejected + "/error-text").value_or(""));
  }

  // The outcome for a message status other than "0" when no part was sent.
  core::SendResult rejection(const std::string& status,
                             const std::string& error_text) const
  {
    const std::string detail = "vonage status "
                               + util::escape_for_display(status, 8) + " ("
                               + status_label(status) + "); not sent";
    if (status == "1") {
      auto result = failed(core::SendStatus::temporary, detail);
      result.retry_after = k_default_retry_after;
      return result;
    }
    if (status == "4" || status == "14" || status == "32") {
      return failed(core::SendStatus::auth, detail);
    }
    auto result = failed(core::SendStatus::permanent, detail);
    // 6 unroutable, 7 barred, 33 de-activated: the number itself. 29 is a
    // demo account's allow-list, so another provider may well deliver.
    result.rejected_recipient =
        status == "6" || status == "7" || status == "33"
        || (status == "3" && names_to_parameter(error_text));
    return result;
  }

  HttpRequest build_check(const Secrets& secrets) const override
  {
    return get_request(base_url() + "/account/get-balance?"
                           + credentials(secrets),
                       {"Accept: application/json"});
  }

  // Documented: {"value": 10.28, "autoReload": false}; value is a number
  // (a decimal string is accepted too: the XML form of the same answer).
  core::CheckResult interpret_check(const HttpResponse& response) const override
  {
    if (!is_success(response)) {
      return check_unexpected(response, name());
    }
    const JsonAnswer answer(response.body);
    const auto value =
        answer.is_object() ? answer.amount("/value") : std::nullopt;
    const auto* reload = answer.at("/autoReload");
    const bool reload_ok =
        !answer.is_object() || reload == nullptr || reload->is_boolean();
    if (!value || !reload_ok) {
      return check_unexpected(
          response, name(), "expected the balance object with a numeric value");
    }
    return check_accepted(core::Balance{*value, k_balance_currency});
  }

  std::string m_api_key;
  std::string m_from;
};

} // namespace

std::unique_ptr<Provider> make_vonage_provider(const core::ProviderSpec& spec,
                                               const ProviderContext& context)
{
  return std::make_unique<VonageProvider>(spec, context);
}

} // namespace smsotp::provider
