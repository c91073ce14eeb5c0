#include "provider/base/http_provider.hpp"

#include "core/error.hpp"
#include "core/otp.hpp"
#include "core/secret.hpp"
#include "provider/base/check_outcome.hpp"
#include "provider/base/http_outcome.hpp"
#include "provider/base/keylog.hpp"
#include "util/interrupt.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <thread>
#include <utility>

namespace smsotp::provider {

namespace {

// A Retry-After longer than this ends the attempt at once as "temporary"
// with that retry-after; shorter ones are waited out (each wait, not the
// total: at most `retries` of them).
constexpr std::int64_t k_max_retry_wait_ms = 10000;
constexpr std::int64_t k_backoff_base_ms = 250;

std::vector<std::string> with_common_keys(const HttpKind& kind)
{
  std::vector<std::string> keys{
      "base_url", "ca_file", "timeout", "connect_timeout", "retries"};
  keys.insert(keys.end(), kind.keys.begin(), kind.keys.end());
  for (const auto& secret : kind.secret_names) {
    keys.push_back(secret);
    keys.push_back(secret + "_file");
    keys.push_back(secret + "_env");
  }
  return keys;
}

// Full jitter: uniform in [0, base * 2^attempt).
std::int64_t backoff_ms(int attempt)
{
  const std::int64_t ceiling = k_backoff_base_ms << attempt;
  std::array<std::uint8_t, 4> bytes{};
  core::OpenSslRandom random;
  if (!random.fill(bytes.data(), bytes.size())) {
    return ceiling / 2;
  }
  const std::uint32_t value = (std::uint32_t{bytes[0]} << 24U)
                              | (std::uint32_t{bytes[1]} << 16U)
                              | (std::uint32_t{bytes[2]} << 8U) | bytes[3];
  return static_cast<std::int64_t>(value % static_cast<std::uint32_t>(ceiling));
}

// Sleeps, but returns early (false) when SIGINT/SIGTERM arrives.
bool interruptible_sleep(std::int64_t milliseconds)
{
  const auto end = std::chrono::steady_clock::now()
                   + std::chrono::milliseconds(milliseconds);
  while (std::chrono::steady_clock::now() < end) {
    if (util::interrupt_signal() != 0) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

bool surely_not_acted(const HttpResponse& response)
{
  return response.transport == Transport::not_connected
         || (response.transport == Transport::ok && response.status == 429);
}

std::string answer_text(const HttpResponse& response)
{
  if (response.transport == Transport::ok) {
    return "HTTP " + std::to_string(response.status);
  }
  return response.error.empty() ? "no answer" : response.error;
}

} // namespace

Secrets::Secrets(const core::ProviderSpec& spec,
                 bool config_private,
                 bool redact,
                 std::map<std::string, std::string>* cache)
    : m_spec(spec), m_config_private(config_private), m_redact(redact),
      m_cache(cache)
{}

std::string Secrets::get(const std::string& name) const
{
  if (m_redact) {
    return "[redacted]";
  }
  if (m_cache != nullptr) {
    if (const auto it = m_cache->find(name); it != m_cache->end()) {
      return it->second;
    }
  }
  auto value = core::read_secret(
      m_spec, name, m_config_private, "provider." + m_spec.name + " " + name);
  if (m_cache != nullptr) {
    (*m_cache)[name] = value;
  }
  return value;
}

bool Secrets::redacting() const
{
  return m_redact;
}

HttpProvider::HttpProvider(core::ProviderSpec spec,
                           const ProviderContext& context,
                           HttpKind kind)
    : m_spec(std::move(spec)), m_reader(m_spec, with_common_keys(kind)),
      m_kind(std::move(kind)), m_config_private(context.config_private)
{
  m_base_url = m_reader.string_or("base_url", m_kind.default_base_url);
  if (const auto problem = base_url_problem(m_base_url); !problem.empty()) {
    m_reader.fail("base_url", problem);
  }
  while (m_base_url.ends_with('/')) {
    m_base_url.pop_back();
  }
  m_http.hold = context.hold;
  m_http.ca_file = m_reader.path_or("ca_file", "");
  m_http.connect_timeout_ms =
      m_reader.duration_ms_or("connect_timeout", k_default_connect_timeout_ms);
  m_http.total_timeout_ms =
      m_reader.duration_ms_or("timeout", k_default_total_timeout_ms);
  m_retries = m_reader.integer_or("retries", 2, 0, 5);
  for (const auto& secret : m_kind.secret_names) {
    static_cast<void>(
        core::find_secret(m_spec, secret)); // rejects duplicates early
  }
}

const SpecReader& HttpProvider::reader() const
{
  return m_reader;
}

const std::string& HttpProvider::name() const
{
  return m_spec.name;
}

const std::string& HttpProvider::base_url() const
{
  return m_base_url;
}

ProviderInfo HttpProvider::info() const
{
  ProviderInfo info{m_spec.name, m_kind.kind, sender(), m_base_url, {}};
  for (const auto& secret : m_kind.secret_names) {
    info.secrets.emplace_back(secret, core::find_secret(m_spec, secret));
  }
  return info;
}

HttpResponse HttpProvider::exchange(const HttpRequest& request,
                                    std::vector<std::string>& trace) const
{
  drop_keylog_file(); // before the transport first sets up TLS
  for (int attempt = 0;; ++attempt) {
    const auto start = std::chrono::steady_clock::now();
    auto response = perform(request, m_http);
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - start)
                             .count();
    trace.push_back(m_spec.name + ": " + redacted_target(request) + " -> "
                    + answer_text(response) + " in " + std::to_string(elapsed)
                    + " ms");
    // A send called off (its reserve failed) stops here: no retry.
    const bool called_off = m_http.hold != nullptr && m_http.hold->called_off();
    if (!surely_not_acted(response) || attempt >= m_retries || called_off) {
      return response;
    }
    std::int64_t wait = backoff_ms(attempt);
    if (response.retry_after) {
      if (*response.retry_after * 1000 > k_max_retry_wait_ms) {
        return response; // the caller reports it with that retry-after
      }
      wait = *response.retry_after * 1000;
    }
    trace.push_back(m_spec.name + ": not processed; retrying in "
                    + std::to_string(wait) + " ms");
    if (!interruptible_sleep(wait)) {
      return response;
    }
  }
}

void HttpProvider::prepare()
{
  const Secrets secrets(m_spec, m_config_private, false, &m_secret_cache);
  static_cast<void>(build_send({"+10000000000", "prepare"}, secrets));
}

core::SendResult HttpProvider::send(const core::Message& message)
{
  const Secrets secrets(m_spec, m_config_private, false, &m_secret_cache);
  const auto request = build_send(message, secrets);
  std::vector<std::string> trace;
  auto result = send_outcome(exchange(request, trace));
  result.provider = m_spec.name;
  result.trace = std::move(trace);
  return result;
}

core::SendResult HttpProvider::send_outcome(const HttpResponse& response) const
{
  auto result = classify_send_answer(response, m_spec.name);
  if (!result) {
    result = interpret_send(response);
  }
  return *result;
}

std::string HttpProvider::describe_request(const core::Message& message) const
{
  const Secrets secrets(m_spec, m_config_private, true);
  const auto request = build_send(message, secrets);
  std::string text = request.method + " " + request.url + "\n";
  // libcurl writes the Authorization header from request.user/password.
  if (!request.aws_sigv4.empty()) {
    text += "Authorization: AWS4-HMAC-SHA256 [redacted] (signed by libcurl, "
            + request.aws_sigv4 + ")\n";
  } else if (!request.user.empty()) {
    text += "Authorization: Basic [redacted]\n";
  }
  for (const auto& header : request.headers) {
    text += header + "\n";
  }
  return text + "\n" + request.body + "\n";
}

core::CheckResult HttpProvider::check()
{
  const Secrets secrets(m_spec, m_config_private, false);
  const auto request = build_check(secrets);
  std::vector<std::string> trace;
  auto result = check_outcome(exchange(request, trace));
  result.trace = std::move(trace);
  return result;
}

core::CheckResult
HttpProvider::check_outcome(const HttpResponse& response) const
{
  auto result = classify_check_answer(response, m_spec.name);
  if (!result) {
    result = interpret_check(response);
  }
  return *result;
}

bool HttpProvider::reports_delivery() const
{
  const Secrets redacted(m_spec, m_config_private, true);
  return build_status("id", "+10000000000", redacted).has_value();
}

core::DeliveryReport
HttpProvider::delivery_status(const std::string& message_id,
                              const std::string& to)
{
  const Secrets secrets(m_spec, m_config_private, false, &m_secret_cache);
  const auto request = build_status(message_id, to, secrets);
  if (!request) {
    return Provider::delivery_status(message_id, to);
  }
  std::vector<std::string> trace;
  auto report = status_outcome(exchange(*request, trace));
  report.trace = std::move(trace);
  return report;
}

core::DeliveryReport
HttpProvider::status_outcome(const HttpResponse& response) const
{
  auto report = classify_status_answer(response, m_spec.name);
  if (!report) {
    report = interpret_status(response);
  }
  return *report;
}

std::optional<HttpRequest>
HttpProvider::build_status(const std::string& /*message_id*/,
                           const std::string& /*to*/,
                           const Secrets& /*secrets*/) const
{
  return std::nullopt;
}

core::DeliveryReport
HttpProvider::interpret_status(const HttpResponse& response) const
{
  return status_unexpected(response, m_spec.name, "");
}

core::SendResult HttpProvider::sent(const std::string& message_id) const
{
  return {core::SendStatus::sent, m_spec.name, message_id, "accepted"};
}

core::SendResult HttpProvider::failed(core::SendStatus status,
                                      const std::string& detail) const
{
  core::SendResult result{status, m_spec.name, "", detail};
  if (status == core::SendStatus::unknown) {
    result.retry_after = k_default_retry_after;
  }
  return result;
}

HttpRequest basic_auth_request(std::string method,
                               std::string url,
                               std::string user,
                               std::string password)
{
  HttpRequest request;
  request.method = std::move(method);
  request.url = std::move(url);
  request.user = std::move(user);
  request.password = std::move(password);
  request.headers = {"Accept: application/json"};
  return request;
}

std::string redacted_target(const HttpRequest& request)
{
  const auto query = request.url.find('?');
  return request.method + " " + request.url.substr(0, query)
         + (query == std::string::npos ? "" : "?[query redacted]");
}

} // namespace smsotp::provider
