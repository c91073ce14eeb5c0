// The `twilio` provider: Programmable Messaging API 2010-04-01.
// POST {base_url}/2010-04-01/Accounts/{account_sid}/Messages.json, form body
// To, From (or MessagingServiceSid), Body; Basic auth account_sid:auth_token.
// Success is 2xx with a message "sid"; errors carry {"code", "message"}.

#include "core/error.hpp"
#include "provider/http_outcome.hpp"
#include "provider/kinds.hpp"
#include "provider/spec_reader.hpp"
#include "util/string.hpp"

#include <nlohmann/json.hpp>

namespace smsotp::provider {

namespace {

constexpr const char* k_default_base_url = "https://api.twilio.com";

class TwilioProvider : public Provider
{
public:
  TwilioProvider(const core::ProviderSpec& spec, const ProviderContext& context)
      : m_spec(spec), m_config_private(context.config_private)
  {
    const SpecReader reader(spec,
                            {"account_sid",
                             "from",
                             "messaging_service_sid",
                             "auth_token",
                             "auth_token_file",
                             "auth_token_env",
                             "base_url",
                             "ca_file",
                             "timeout",
                             "connect_timeout"});
    m_account_sid =
        reader.required_string("account_sid", "your Twilio Account SID, AC...");
    if (!m_account_sid.starts_with("AC") || m_account_sid.size() != 34) {
      reader.fail("account_sid", "expected AC followed by 32 hex digits");
    }
    m_from = reader.string_or("from", "");
    m_service_sid = reader.string_or("messaging_service_sid", "");
    if (m_from.empty() == m_service_sid.empty()) {
      throw Error(core::ExitCode::config,
                  spec.where + ": provider." + spec.name
                      + ": set exactly one of from (a sender number) or "
                        "messaging_service_sid");
    }
    m_base_url = reader.string_or("base_url", k_default_base_url);
    if (const auto problem = base_url_problem(m_base_url); !problem.empty()) {
      reader.fail("base_url", problem);
    }
    while (m_base_url.ends_with('/')) {
      m_base_url.pop_back();
    }
    m_http.ca_file = reader.path_or("ca_file", "");
    m_http.connect_timeout_ms =
        reader.duration_ms_or("connect_timeout", k_default_connect_timeout_ms);
    m_http.total_timeout_ms =
        reader.duration_ms_or("timeout", k_default_total_timeout_ms);
    m_token_ref = core::find_secret(spec, "auth_token");
  }

  ProviderInfo info() const override
  {
    return {m_spec.name,
            "twilio",
            m_from.empty() ? m_service_sid : m_from,
            m_base_url,
            {{"auth_token", m_token_ref}}};
  }

  void prepare() override
  {
    m_token = core::read_secret(m_spec,
                                "auth_token",
                                m_config_private,
                                "provider." + m_spec.name + " auth_token");
  }

  core::SendResult send(const core::Message& message) override
  {
    const std::string& token = m_token;
    auto request = build_request(message);
    request.headers.push_back("Authorization: Basic "
                              + util::base64(m_account_sid + ":" + token));
    return interpret(perform(request, m_http));
  }

  std::string describe_request(const core::Message& message) const override
  {
    const auto request = build_request(message);
    std::string text = request.method + " " + request.url + "\n";
    text += "Authorization: Basic [redacted]\n";
    for (const auto& header : request.headers) {
      text += header + "\n";
    }
    return text + "\n" + request.body + "\n";
  }

private:
  HttpRequest build_request(const core::Message& message) const
  {
    std::vector<std::pair<std::string, std::string>> fields{{"To", message.to}};
    if (!m_from.empty()) {
      fields.emplace_back("From", m_from);
    } else {
      fields.emplace_back("MessagingServiceSid", m_service_sid);
    }
    fields.emplace_back("Body", message.text);
    HttpRequest request;
    request.method = "POST";
    request.url = m_base_url + "/2010-04-01/Accounts/"
                  + url_escape(m_account_sid) + "/Messages.json";
    request.headers = {"Content-Type: application/x-www-form-urlencoded",
                       "Accept: application/json"};
    request.body = form_encode(fields);
    return request;
  }

  core::SendResult interpret(const HttpResponse& response) const
  {
    if (auto outcome = generic_outcome(response, m_spec.name)) {
      return *outcome;
    }
    const auto json = nlohmann::json::parse(response.body, nullptr, false);
    if (response.status >= 200 && response.status < 300) {
      if (json.is_object() && json.contains("sid") && json["sid"].is_string()
          && !json["sid"].get<std::string>().empty()) {
        const std::string status = json.value("status", "");
        if (status == "failed" || status == "undelivered") {
          return {core::SendStatus::permanent,
                  m_spec.name,
                  "",
                  "twilio reported status " + status,
                  {}};
        }
        return {core::SendStatus::sent,
                m_spec.name,
                json["sid"].get<std::string>(),
                "accepted",
                {}};
      }
      return {core::SendStatus::unknown,
              m_spec.name,
              "",
              "HTTP " + std::to_string(response.status)
                  + " without a message sid; delivery status unknown",
              30};
    }
    // 4xx: Twilio's error object. Its message can quote the number, so only
    // the numeric code is shown.
    std::string detail = "rejected (HTTP " + std::to_string(response.status);
    if (json.is_object() && json.contains("code")
        && json["code"].is_number_integer()) {
      detail +=
          ", twilio error " + std::to_string(json["code"].get<long long>());
    }
    return {core::SendStatus::permanent,
            m_spec.name,
            "",
            detail + "); not sent",
            {}};
  }

  core::ProviderSpec m_spec;
  bool m_config_private;
  std::string m_account_sid;
  std::string m_from;
  std::string m_service_sid;
  std::string m_base_url;
  HttpOptions m_http;
  core::SecretRef m_token_ref;
  std::string m_token; // read by prepare()
};

} // namespace

std::unique_ptr<Provider> make_twilio_provider(const core::ProviderSpec& spec,
                                               const ProviderContext& context)
{
  return std::make_unique<TwilioProvider>(spec, context);
}

} // namespace smsotp::provider
