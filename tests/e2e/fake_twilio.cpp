#include "fake_twilio.hpp"

#include <regex>

namespace e2e {

Answer twilio_answer(Reply reply)
{
  switch (reply) {
    case Reply::created:
      return {201,
              R"({"sid":"SM0123456789abcdef0123456789abcdef",)"
              R"("status":"queued","error_code":null})"};
    case Reply::bad_request:
      return {400,
              R"({"code":21211,"message":"The 'To' number is not a valid )"
              R"(phone number.","more_info":"https://www.twilio.com/docs/)"
              R"(errors/21211","status":400})"};
    case Reply::unauthorized:
      return {401,
              R"({"code":20003,"message":"Authenticate",)"
              R"("more_info":"https://www.twilio.com/docs/errors/)"
              R"(20003","status":401})"};
    case Reply::rate_limited:
      return {429,
              R"({"code":20429,"message":"Too Many Requests",)"
              R"("status":429})"};
    case Reply::rate_limited_long:
      return {429,
              R"({"code":20429,"message":"Too Many Requests",)"
              R"("status":429})",
              "application/json",
              {{"Retry-After", std::to_string(k_retry_after)}}};
    case Reply::server_error:
      return {500,
              R"({"code":20500,"message":"Internal Server Error",)"
              R"("status":500})"};
    case Reply::html_ok:
      return {200,
              "<html><body><h1>Welcome to the hotel Wi-Fi</h1>"
              "</body></html>",
              "text/html"};
    case Reply::no_sid:
      return {200, R"({"status":"queued"})"};
  }
  return {500, ""};
}

namespace {

Answer delayed(Answer answer, std::chrono::milliseconds delay)
{
  answer.delay = delay;
  return answer;
}

} // namespace

FakeTwilio::FakeTwilio(Reply reply,
                       std::chrono::milliseconds delay,
                       const TestCert* tls)
    : FakeProvider(always(delayed(twilio_answer(reply), delay)), tls)
{}

std::string twilio_config(const Sandbox& box, const TwilioConfig& config)
{
  std::string text = "[store]\ndatabase = \"" + box.db() + "\"\n"
                     + config.store_extra
                     + "\n[send]\nproviders = [\"twilio\"]\n\n"
                       "[provider.twilio]\nkind = \"twilio\"\n"
                       "account_sid = \""
                     + std::string(k_account_sid) + "\"\nfrom = \"" + k_from
                     + "\"\nbase_url = \"" + config.base_url + "\"\n";
  switch (config.source) {
    case TokenSource::file:
      box.write_file(
          "twilio.token", std::string(k_auth_token) + "\n", config.token_mode);
      text += "auth_token_file = \"" + box.path("twilio.token") + "\"\n";
      break;
    case TokenSource::environment:
      text += "auth_token_env = \"TWILIO_AUTH_TOKEN\"\n";
      break;
    case TokenSource::inline_value:
      text += "auth_token = \"" + std::string(k_auth_token) + "\"\n";
      break;
  }
  if (!config.ca_file.empty()) {
    text += "ca_file = \"" + config.ca_file + "\"\n";
  }
  if (!config.timeout.empty()) {
    text += "timeout = \"" + config.timeout + "\"\n";
  }
  if (!config.retries.empty()) {
    text += "retries = " + config.retries + "\n";
  }
  text += "\n" + config.extra;
  text += standard_tail(config.extra);
  return box.write_file("twilio.toml", text, config.config_mode);
}

std::string token_env()
{
  return std::string("TWILIO_AUTH_TOKEN=") + k_auth_token;
}

std::string expected_authorization()
{
  return "Basic " + base64(std::string(k_account_sid) + ":" + k_auth_token);
}

std::string code_from_body(const Recorded& request)
{
  static const std::regex k_code("your code is ([0-9]+)");
  const auto body = request.form.find("Body");
  std::smatch match;
  if (body == request.form.end()
      || !std::regex_search(body->second, match, k_code)) {
    return {};
  }
  return match[1].str();
}

} // namespace e2e
