// The `messagebird` provider: MessageBird's legacy REST API.
// send:  POST {base_url}/messages, JSON {"originator","recipients","body"};
//        Authorization: AccessKey KEY. Success is 2xx (201) with an "id".
// check: GET {base_url}/balance -> {"payment","type","amount"}; the balance
//        shown is "amount type", e.g. "10.5 credits".
// status: GET {base_url}/messages/{id} -> recipients.items[0].status:
//        delivered / delivery_failed, expired / the rest (scheduled, sent,
//        buffered) still pending.
// Errors carry {"errors":[{"code","description","parameter"}]}: 2 request
// not allowed (key), 9 missing and 10 invalid parameter, 20 not found,
// 21 bad request, 25 not enough balance. Descriptions can quote the request,
// so only codes and parameter names are shown.
// The official SDK hard-codes its host, so no wire capture exists; the
// request follows the documented shape (research/providers.md §2.6).

#include "provider/base/http_provider.hpp"
#include "provider/base/json_answer.hpp"
#include "provider/base/kinds.hpp"
#include "util/string.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace smsotp::provider {

namespace {

struct BirdError
{
  long long code = 0;
  std::string parameter; // "" if none or not shown
};

// A parameter name is shown only if it looks like one.
std::string safe_parameter(const std::optional<std::string>& parameter)
{
  const auto name = parameter.value_or("");
  const bool plain =
      !name.empty() && name.size() <= 40
      && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                  || (c >= '0' && c <= '9') || c == '_' || c == '.';
         });
  return plain ? name : "";
}

std::vector<BirdError> errors_of(const std::string& body)
{
  std::vector<BirdError> errors;
  const JsonAnswer answer(body);
  const auto count = answer.array_size("/errors").value_or(0);
  for (std::size_t i = 0; i < count; ++i) {
    const std::string error = "/errors/" + std::to_string(i);
    if (const auto code = answer.integer(error + "/code")) {
      errors.push_back(
          {*code, safe_parameter(answer.string(error + "/parameter"))});
    }
  }
  return errors;
}

bool has_code(const std::vector<BirdError>& errors, long long code)
{
  return std::any_of(errors.begin(), errors.end(), [code](const auto& error) {
    return error.code == code;
  });
}

std::string describe(const std::vector<BirdError>& errors)
{
  std::string text;
  for (const auto& error : errors) {
    text += (text.empty() ? ", messagebird error " : ", ")
            + std::to_string(error.code)
            + (error.parameter.empty() ? "" : " on " + error.parameter);
  }
  return text;
}

class MessageBirdProvider : public HttpProvider
{
public:
  MessageBirdProvider(const core::ProviderSpec& spec,
                      const ProviderContext& context)
      : HttpProvider(spec,
                     context,
                     {"messagebird",
                      "https://rest.messagebird.com",
                      key_strings(k_messagebird_keys.plain),
                      key_strings(k_messagebird_keys.secrets)})
  {
    m_originator = reader().required_string(
        "originator", "a number, or up to 11 letters and digits");
  }

private:
  std::string sender() const override
  {
    return m_originator;
  }

  static std::vector<std::string> auth_headers(const Secrets& secrets)
  {
    return {"Authorization: AccessKey " + secrets.get("access_key"),
            "Accept: application/json"};
  }

  HttpRequest build_send(const core::Message& message,
                         const Secrets& secrets) const override
  {
    // `recipients` is the number's digits without '+', as a string: the
    // form the official SDK sends (it joins a list with commas) and the
    // example in research/providers.md §2.6. The docs also accept an array
    // of integers; a string cannot lose digits in any JSON parser.
    const std::string digits =
        message.to.starts_with('+') ? message.to.substr(1) : message.to;
    nlohmann::ordered_json body;
    body["originator"] = m_originator;
    body["recipients"] = digits;
    body["body"] = message.text;
    HttpRequest request;
    request.url = base_url() + "/messages";
    request.headers = auth_headers(secrets);
    request.headers.emplace_back("Content-Type: application/json");
    request.body = body.dump();
    return request;
  }

  core::SendResult interpret_send(const HttpResponse& response) const override
  {
    const std::string http = "HTTP " + std::to_string(response.status);
    if (is_success(response)) {
      if (const auto id = JsonAnswer(response.body).nonempty_string("/id")) {
        return sent(*id);
      }
      return failed(core::SendStatus::unknown,
                    http + " without a message id; delivery status unknown");
    }
    const auto errors = errors_of(response.body);
    const std::string detail = http + describe(errors);
    if (has_code(errors, 2)) {
      return failed(core::SendStatus::auth,
                    "credentials rejected (" + detail + ")");
    }
    if (has_code(errors, 25)) {
      return failed(core::SendStatus::permanent,
                    "not enough balance (" + detail + "); not sent");
    }
    auto result = failed(core::SendStatus::permanent,
                         "rejected (" + detail + "); not sent");
    // Code 10 on `recipients`: the number itself is invalid, and another
    // provider would refuse it too.
    result.rejected_recipient =
        std::any_of(errors.begin(), errors.end(), [](const auto& error) {
          return error.code == 10 && error.parameter.starts_with("recipient");
        });
    return result;
  }

  HttpRequest build_check(const Secrets& secrets) const override
  {
    return get_request(base_url() + "/balance", auth_headers(secrets));
  }

  // Documented: {"payment": "prepaid", "type": "credits", "amount": 10.5}.
  core::CheckResult interpret_check(const HttpResponse& response) const override
  {
    if (!is_success(response)) {
      const auto errors = errors_of(response.body);
      if (has_code(errors, 2)) {
        return check_rejected(response, describe(errors).substr(2));
      }
      return check_unexpected(response, name());
    }
    const JsonAnswer answer(response.body);
    const auto* amount = answer.at("/amount");
    const auto type = answer.string("/type");
    if (!answer.is_object() || amount == nullptr || !amount->is_number()
        || !type || (answer.has("/payment") && !answer.string("/payment"))) {
      return check_unexpected(
          response,
          name(),
          "expected the balance object with a numeric amount "
          "and its type");
    }
    return check_accepted(
        core::Balance{amount->dump(), util::escape_for_display(*type, 20)});
  }

  std::optional<HttpRequest> build_status(const std::string& message_id,
                                          const std::string& /*to*/,
                                          const Secrets& secrets) const override
  {
    return get_request(base_url() + "/messages/" + url_escape(message_id),
                       auth_headers(secrets));
  }

  core::DeliveryReport
  interpret_status(const HttpResponse& response) const override
  {
    const JsonAnswer answer(response.body);
    const auto status = answer.string("/recipients/items/0/status");
    if (!is_success(response) || !status) {
      return status_unexpected(
          response,
          name(),
          "expected the message object with recipients.items[0].status");
    }
    static const StatusWords k_words{
        {"delivered"}, {"delivery_failed", "expired"}, {}};
    return status_from_word(*status, k_words, name());
  }

  std::string m_originator;
};

} // namespace

std::unique_ptr<Provider>
make_messagebird_provider(const core::ProviderSpec& spec,
                          const ProviderContext& context)
{
  return std::make_unique<MessageBirdProvider>(spec, context);
}

} // namespace smsotp::provider
