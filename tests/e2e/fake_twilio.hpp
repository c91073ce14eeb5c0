#pragma once

// A fake Twilio Messages API on 127.0.0.1 (plain HTTP or HTTPS with a test
// certificate made at test time), started and stopped by the test itself.
// It records every request and answers according to one scenario.

#include "harness.hpp"

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace e2e {

enum class Reply
{
  created,      // 201 {"sid":"SM...","status":"queued"}
  bad_request,  // 400 {"code":21211,...}
  unauthorized, // 401 {"code":20003,...}
  rate_limited, // 429 with Retry-After: 7
  server_error, // 500
  html_ok,      // 200 with an HTML page (a captive portal, a proxy)
  no_sid,       // 200 JSON without a sid
};

inline constexpr std::int64_t k_retry_after = 7;

struct Recorded
{
  std::string method;
  std::string path;
  std::string body;
  std::string authorization;
  std::string content_type;
  std::map<std::string, std::string> form; // the decoded form body
};

struct TestCert
{
  std::string cert; // self-signed for IP:127.0.0.1 (also usable as the CA)
  std::string key;
};

// Makes a throw-away certificate with the openssl CLI inside the sandbox.
TestCert make_test_cert(const Sandbox& box);

class FakeTwilio
{
public:
  // Answers every request with `reply` after waiting `delay`. With `tls`
  // it serves HTTPS with that certificate.
  explicit FakeTwilio(Reply reply,
                      std::chrono::milliseconds delay = {},
                      const TestCert* tls = nullptr);
  ~FakeTwilio();
  FakeTwilio(const FakeTwilio&) = delete;
  FakeTwilio& operator=(const FakeTwilio&) = delete;

  int port() const;
  // "http://127.0.0.1:PORT" or "https://127.0.0.1:PORT".
  std::string base_url() const;
  std::size_t request_count() const;
  std::vector<Recorded> requests() const;
  // Waits until at least `count` requests have arrived.
  bool wait_for_requests(std::size_t count,
                         std::chrono::milliseconds timeout) const;

  struct Impl;

private:
  std::unique_ptr<Impl> m_impl;
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
  TokenSource source = TokenSource::file;
  unsigned token_mode = 0600;  // the token file's mode
  unsigned config_mode = 0600; // the config file's mode
  std::string store_extra;     // appended to the [store] table
  std::string extra;           // appended verbatim at the end, followed by
                               // k_allow_all unless it has its own [policy]
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
