// The `http` provider: a generic templated gateway, for the many regional
// bulk-SMS services that have no kind of their own
// (shared/research/providers.md §2.9-2.11). The request is built from
// templates; success is decided by the status and, optionally, a JSON
// pointer or a regex on the body, because such gateways often answer
// HTTP 200 with a plain-text or JSON failure.
//
// Example: a gateway that answers "200 OK" with the plain text
// "STATUS:OK ID:12345" (and e.g. "STATUS:ERR CODE:106" for a bad number):
//
//   [provider.bulk]
//   kind = "http"
//   method = "GET"
//   url = "https://sms.example.in/api/send"
//   body_type = "query"
//   body = ["apikey={secret}", "sender={from}", "number={to_digits}",
//           "message={text}"]
//   from = "ACMEIN"
//   secret_file = "/etc/smsotp/bulk.key"
//   success_regex = '^STATUS:OK\b'
//   message_id_regex = 'ID:([0-9]+)'
//   recipient_error_regex = '^STATUS:ERR CODE:106\b'
//   failure_regex = '^STATUS:ERR\b'
//   check_url = "https://sms.example.in/api/balance"
//   check_query = ["apikey={secret}"]
//   check_success_regex = '^BALANCE:[0-9]'
//
// Placeholders: {to} (E.164), {to_digits} (without '+'), {from}, {text},
// {secret}. Values are escaped for their context: form and query fields
// are percent-encoded, JSON templates get JSON string escaping, headers
// take only {from} and {secret} and never a line break. `url` is used as
// written (no placeholders), so credentials belong in {secret}, which
// --dry-run and --verbose redact.
//
// Outcomes: sent needs a status in success_status (default 200, 201, 202)
// and the body rule if one is set. A listed status whose body fails the
// rule is a refusal only when a failure rule says so (recipient_error_regex,
// about the recipient; failure_regex, any other refusal); otherwise the
// gateway read the request and said something we cannot read (an HTML
// portal, garbage, JSON without the field), so the outcome is unknown. A
// 2xx not listed is unknown too; another 4xx is a refusal. 401/403, 429,
// 3xx and 1xx/5xx are mapped by HttpProvider.

#include "core/error.hpp"
#include "provider/base/http_provider.hpp"
#include "provider/base/kinds.hpp"
#include "provider/kinds/http_gateway_config.hpp"
#include "util/string.hpp"

#include <algorithm>

namespace smsotp::provider {

namespace {

using http_gateway::BodyPattern;
using http_gateway::BodyType;
using http_gateway::Placeholder;

void replace_all(std::string& text,
                 const std::string& from,
                 const std::string& to)
{
  for (auto pos = text.find(from); pos != std::string::npos;
       pos = text.find(from, pos + to.size())) {
    text.replace(pos, from.size(), to);
  }
}

bool is_content_type(const std::string& name)
{
  return util::to_lower(name) == "content-type";
}

class HttpGatewayProvider : public HttpProvider
{
public:
  HttpGatewayProvider(const core::ProviderSpec& spec,
                      const ProviderContext& context)
      : HttpProvider(spec, context, http_gateway::kind_description(spec)),
        m_config(http_gateway::read_config(reader())),
        m_config_private(context.config_private)
  {}

  // Without check_url there is nothing to ask the gateway and no request
  // is made; the secret is still read, which proves its file or variable,
  // but not that the gateway accepts it: the detail says so.
  core::CheckResult check() override
  {
    if (!m_config.check_url.empty()) {
      return HttpProvider::check();
    }
    if (m_config.secret_configured) {
      const Secrets secrets(reader().spec(), m_config_private, false);
      static_cast<void>(secrets.get("secret"));
    }
    core::CheckResult result;
    result.status = core::CheckResult::Status::ok;
    result.detail = "no check_url configured: the configuration is valid, "
                    "the credentials were not checked";
    return result;
  }

private:
  std::string sender() const override
  {
    return m_config.from.empty() ? "(none)" : m_config.from;
  }

  // The secret is read only if the request uses it.
  http_gateway::Values values(const Secrets& secrets, unsigned used) const
  {
    http_gateway::Values values;
    values.from = m_config.from;
    if ((used & static_cast<unsigned>(Placeholder::secret)) != 0) {
      values.secret = secrets.get("secret");
    }
    return values;
  }

  // The configured headers, plus the body's Content-Type unless one of
  // them sets it.
  std::vector<std::string> expand_headers(const http_gateway::Values& values,
                                          const std::string& content_type) const
  {
    std::vector<std::string> headers;
    bool has_content_type = false;
    for (const auto& header : m_config.headers) {
      const std::string value =
          header.value.expand(values, http_gateway::Escape::none);
      // {from} is checked at load time and secrets cannot hold control
      // characters; this keeps "no header injection" an invariant.
      if (http_gateway::has_control(value)) {
        throw Error(core::ExitCode::config,
                    "provider." + name() + ": header " + header.name
                        + " would contain a control character");
      }
      has_content_type = has_content_type || is_content_type(header.name);
      headers.push_back(header.name + ": " + value);
    }
    if (!has_content_type && !content_type.empty()) {
      headers.push_back("Content-Type: " + content_type);
    }
    return headers;
  }

  // In --dry-run the secret is "[redacted]"; show it so rather than
  // percent-encoded.
  static void show_redaction(const Secrets& secrets, HttpRequest& request)
  {
    if (secrets.redacting()) {
      replace_all(request.url, "%5Bredacted%5D", "[redacted]");
      replace_all(request.body, "%5Bredacted%5D", "[redacted]");
    }
  }

  HttpRequest build_send(const core::Message& message,
                         const Secrets& secrets) const override
  {
    auto values = this->values(secrets, m_config.send_used);
    values.to = message.to;
    values.to_digits =
        message.to.starts_with('+') ? message.to.substr(1) : message.to;
    values.text = message.text;
    HttpRequest request;
    request.method = m_config.method;
    request.url = m_config.url;
    std::string content_type;
    switch (m_config.body_type) {
      case BodyType::form:
        content_type = "application/x-www-form-urlencoded";
        request.body = http_gateway::encode_fields(m_config.fields, values);
        break;
      case BodyType::json:
        content_type = "application/json";
        request.body =
            m_config.json.expand(values, http_gateway::Escape::json_string);
        break;
      case BodyType::query:
        request.url = http_gateway::with_query(
            m_config.url, http_gateway::encode_fields(m_config.fields, values));
        break;
      case BodyType::none:
        break;
    }
    request.headers = expand_headers(values, content_type);
    show_redaction(secrets, request);
    return request;
  }

  static bool matches(const BodyPattern& pattern, const std::string& body)
  {
    std::string ignored;
    return !pattern.empty()
           && pattern.find(body, ignored) == BodyPattern::Result::found;
  }

  // A refusal, about the recipient if recipient_error_regex matches. The
  // body is never quoted: it may echo the number or the text.
  core::SendResult rejection(const HttpResponse& response,
                             const std::string& detail) const
  {
    const bool recipient = matches(m_config.recipient_error, response.body);
    auto result = failed(core::SendStatus::permanent,
                         (recipient ? "rejected recipient (" : "rejected (")
                             + detail + "); not sent");
    result.rejected_recipient = recipient;
    return result;
  }

  // A listed status whose body is not a success: a refusal if a failure
  // rule matches, else unknown (the gateway has the request).
  core::SendResult not_success(const HttpResponse& response,
                               const std::string& detail) const
  {
    if (matches(m_config.recipient_error, response.body)
        || matches(m_config.failure, response.body)) {
      return rejection(response, detail);
    }
    return failed(core::SendStatus::unknown,
                  detail
                      + " and no failure rule matches; delivery status "
                        "unknown");
  }

  core::SendResult interpret_send(const HttpResponse& response) const override
  {
    const std::string http = "HTTP " + std::to_string(response.status);
    const auto& statuses = m_config.success_status;
    if (std::find(statuses.begin(), statuses.end(), response.status)
        == statuses.end()) {
      if (response.status >= 200 && response.status < 300) {
        return failed(core::SendStatus::unknown,
                      "unexpected " + http
                          + " (not in success_status); delivery status "
                            "unknown");
      }
      return rejection(response, http);
    }
    const auto& success = m_config.success;
    std::string value;
    const auto found = success.empty() ? BodyPattern::Result::found
                                       : success.find(response.body, value);
    if (found == BodyPattern::Result::unparseable) {
      return not_success(response,
                         "unparseable response (" + http + ", expected JSON)");
    }
    if (found == BodyPattern::Result::not_found) {
      return not_success(
          response,
          http + ", the answer does not match "
              + (success.is_json() ? "success_json_pointer" : "success_regex"));
    }
    if (success.is_json() && value != m_config.success_value) {
      return not_success(
          response,
          http + ", " + util::escape_for_display(m_config.success_pointer)
              + " is not \"" + util::escape_for_display(m_config.success_value)
              + "\"");
    }
    std::string id;
    if (m_config.message_id.find(response.body, id)
        != BodyPattern::Result::found) {
      id.clear();
    }
    return sent(http_gateway::safe_id(id));
  }

  HttpRequest build_check(const Secrets& secrets) const override
  {
    const auto values = this->values(secrets, m_config.check_used);
    auto request =
        get_request(http_gateway::with_query(m_config.check_url,
                                             http_gateway::encode_fields(
                                                 m_config.check_query, values)),
                    expand_headers(values, ""));
    show_redaction(secrets, request);
    return request;
  }

  // Accepted only for a 2xx that matches check_success_regex, which the
  // configuration requires whenever check_url is set.
  core::CheckResult interpret_check(const HttpResponse& response) const override
  {
    if (!is_success(response)) {
      return check_unexpected(response, name());
    }
    std::string ignored;
    if (m_config.check_success.find(response.body, ignored)
        != BodyPattern::Result::found) {
      return check_unexpected(
          response, name(), "does not match check_success_regex");
    }
    return check_accepted(std::nullopt,
                          " (the answer matches check_success_regex)");
  }

  http_gateway::Config m_config;
  bool m_config_private = false;
};

} // namespace

std::unique_ptr<Provider>
make_http_gateway_provider(const core::ProviderSpec& spec,
                           const ProviderContext& context)
{
  return std::make_unique<HttpGatewayProvider>(spec, context);
}

} // namespace smsotp::provider
