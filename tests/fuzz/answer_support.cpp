#include "answer_support.hpp"

#include "fuzz_support.hpp"

#include <charconv>
#include <sstream>

namespace smsotp::fuzz {

namespace {

using provider::Transport;

template<typename T> std::optional<T> number(const std::string& text)
{
  T value{};
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) {
    return std::nullopt;
  }
  return value;
}

Transport transport_from(const std::string& word)
{
  if (word == "not_connected") {
    return Transport::not_connected;
  }
  if (word == "tls_untrusted") {
    return Transport::tls_untrusted;
  }
  if (word == "lost") {
    return Transport::lost;
  }
  if (word == "interrupted") {
    return Transport::interrupted;
  }
  return Transport::ok;
}

std::string describe(const provider::HttpResponse& response)
{
  return "HTTP " + std::to_string(response.status) + " transport "
         + std::to_string(static_cast<int>(response.transport));
}

} // namespace

provider::HttpResponse parse_answer(const std::string& header_line,
                                    std::string body)
{
  provider::HttpResponse response;
  std::istringstream words(header_line);
  std::string status;
  std::string transport;
  std::string retry_after;
  words >> status >> transport >> retry_after >> response.content_type;
  response.status = number<long>(status).value_or(200);
  response.transport = transport_from(transport);
  if (response.transport != Transport::ok) {
    response.error = "fuzzed transport failure";
  }
  response.retry_after = number<std::int64_t>(retry_after);
  if (response.content_type == "-") {
    response.content_type.clear();
  }
  // The client never hands over more than this (provider/http/transport.hpp).
  if (body.size() > provider::k_max_response_body) {
    body.resize(provider::k_max_response_body);
  }
  response.body = std::move(body);
  return response;
}

void check_answer(const char* target,
                  const provider::HttpProvider& provider,
                  const provider::HttpResponse& response)
{
  const bool complete = response.transport == Transport::ok;
  const long status = response.status;
  const bool success_status = complete && status >= 200 && status < 300;
  expect_only_errors(target, [&] {
    const auto sent = provider.send_outcome(response);
    using core::SendStatus;
    if (sent.status == SendStatus::sent && !success_status) {
      fuzz_fail(target, "send: \"sent\" for " + describe(response));
    }
    const bool must_be_unknown =
        response.transport == Transport::lost
        || response.transport == Transport::interrupted
        || (complete && (status < 200 || status >= 500));
    if (must_be_unknown && sent.status != SendStatus::unknown) {
      fuzz_fail(target, "send: not \"unknown\" for " + describe(response));
    }
    const bool must_be_temporary =
        response.transport == Transport::not_connected
        || (complete && status == 429);
    if (must_be_temporary && sent.status != SendStatus::temporary) {
      fuzz_fail(target, "send: not \"temporary\" for " + describe(response));
    }
    if (complete && (status == 401 || status == 403)
        && sent.status != SendStatus::auth) {
      fuzz_fail(target, "send: not \"auth\" for " + describe(response));
    }
  });
  expect_only_errors(target, [&] {
    const auto checked = provider.check_outcome(response);
    if (checked.status == core::CheckResult::Status::ok && !success_status) {
      fuzz_fail(target, "check: \"accepted\" for " + describe(response));
    }
  });
}

} // namespace smsotp::fuzz
