#include "fake_provider.hpp"

#include "harness.hpp"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <mutex>
#include <regex>
#include <stdexcept>
#include <thread>

namespace e2e {

namespace {

using namespace std::chrono_literals;

// Sleeps `duration`, returning early (false) once `stopping` is set.
bool pause(const std::atomic<bool>& stopping,
           std::chrono::milliseconds duration)
{
  const auto until = std::chrono::steady_clock::now() + duration;
  while (std::chrono::steady_clock::now() < until) {
    if (stopping) {
      return false;
    }
    std::this_thread::sleep_for(5ms);
  }
  return !stopping;
}

} // namespace

std::string url_decode(std::string_view text)
{
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size()
               && std::isxdigit(static_cast<unsigned char>(text[i + 1])) != 0
               && std::isxdigit(static_cast<unsigned char>(text[i + 2])) != 0) {
      out += static_cast<char>(
          std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::map<std::string, std::string> parse_form(std::string_view body)
{
  std::map<std::string, std::string> form;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const auto pair = body.substr(0, amp);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos) {
      form[url_decode(pair.substr(0, eq))] = url_decode(pair.substr(eq + 1));
    }
    body = amp == std::string_view::npos ? std::string_view{}
                                         : body.substr(amp + 1);
  }
  return form;
}

std::string code_in_text(const std::string& text)
{
  static const std::regex k_code("your code is ([0-9]+)");
  std::smatch match;
  return std::regex_search(text, match, k_code) ? match[1].str()
                                                : std::string();
}

std::string code_in(const Recorded& request)
{
  std::string text = url_decode(request.body);
  for (const auto& [name, value] : request.query) {
    text += "\n" + value;
  }
  return code_in_text(text);
}

Handler always(const Answer& answer)
{
  return [answer](const Recorded&) { return answer; };
}

struct FakeProvider::Impl
{
  bool tls = false;
  std::unique_ptr<httplib::Server> server;
  std::thread thread;
  int port = -1;
  std::atomic<bool> stopping{false};
  mutable std::mutex mutex;
  Handler handler;
  std::vector<Recorded> requests;

  void handle(const httplib::Request& req, httplib::Response& res)
  {
    Recorded recorded{req.method,
                      req.path,
                      req.body,
                      req.get_header_value("Authorization"),
                      req.get_header_value("Content-Type"),
                      parse_form(req.body),
                      {},
                      {}};
    for (const auto& [name, value] : req.params) {
      recorded.query[name] = value;
    }
    for (const auto& [name, value] : req.headers) {
      recorded.headers[ascii_lower(name)] = value;
    }
    Handler current;
    {
      const std::lock_guard<std::mutex> lock(mutex);
      requests.push_back(recorded);
      current = handler;
    }
    const Answer answer = current(recorded);
    // Interruptible, so that stopping the server never waits for a delay.
    if (!pause(stopping, answer.delay)) {
      res.status = 503;
      return;
    }
    res.status = answer.status;
    for (const auto& [name, value] : answer.headers) {
      res.set_header(name, value);
    }
    if (answer.drip.count() == 0) {
      res.set_content(answer.body, answer.content_type);
      return;
    }
    res.set_content_provider(
        answer.body.size(),
        answer.content_type,
        [this,
         answer](std::size_t offset, std::size_t, httplib::DataSink& sink) {
          if (!pause(stopping, answer.drip)) {
            return false;
          }
          return sink.write(answer.body.data() + offset, 1);
        });
  }
};

FakeProvider::FakeProvider(Handler handler, const TestCert* tls, int port)
    : m_impl(std::make_unique<Impl>())
{
  m_impl->handler = std::move(handler);
  m_impl->tls = tls != nullptr;
  if (tls != nullptr) {
    auto server = std::make_unique<httplib::SSLServer>(tls->cert.c_str(),
                                                       tls->key.c_str());
    if (!server->is_valid()) {
      throw std::runtime_error("httplib::SSLServer: invalid certificate");
    }
    m_impl->server = std::move(server);
  } else {
    m_impl->server = std::make_unique<httplib::Server>();
  }
  auto& server = *m_impl->server;
  server.set_keep_alive_timeout(1);
  const auto handle = [impl = m_impl.get()](const httplib::Request& req,
                                            httplib::Response& res) {
    impl->handle(req, res);
  };
  server.Post(".*", handle);
  server.Get(".*", handle);
  if (port > 0) {
    m_impl->port = server.bind_to_port("127.0.0.1", port) ? port : -1;
  } else {
    m_impl->port = server.bind_to_any_port("127.0.0.1");
  }
  if (m_impl->port <= 0) {
    throw std::runtime_error("fake provider: cannot bind 127.0.0.1");
  }
  m_impl->thread = std::thread([&server] { server.listen_after_bind(); });
  // httplib 0.11.4 has no wait_until_ready(); stop() is a no-op before
  // is_running() turns true.
  for (int i = 0; i < 5000 && !server.is_running(); ++i) {
    std::this_thread::sleep_for(1ms);
  }
}

FakeProvider::~FakeProvider()
{
  m_impl->stopping = true;
  for (int i = 0; i < 5000 && !m_impl->server->is_running(); ++i) {
    std::this_thread::sleep_for(1ms);
  }
  m_impl->server->stop();
  m_impl->thread.join();
}

int FakeProvider::port() const
{
  return m_impl->port;
}

std::string FakeProvider::base_url() const
{
  return std::string(m_impl->tls ? "https" : "http")
         + "://127.0.0.1:" + std::to_string(m_impl->port);
}

std::size_t FakeProvider::request_count() const
{
  const std::lock_guard<std::mutex> lock(m_impl->mutex);
  return m_impl->requests.size();
}

std::vector<Recorded> FakeProvider::requests() const
{
  const std::lock_guard<std::mutex> lock(m_impl->mutex);
  return m_impl->requests;
}

bool FakeProvider::wait_for_requests(std::size_t count,
                                     std::chrono::milliseconds timeout) const
{
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (request_count() < count) {
    if (std::chrono::steady_clock::now() >= until) {
      return false;
    }
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

void FakeProvider::set_handler(Handler handler)
{
  const std::lock_guard<std::mutex> lock(m_impl->mutex);
  m_impl->handler = std::move(handler);
}

TestCert make_test_cert(const Sandbox& box)
{
  std::filesystem::create_directories(box.path("tls"));
  TestCert cert{box.path("tls/cert.pem"), box.path("tls/key.pem")};
  const std::vector<std::string> argv{SMSOTP_E2E_OPENSSL,
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
                                      "/CN=127.0.0.1",
                                      "-addext",
                                      "subjectAltName=IP:127.0.0.1",
                                      "-keyout",
                                      cert.key,
                                      "-out",
                                      cert.cert};
  const auto result =
      spawn(argv, box.environment(), box.dir(), std::nullopt).finish();
  if (result.exit_code != 0 || !file_exists(cert.cert)) {
    throw std::runtime_error("openssl req failed: " + result.err);
  }
  return cert;
}

} // namespace e2e
