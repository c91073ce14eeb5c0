#pragma once

// A configurable fake provider on 127.0.0.1 (plain HTTP, or HTTPS with a
// test certificate made at test time), started and stopped by the test
// itself. It records every request and answers each with what a handler
// returns: any status, headers and body, after a delay, or dripped one
// byte at a time. raw_servers.hpp has servers that misbehave below HTTP.

#include "harness.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace e2e {

struct Recorded
{
  std::string method;
  std::string path; // without the query string
  std::string body;
  std::string authorization;
  std::string content_type;
  std::map<std::string, std::string> form;    // the decoded form body
  std::map<std::string, std::string> query;   // the decoded query string
  std::map<std::string, std::string> headers; // lower-case names

  std::string header(const std::string& lower_name) const
  {
    const auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct Answer
{
  Answer() = default;
  Answer(int status_code,
         std::string text,
         std::string type = "application/json",
         std::vector<std::pair<std::string, std::string>> extra_headers = {})
      : status(status_code), body(std::move(text)),
        content_type(std::move(type)), headers(std::move(extra_headers))
  {}

  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds delay{}; // before the answer starts
  std::chrono::milliseconds drip{};  // > 0: the body one byte per interval
};

using Handler = std::function<Answer(const Recorded&)>;

// A handler that always gives the same answer.
Handler always(const Answer& answer);

struct TestCert
{
  std::string cert; // self-signed for IP:127.0.0.1 (also usable as the CA)
  std::string key;
};

// Makes a throw-away certificate with the openssl CLI inside the sandbox.
TestCert make_test_cert(const Sandbox& box);

class FakeProvider
{
public:
  // With `tls` it serves HTTPS with that certificate; with `port` > 0 it
  // binds that port (e.g. one a test first used as a closed port).
  explicit FakeProvider(Handler handler,
                        const TestCert* tls = nullptr,
                        int port = 0);
  virtual ~FakeProvider();
  FakeProvider(const FakeProvider&) = delete;
  FakeProvider& operator=(const FakeProvider&) = delete;

  int port() const;
  // "http://127.0.0.1:PORT" or "https://127.0.0.1:PORT".
  std::string base_url() const;
  std::size_t request_count() const;
  std::vector<Recorded> requests() const;
  // Waits until at least `count` requests have arrived.
  bool wait_for_requests(std::size_t count,
                         std::chrono::milliseconds timeout) const;
  // Answers later requests with `handler`.
  void set_handler(Handler handler);

  struct Impl;

private:
  std::unique_ptr<Impl> m_impl;
};

// Percent-decoding ('+' as a space) and "a=b&c=d" parsing.
std::string url_decode(std::string_view text);
std::map<std::string, std::string> parse_form(std::string_view body);

// The code inside a message ("your code is NNN"), searched in the
// percent-decoded body of `request` (form, JSON or query alike); "" if none.
std::string code_in(const Recorded& request);
std::string code_in_text(const std::string& text);

} // namespace e2e
