// The `sinch` provider: Sinch SMS REST API (xms), service plan id + API
// token authentication.
// send:  POST {base_url}/xms/v1/{service_plan_id}/batches, JSON
//        {"to":[number],"from","body"}; Authorization: Bearer API_TOKEN.
//        Success is 2xx (201) with the batch "id".
// check: POST .../batches/dry_run with a fixed harmless batch: Sinch
//        computes parts and encoding and sends nothing, which proves the
//        token and the service plan id (and the sender's format).
// status: GET .../batches/{batch_id}/delivery_report/{recipient digits}
//        (the number without "+": Sinch's reports and its SDK tutorials
//        name a recipient by its digits, e.g. "447..3")
//        -> "status": Delivered / Aborted, Cancelled, Rejected, Deleted,
//        Failed, Expired / Unknown (final, no verdict) / Queued, Dispatched
//        still pending; 404 (no report yet) is pending too.
// The default base_url comes from `region` (us|eu|au|br|ca):
// https://{region}.sms.api.sinch.com; an explicit base_url wins.
// Errors carry {"code", "text"}; the text can quote the number, so only the
// code is shown.

#include "provider/base/http_provider.hpp"
#include "provider/base/json_answer.hpp"
#include "provider/base/kinds.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>

namespace smsotp::provider {

namespace {

constexpr std::array<const char*, 5> k_regions{"us", "eu", "au", "br", "ca"};

// Recipient of the credential check's dry run: a number from the NANP
// range reserved for fiction (555-0100..0199). A dry run sends nothing, and
// this number never belongs to anyone even if it did.
constexpr const char* k_check_recipient = "+12025550100";

bool is_region(const std::string& region)
{
  return std::find(k_regions.begin(), k_regions.end(), region)
         != k_regions.end();
}

std::string region_list()
{
  std::string list;
  for (const char* region : k_regions) {
    list += (list.empty() ? "" : ", ") + std::string(region);
  }
  return list;
}

std::string region_base_url(const std::string& region)
{
  return "https://" + region + ".sms.api.sinch.com";
}

// The default base_url must be known before HttpProvider reads base_url,
// i.e. before the SpecReader exists. A missing or invalid region yields the
// "us" host here; an invalid one is then rejected, with its location, by
// the constructor.
std::string default_base_url(const core::ProviderSpec& spec)
{
  const auto it = spec.values.find("region");
  if (it != spec.values.end()
      && it->second.type == core::ProviderValue::Type::string
      && is_region(it->second.text)) {
    return region_base_url(it->second.text);
  }
  return region_base_url("us");
}

// Only short identifier-like codes are shown; anything else could be an
// echo of the request.
std::string safe_code(const JsonAnswer& answer)
{
  const auto code = answer.string("/code").value_or("");
  const bool plain =
      !code.empty() && code.size() <= 64
      && std::all_of(code.begin(), code.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                  || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
         });
  return plain ? code : "";
}

// True if a Sinch error is about the recipient: a syntax error whose text
// names parameter 'to' or 'to[N]' ("The format of parameter 'to[0]' is
// invalid; ..."). Another provider would refuse that number too.
bool is_recipient_error(const std::string& code, const JsonAnswer& answer)
{
  if (code != "syntax_invalid_parameter_format"
      && code != "syntax_constraint_violation") {
    return false;
  }
  const auto text = answer.string("/text").value_or("");
  return text.find("'to[") != std::string::npos
         || text.find("'to'") != std::string::npos;
}

class SinchProvider : public HttpProvider
{
public:
  SinchProvider(const core::ProviderSpec& spec, const ProviderContext& context)
      : HttpProvider(spec,
                     context,
                     {"sinch",
                      default_base_url(spec),
                      key_strings(k_sinch_keys.plain),
                      key_strings(k_sinch_keys.secrets)})
  {
    const auto region = reader().string_or("region", "us");
    if (!is_region(region)) {
      reader().fail("region", "expected one of " + region_list());
    }
    m_service_plan_id = reader().required_string(
        "service_plan_id", "from the Sinch dashboard, SMS > APIs");
    m_from = reader().required_string(
        "from", "a number or alphanumeric sender on the service plan");
  }

private:
  std::string sender() const override
  {
    return m_from;
  }

  std::string batches_url() const
  {
    return base_url() + "/xms/v1/" + url_escape(m_service_plan_id) + "/batches";
  }

  // The headers @sinch/sms 1.4.0 sends (sdk-wire-captures.json).
  static std::vector<std::string> json_headers(const Secrets& secrets)
  {
    return {"Authorization: Bearer " + secrets.get("api_token"),
            "Accept: application/json",
            "Content-Type: application/json"};
  }

  // Field order as in the SDK capture, so that the bodies compare equal
  // even as text.
  std::string batch_body(const std::string& to, const std::string& text) const
  {
    nlohmann::ordered_json body;
    body["to"] = nlohmann::ordered_json::array({to});
    body["from"] = m_from;
    body["body"] = text;
    return body.dump();
  }

  HttpRequest build_send(const core::Message& message,
                         const Secrets& secrets) const override
  {
    HttpRequest request;
    request.url = batches_url();
    request.headers = json_headers(secrets);
    request.body = batch_body(message.to, message.text);
    return request;
  }

  core::SendResult interpret_send(const HttpResponse& response) const override
  {
    const JsonAnswer answer(response.body);
    if (is_success(response)) {
      if (const auto id = answer.nonempty_string("/id")) {
        return sent(*id);
      }
      return failed(core::SendStatus::unknown,
                    "HTTP " + std::to_string(response.status)
                        + " without a batch id; delivery status unknown");
    }
    const auto code = safe_code(answer);
    std::string detail = "rejected (HTTP " + std::to_string(response.status);
    if (!code.empty()) {
      detail += ", sinch " + code;
    }
    auto result = failed(core::SendStatus::permanent, detail + "); not sent");
    result.rejected_recipient = is_recipient_error(code, answer);
    return result;
  }

  HttpRequest build_check(const Secrets& secrets) const override
  {
    HttpRequest request;
    request.url = batches_url() + "/dry_run";
    request.headers = json_headers(secrets);
    request.body = batch_body(k_check_recipient, "smsotp credential check");
    return request;
  }

  // Documented: {"number_of_recipients": 1, "number_of_messages": 1,
  // "per_recipient": [...]}, computed without sending.
  core::CheckResult interpret_check(const HttpResponse& response) const override
  {
    const JsonAnswer answer(response.body);
    if (!is_success(response)) {
      const auto code = safe_code(answer);
      return check_unexpected(response,
                              name(),
                              code.empty() ? "dry run refused"
                                           : "dry run refused, sinch " + code);
    }
    const auto count = [&answer](const char* pointer) {
      const auto* value = answer.at(pointer);
      return value != nullptr && value->is_number_unsigned();
    };
    if (!answer.is_object() || !count("/number_of_recipients")
        || !count("/number_of_messages")) {
      return check_unexpected(
          response,
          name(),
          "expected the dry-run result with number_of_recipients "
          "and number_of_messages");
    }
    return check_accepted(std::nullopt, " (dry run; nothing sent)");
  }

  std::optional<HttpRequest> build_status(const std::string& message_id,
                                          const std::string& to,
                                          const Secrets& secrets) const override
  {
    HttpRequest request;
    request.method = "GET";
    request.url = batches_url() + "/" + url_escape(message_id)
                  + "/delivery_report/"
                  + url_escape(to.starts_with('+') ? to.substr(1) : to);
    request.headers = json_headers(secrets);
    return request;
  }

  core::DeliveryReport
  interpret_status(const HttpResponse& response) const override
  {
    if (response.status == 404) {
      return status_not_yet(response, name());
    }
    const JsonAnswer answer(response.body);
    const auto status = answer.string("/status");
    if (!is_success(response) || !status) {
      return status_unexpected(
          response, name(), "expected the recipient delivery report");
    }
    static const StatusWords k_words{
        {"Delivered"},
        {"Aborted", "Cancelled", "Rejected", "Deleted", "Failed", "Expired"},
        {"Unknown"}};
    return status_from_word(*status, k_words, name());
  }

  std::string m_service_plan_id;
  std::string m_from;
};

} // namespace

std::unique_ptr<Provider> make_sinch_provider(const core::ProviderSpec& spec,
                                              const ProviderContext& context)
{
  return std::make_unique<SinchProvider>(spec, context);
}

} // namespace smsotp::provider
