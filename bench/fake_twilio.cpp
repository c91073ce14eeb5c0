#include "fake_twilio.hpp"

#include "bench_util.hpp"

#include <httplib.h>

#include <mutex>
#include <stdexcept>
#include <thread>

namespace bench {

TestCa make_test_ca(const std::string& dir)
{
  const TestCa files{dir + "/ca.pem", dir + "/server.pem", dir + "/server.key"};
  const std::string ca_key = dir + "/ca.key";
  const std::string request = dir + "/server.csr";
  const std::string extensions = dir + "/server.ext";
  // P-256 keys: cheap to make, and the handshake cost is what real
  // providers' ECDSA or RSA certificates cost within a few tenths of a ms.
  must({"openssl",
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-noenc",
        "-days",
        "2",
        "-subj",
        "/CN=smsotp bench CA",
        "-keyout",
        ca_key,
        "-out",
        files.ca_cert});
  must({"openssl",
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-noenc",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        files.server_key,
        "-out",
        request});
  write_file(extensions,
             "basicConstraints = critical, CA:FALSE\n"
             "keyUsage = critical, digitalSignature\n"
             "extendedKeyUsage = serverAuth\n"
             "subjectAltName = IP:127.0.0.1\n");
  must({"openssl",
        "x509",
        "-req",
        "-in",
        request,
        "-CA",
        files.ca_cert,
        "-CAkey",
        ca_key,
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        extensions,
        "-out",
        files.server_cert});
  return files;
}

struct FakeTwilio::Impl
{
  std::unique_ptr<httplib::Server> server;
  std::thread thread;
  std::string base_url;
  mutable std::mutex mutex;
  std::string last_body;
};

FakeTwilio::FakeTwilio(const TestCa* tls) : m_impl(std::make_unique<Impl>())
{
  if (tls != nullptr) {
    m_impl->server = std::make_unique<httplib::SSLServer>(
        tls->server_cert.c_str(), tls->server_key.c_str());
  } else {
    m_impl->server = std::make_unique<httplib::Server>();
  }
  auto& server = *m_impl->server;
  if (!server.is_valid()) {
    throw std::runtime_error("fake twilio: invalid server certificate");
  }
  server.Post(R"(/2010-04-01/Accounts/(\w+)/Messages.json)",
              [impl = m_impl.get()](const httplib::Request& request,
                                    httplib::Response& response) {
                {
                  const std::lock_guard lock(impl->mutex);
                  impl->last_body = request.body;
                }
                response.status = 201;
                response.set_content(R"({"sid":"SM00000000000000000000000)"
                                     R"(000000000","status":"queued"})",
                                     "application/json");
              });
  const int port = server.bind_to_any_port("127.0.0.1");
  if (port <= 0) {
    throw std::runtime_error("fake twilio: cannot bind 127.0.0.1");
  }
  m_impl->base_url = std::string(tls != nullptr ? "https" : "http")
                     + "://127.0.0.1:" + std::to_string(port);
  m_impl->thread = std::thread([&server] { server.listen_after_bind(); });
  while (!server.is_running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

FakeTwilio::~FakeTwilio()
{
  m_impl->server->stop();
  m_impl->thread.join();
}

std::string FakeTwilio::base_url() const
{
  return m_impl->base_url;
}

std::string FakeTwilio::last_body() const
{
  const std::lock_guard lock(m_impl->mutex);
  return m_impl->last_body;
}

} // namespace bench
