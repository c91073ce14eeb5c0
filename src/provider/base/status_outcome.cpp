#include "provider/base/status_outcome.hpp"

#include "util/string.hpp"

#include <algorithm>

namespace smsotp::provider {

namespace {

using State = core::DeliveryReport::State;

core::DeliveryReport make(State state, std::string detail)
{
  core::DeliveryReport report;
  report.state = state;
  report.detail = std::move(detail);
  return report;
}

std::string http(const HttpResponse& response)
{
  return "HTTP " + std::to_string(response.status);
}

bool listed(const std::vector<std::string_view>& words, const std::string& word)
{
  return std::find(words.begin(), words.end(), word) != words.end();
}

} // namespace

std::optional<core::DeliveryReport>
classify_status_answer(const HttpResponse& response,
                       const std::string& provider)
{
  const std::string error = util::escape_for_display(response.error, 200);
  switch (response.transport) {
    case Transport::not_connected:
    case Transport::lost:
      return make(State::pending,
                  "no answer from " + provider + "'s message-status API ("
                      + error + "); asking again");
    case Transport::interrupted:
    case Transport::interrupted_unsent:
      return make(State::pending, "interrupted");
    case Transport::tls_untrusted:
      return make(State::unknown,
                  "TLS verification failed (" + error
                      + "); delivery not confirmed (for a private CA set "
                        "ca_file)");
    case Transport::ok:
      break;
  }
  const long status = response.status;
  if (status == 429 || status >= 500) {
    return make(State::pending,
                provider + "'s message-status API answered " + http(response)
                    + "; asking again");
  }
  if (status == 401 || status == 403) {
    return make(State::unknown,
                provider + "'s message-status API rejected the credentials ("
                    + http(response) + "); delivery not confirmed");
  }
  if (status < 200 || (status >= 300 && status < 400)) {
    return status_unexpected(response, provider, "");
  }
  return std::nullopt;
}

core::DeliveryReport status_from_word(const std::string& word,
                                      const StatusWords& words,
                                      const std::string& provider)
{
  const std::string shown = util::escape_for_display(word, 40);
  core::DeliveryReport report;
  report.provider_status = shown;
  if (listed(words.delivered, word)) {
    report.state = State::delivered;
    report.detail = provider + " reports the message delivered (" + shown + ")";
  } else if (listed(words.failed, word)) {
    report.state = State::failed;
    report.detail =
        provider + " reports the message not delivered (" + shown + ")";
  } else if (listed(words.unknown, word)) {
    report.state = State::unknown;
    report.detail = provider + " reports no final delivery outcome (" + shown
                    + "); delivery not confirmed";
  } else {
    report.state = State::pending;
    report.detail = provider + " reports status " + shown;
  }
  return report;
}

core::DeliveryReport status_unexpected(const HttpResponse& response,
                                       const std::string& provider,
                                       const std::string& expected)
{
  std::string what = http(response) + ", ";
  if (response.body.empty()) {
    what += "empty body";
  } else {
    if (!response.content_type.empty()) {
      what += util::escape_for_display(response.content_type, 40) + ", ";
    }
    what += std::to_string(response.body.size()) + " bytes";
  }
  return make(State::unknown,
              "unexpected answer from " + provider + "'s message-status API ("
                  + what + (expected.empty() ? "" : "; " + expected)
                  + "); delivery not confirmed");
}

core::DeliveryReport status_not_yet(const HttpResponse& response,
                                    const std::string& provider)
{
  return make(State::pending,
              provider + " has no delivery report yet (" + http(response)
                  + "); asking again");
}

} // namespace smsotp::provider
