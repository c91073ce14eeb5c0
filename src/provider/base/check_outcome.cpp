#include "provider/base/check_outcome.hpp"

#include "util/string.hpp"

namespace smsotp::provider {

namespace {

core::CheckResult make(core::CheckResult::Status status,
                       std::string detail,
                       std::optional<std::int64_t> retry_after = std::nullopt)
{
  core::CheckResult result;
  result.status = status;
  result.detail = std::move(detail);
  result.retry_after = retry_after;
  return result;
}

std::string http(const HttpResponse& response)
{
  return "HTTP " + std::to_string(response.status);
}

// "HTTP 200, text/html, 97 bytes": what arrived, without its content.
std::string summary(const HttpResponse& response)
{
  std::string text = http(response) + ", ";
  if (response.body.empty()) {
    return text + "empty body";
  }
  if (!response.content_type.empty()) {
    text += util::escape_for_display(response.content_type, 40) + ", ";
  }
  return text + std::to_string(response.body.size()) + " bytes";
}

} // namespace

std::optional<core::CheckResult>
classify_check_answer(const HttpResponse& response, const std::string& provider)
{
  using Status = core::CheckResult::Status;
  const std::string error = util::escape_for_display(response.error, 200);
  // DESIGN §2: 75 prints a retry-after; without the provider's own, the
  // default a send attaches to a connection failure.
  const auto later = [](const std::string& what, std::int64_t wait) {
    return make(Status::unreachable,
                what + "; credentials not confirmed, try again after "
                    + std::to_string(wait) + "s",
                wait);
  };
  switch (response.transport) {
    case Transport::not_connected:
      return later("cannot reach the provider (" + error + ")",
                   k_default_retry_after);
    case Transport::tls_untrusted:
      return make(Status::unexpected_answer,
                  "TLS verification failed (" + error
                      + "); credentials not checked (for a private CA set "
                        "ca_file)");
    case Transport::interrupted:
    case Transport::interrupted_unsent:
      // The caller ends the command by the signal; this is never shown.
      return make(Status::unreachable,
                  "interrupted; credentials not confirmed");
    case Transport::lost:
      return later("no answer from the provider (" + error + ")",
                   k_default_retry_after);
    case Transport::ok:
      break;
  }
  const long status = response.status;
  if (status == 401 || status == 403) {
    return make(Status::credentials_rejected,
                "credentials rejected (" + http(response) + ")");
  }
  if (status == 429) {
    const auto wait = response.retry_after.value_or(k_default_retry_after);
    return make(Status::rate_limited,
                "rate-limited by the provider (" + http(response)
                    + "); credentials not confirmed, try again after "
                    + std::to_string(wait) + "s",
                wait);
  }
  if (status >= 300 && status < 400) {
    return check_unexpected(
        response, provider, "a redirect, not followed; check base_url");
  }
  if (status >= 500) {
    return later("the provider answered " + http(response)
                     + " (a server error)",
                 response.retry_after.value_or(k_default_retry_after));
  }
  if (status < 200) {
    return check_unexpected(response, provider);
  }
  return std::nullopt;
}

core::CheckResult check_accepted(std::optional<core::Balance> balance,
                                 const std::string& note)
{
  auto result = make(core::CheckResult::Status::ok,
                     "credentials accepted" + (note.empty() ? "" : note));
  result.balance = std::move(balance);
  return result;
}

core::Balance answered_balance(std::string amount,
                               const std::optional<std::string>& currency)
{
  core::Balance balance{std::move(amount), std::nullopt};
  if (currency && !currency->empty()) {
    balance.currency = util::escape_for_display(*currency, 8);
  }
  return balance;
}

core::CheckResult check_unexpected(const HttpResponse& response,
                                   const std::string& provider,
                                   const std::string& expected)
{
  return make(core::CheckResult::Status::unexpected_answer,
              "unexpected answer from " + provider + " (" + summary(response)
                  + (expected.empty() ? "" : "; " + expected)
                  + "); credentials not confirmed");
}

core::CheckResult check_rejected(const HttpResponse& response,
                                 const std::string& why)
{
  return make(core::CheckResult::Status::credentials_rejected,
              "credentials rejected (" + http(response)
                  + (why.empty() ? "" : ", " + why) + ")");
}

} // namespace smsotp::provider
