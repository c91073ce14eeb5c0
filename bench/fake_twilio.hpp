#pragma once

// A fake Twilio Messages API on 127.0.0.1 for the send benchmarks, plain
// HTTP or HTTPS, in a thread of the benchmark process: it answers every
// POST with 201 and keeps the last form body, so that the curl baseline can
// send exactly what smsotp sent. Stopped and joined by its destructor.

#include <memory>
#include <string>

namespace bench {

// A throw-away CA and a server certificate it signed for IP:127.0.0.1,
// made with the openssl CLI in `dir`.
struct TestCa
{
  std::string ca_cert; // what smsotp's ca_file and curl's --cacert name
  std::string server_cert;
  std::string server_key;
};
TestCa make_test_ca(const std::string& dir);

class FakeTwilio
{
public:
  // Plain HTTP without `tls`, else HTTPS with its server certificate.
  explicit FakeTwilio(const TestCa* tls = nullptr);
  ~FakeTwilio();
  FakeTwilio(const FakeTwilio&) = delete;
  FakeTwilio& operator=(const FakeTwilio&) = delete;

  // "http://127.0.0.1:PORT" or "https://127.0.0.1:PORT".
  std::string base_url() const;
  // The form body of the last request ("" before the first).
  std::string last_body() const;

  struct Impl;

private:
  std::unique_ptr<Impl> m_impl;
};

} // namespace bench
