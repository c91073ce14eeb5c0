#pragma once

// A fake Twilio Messages API on 127.0.0.1 (plain HTTP or HTTPS with a test
// certificate made at test time): a FakeProvider answering according to one
// scenario, and the configs that point smsotp at it.

#include "fake_provider.hpp"
#include "harness.hpp"

#include <chrono>
#include <string>

namespace e2e {

enum class Reply
{
  created,           // 201 {"sid":"SM...","status":"queued"}
  bad_request,       // 400 {"code":21211,...}
  unauthorized,      // 401 {"code":20003,...}
  rate_limited,      // 429 without Retry-After: retried `retries` times
  rate_limited_long, // 429 with Retry-After: 30, beyond the retry cap
  server_error,      // 500
  html_ok,           // 200 with an HTML page (a captive portal, a proxy)
  no_sid,            // 200 JSON without a sid
};

// The Retry-After of Reply::rate_limited_long, and the retry-after smsotp
// reports for a 429 without one.
inline constexpr std::int64_t k_retry_after = 30;
// Requests a plain 429 costs with the default retries = 2.
inline constexpr std::size_t k_default_attempts = 3;

// Twilio's answer for `reply`.
Answer twilio_answer(Reply reply);

// A fake Twilio Messages API: every request gets the answer for `reply`
// after `delay`.
class FakeTwilio : public FakeProvider
{
public:
  explicit FakeTwilio(Reply reply,
                      std::chrono::milliseconds delay = {},
                      const TestCert* tls = nullptr);
};

// Twilio test account values used by every Twilio config.
inline constexpr const char* k_account_sid =
    "AC0123456789abcdef0123456789abcdef";
inline constexpr const char* k_auth_token = "e2eTok3nQz7vW9xK2mP4rS6tU8yB1nC5";
inline constexpr const char* k_from = "+15017122661";

enum class TokenSource
{
  file,
  environment, // TWILIO_AUTH_TOKEN, which the test must put in RunOptions
  inline_value,
};

struct TwilioConfig
{
  std::string base_url;
  std::string ca_file; // "" for the system CAs
  std::string timeout; // provider timeout, "" for the default
  std::string retries; // provider retries, "" for the default (2)
  TokenSource source = TokenSource::file;
  unsigned token_mode = 0600;  // the token file's mode
  unsigned config_mode = 0600; // the config file's mode
  std::string store_extra;     // appended to the [store] table
  std::string extra;           // appended verbatim at the end, followed by
                               // standard_tail(extra)
};

// Writes the token (for TokenSource::file) and a config using the twilio
// provider with the database at box.db(); returns the config's path.
std::string twilio_config(const Sandbox& box, const TwilioConfig& config);
// "TWILIO_AUTH_TOKEN=..." for TokenSource::environment.
std::string token_env();
// The Authorization value smsotp must send.
std::string expected_authorization();
// The code inside a recorded message body ("" if none).
std::string code_from_body(const Recorded& request);

} // namespace e2e
