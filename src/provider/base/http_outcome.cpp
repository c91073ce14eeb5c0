#include "provider/base/http_outcome.hpp"

#include "util/string.hpp"

namespace smsotp::provider {

namespace {

core::SendResult result(core::SendStatus status,
                        const std::string& name,
                        const std::string& detail,
                        std::optional<std::int64_t> retry_after = std::nullopt)
{
  return {status, name, "", detail, retry_after};
}

} // namespace

std::optional<core::SendResult>
classify_send_answer(const HttpResponse& response,
                     const std::string& provider_name)
{
  const std::string error = util::escape_for_display(response.error, 200);
  switch (response.transport) {
    case Transport::not_connected:
      return result(core::SendStatus::temporary,
                    provider_name,
                    "cannot reach the provider (" + error + "); not sent",
                    k_default_retry_after);
    case Transport::tls_untrusted:
      return result(core::SendStatus::permanent,
                    provider_name,
                    "TLS verification failed (" + error
                        + "); not sent (for a private CA set ca_file)");
    case Transport::interrupted:
      return result(
          core::SendStatus::unknown,
          provider_name,
          "interrupted during delivery; the code may have been delivered",
          k_default_retry_after);
    case Transport::interrupted_unsent:
      // Temporary with no retry-after: nothing left, and the caller exits
      // by the pending signal (the contract in http/transport.hpp), so no
      // other provider is tried and no wait is advised.
      return result(core::SendStatus::temporary,
                    provider_name,
                    "interrupted before the request was sent; not sent");
    case Transport::lost:
      return result(core::SendStatus::unknown,
                    provider_name,
                    "no usable answer (" + error + "); delivery status unknown",
                    k_default_retry_after);
    case Transport::ok:
      break;
  }
  const long status = response.status;
  const std::string http = "HTTP " + std::to_string(status);
  if (status == 401 || status == 403) {
    return result(core::SendStatus::auth,
                  provider_name,
                  "credentials rejected (" + http + ")");
  }
  if (status == 429) {
    return result(core::SendStatus::temporary,
                  provider_name,
                  "rate-limited by the provider (" + http + "); not sent",
                  response.retry_after.value_or(k_default_retry_after));
  }
  if (status >= 300 && status < 400) {
    return result(core::SendStatus::unknown,
                  provider_name,
                  "unexpected redirect (" + http
                      + "), not followed; delivery status unknown (check "
                        "base_url)",
                  response.retry_after.value_or(k_default_retry_after));
  }
  if (status >= 500 || status < 200) {
    return result(core::SendStatus::unknown,
                  provider_name,
                  http + " from the provider; delivery status unknown",
                  response.retry_after.value_or(k_default_retry_after));
  }
  return std::nullopt;
}

} // namespace smsotp::provider
