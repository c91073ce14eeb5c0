#include "fake_twilio.hpp"

#include <httplib.h>

#include <atomic>
#include <mutex>
#include <regex>
#include <stdexcept>
#include <thread>

namespace e2e {

namespace {

using namespace std::chrono_literals;

std::string url_decode(std::string_view text)
{
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size()) {
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

void answer(Reply reply, httplib::Response& res)
{
  switch (reply) {
    case Reply::created:
      res.status = 201;
      res.set_content(R"({"sid":"SM0123456789abcdef0123456789abcdef",)"
                      R"("status":"queued","error_code":null})",
                      "application/json");
      return;
    case Reply::bad_request:
      res.status = 400;
      res.set_content(
          R"({"code":21211,"message":"The 'To' number is not a valid )"
          R"(phone number.","more_info":"https://www.twilio.com/docs/)"
          R"(errors/21211","status":400})",
          "application/json");
      return;
    case Reply::unauthorized:
      res.status = 401;
      res.set_content(R"({"code":20003,"message":"Authenticate",)"
                      R"("more_info":"https://www.twilio.com/docs/errors/)"
                      R"(20003","status":401})",
                      "application/json");
      return;
    case Reply::rate_limited:
      res.status = 429;
      res.set_header("Retry-After", std::to_string(k_retry_after));
      res.set_content(R"({"code":20429,"message":"Too Many Requests",)"
                      R"("status":429})",
                      "application/json");
      return;
    case Reply::server_error:
      res.status = 500;
      res.set_content(R"({"code":20500,"message":"Internal Server Error",)"
                      R"("status":500})",
                      "application/json");
      return;
    case Reply::html_ok:
      res.status = 200;
      res.set_content("<html><body><h1>Welcome to the hotel Wi-Fi</h1>"
                      "</body></html>",
                      "text/html");
      return;
    case Reply::no_sid:
      res.status = 200;
      res.set_content(R"({"status":"queued"})", "application/json");
      return;
  }
}

} // namespace

struct FakeTwilio::Impl
{
  Reply reply = Reply::created;
  std::chrono::milliseconds delay{};
  bool tls = false;
  std::unique_ptr<httplib::Server> server;
  std::thread thread;
  int port = -1;
  std::atomic<bool> stopping{false};
  mutable std::mutex mutex;
  std::vector<Recorded> requests;

  void handle(const httplib::Request& req, httplib::Response& res)
  {
    {
      Recorded recorded{req.method,
                        req.path,
                        req.body,
                        req.get_header_value("Authorization"),
                        req.get_header_value("Content-Type"),
                        parse_form(req.body)};
      const std::lock_guard<std::mutex> lock(mutex);
      requests.push_back(std::move(recorded));
    }
    // Interruptible, so that stopping the server never waits for a delay.
    const auto until = std::chrono::steady_clock::now() + delay;
    while (!stopping && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(10ms);
    }
    answer(reply, res);
  }
};

FakeTwilio::FakeTwilio(Reply reply,
                       std::chrono::milliseconds delay,
                       const TestCert* tls)
    : m_impl(std::make_unique<Impl>())
{
  m_impl->reply = reply;
  m_impl->delay = delay;
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
  const auto handler = [impl = m_impl.get()](const httplib::Request& req,
                                             httplib::Response& res) {
    impl->handle(req, res);
  };
  server.Post(".*", handler);
  server.Get(".*", handler);
  m_impl->port = server.bind_to_any_port("127.0.0.1");
  if (m_impl->port <= 0) {
    throw std::runtime_error("fake twilio: cannot bind 127.0.0.1");
  }
  m_impl->thread = std::thread([&server] { server.listen_after_bind(); });
  // httplib 0.11.4 has no wait_until_ready(); stop() is a no-op before
  // is_running() turns true.
  for (int i = 0; i < 5000 && !server.is_running(); ++i) {
    std::this_thread::sleep_for(1ms);
  }
}

FakeTwilio::~FakeTwilio()
{
  m_impl->stopping = true;
  for (int i = 0; i < 5000 && !m_impl->server->is_running(); ++i) {
    std::this_thread::sleep_for(1ms);
  }
  m_impl->server->stop();
  m_impl->thread.join();
}

int FakeTwilio::port() const
{
  return m_impl->port;
}

std::string FakeTwilio::base_url() const
{
  return std::string(m_impl->tls ? "https" : "http")
         + "://127.0.0.1:" + std::to_string(m_impl->port);
}

std::size_t FakeTwilio::request_count() const
{
  const std::lock_guard<std::mutex> lock(m_impl->mutex);
  return m_impl->requests.size();
}

std::vector<Recorded> FakeTwilio::requests() const
{
  const std::lock_guard<std::mutex> lock(m_impl->mutex);
  return m_impl->requests;
}

bool FakeTwilio::wait_for_requests(std::size_t count,
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
  text += "\n" + config.extra;
  if (!contains(config.extra, "[policy]")) {
    // Last, so that line numbers in `extra` stay what they were.
    text += "\n" + std::string(k_allow_all);
  }
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
