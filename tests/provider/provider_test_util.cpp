#include "provider_test_util.hpp"

#include "core/error.hpp"
#include "util/string.hpp"

#include <doctest/doctest.h>
#include <openssl/evp.h>

#include <arpa/inet.h>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <netinet/in.h>
#include <sstream>
#include <sys/socket.h>
#include <unistd.h>

namespace smsotp::test {

FakeServer::FakeServer(Handler handler) : m_handler(std::move(handler))
{
  m_server.set_logger([](const httplib::Request&, const httplib::Response&) {});
  const auto route = [this](const httplib::Request& request,
                            httplib::Response& response) {
    RecordedRequest recorded;
    recorded.method = request.method;
    recorded.path = request.path;
    for (const auto& [name, value] : request.params) {
      recorded.query +=
          (recorded.query.empty() ? "" : "&") + name + "=" + value;
    }
    for (const auto& [name, value] : request.headers) {
      std::string lower;
      for (const char c : name) {
        lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      recorded.headers[lower] = value;
    }
    recorded.body = request.body;
    {
      const std::lock_guard<std::mutex> lock(m_mutex);
      m_requests.push_back(recorded);
    }
    m_handler(recorded, response);
  };
  m_server.Get(".*", route);
  m_server.Post(".*", route);
  m_port = m_server.bind_to_any_port("127.0.0.1");
  m_thread = std::thread([this] { m_server.listen_after_bind(); });
  while (!m_server.is_running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

FakeServer::~FakeServer()
{
  m_server.stop();
  m_thread.join();
}

std::string FakeServer::base_url() const
{
  return "http://127.0.0.1:" + std::to_string(m_port);
}

std::vector<RecordedRequest> FakeServer::requests() const
{
  const std::lock_guard<std::mutex> lock(m_mutex);
  return m_requests;
}

FakeServer::Handler
json_answer(int status, const std::string& body, const std::string& retry_after)
{
  return [=](const RecordedRequest&, httplib::Response& response) {
    response.status = status;
    if (!retry_after.empty()) {
      response.set_header("Retry-After", retry_after);
    }
    response.set_content(body, "application/json");
  };
}

namespace {

std::string percent_decode(const std::string& text)
{
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i] == '+' ? ' ' : text[i];
    }
  }
  return out;
}

} // namespace

std::map<std::string, std::string> form_fields(const std::string& body)
{
  std::map<std::string, std::string> fields;
  for (const auto& pair : util::split(body, '&')) {
    const auto equals = pair.find('=');
    REQUIRE(equals != std::string::npos);
    fields[percent_decode(pair.substr(0, equals))] =
        percent_decode(pair.substr(equals + 1));
  }
  return fields;
}

std::string basic_authorization(const std::string& user,
                                const std::string& password)
{
  const std::string pair = user + ":" + password;
  std::string encoded(4 * ((pair.size() + 2) / 3) + 1, '\0');
  const int written =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                      reinterpret_cast<const unsigned char*>(pair.data()),
                      static_cast<int>(pair.size()));
  encoded.resize(static_cast<std::size_t>(written));
  return "Basic " + encoded;
}

std::unique_ptr<provider::Provider> provider_from_toml(const std::string& toml,
                                                       bool config_private)
{
  core::Config config;
  core::parse_config_text(config, toml, "test.toml", "/tmp");
  REQUIRE(config.providers.size() == 1);
  provider::ProviderContext context;
  context.config_private = config_private;
  return provider::make_provider(config.providers.front(), context);
}

std::optional<nlohmann::json> wire_capture(const std::string& provider,
                                           const std::string& call_fragment)
{
  const std::string path =
      std::string(SMSOTP_SHARED_DIR) + "/provider-specs/sdk-wire-captures.json";
  std::ifstream file(path);
  if (!file) {
    MESSAGE("skipped: " << path
                        << " not found (needs the steering repo's shared/)");
    return std::nullopt;
  }
  std::stringstream text;
  text << file.rdbuf();
  const auto document = nlohmann::json::parse(text.str());
  for (const auto& capture : document.at("captures")) {
    if (capture.at("provider") == provider
        && capture.at("call").get<std::string>().find(call_fragment)
               != std::string::npos) {
      return capture;
    }
  }
  FAIL("no capture for " << provider << " / " << call_fragment);
  return std::nullopt;
}

std::pair<int, std::string> provider_config_error(const std::string& toml)
{
  try {
    static_cast<void>(provider_from_toml(toml));
  } catch (const smsotp::Error& error) {
    return {static_cast<int>(error.code()), error.what()};
  }
  return {0, ""};
}

void require_config_error(const std::string& toml, const std::string& key)
{
  const auto [code, message] = provider_config_error(toml);
  CHECK_MESSAGE(code == 78, "no configuration error for " << key);
  CHECK(message.find(key) != std::string::npos);
}

int closed_port()
{
  // A socket that is bound but never listens, then closed: connecting to
  // its port is refused. (An httplib server keeps listening after its
  // destructor when it never ran, so it cannot serve here.)
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address))
          == 0);
  socklen_t size = sizeof(address);
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

namespace {

// setenv is MT-Unsafe (glibc: const:env): it must not run beside a getenv
// on another thread. The provider tests read the environment on the test
// thread only; the fake servers' threads never do.
void set_env(const std::string& name, const std::optional<std::string>& value)
{
  if (value) {
    // NOLINTNEXTLINE(concurrency-mt-unsafe): one thread reads env, above
    ::setenv(name.c_str(), value->c_str(), 1);
  } else {
    // NOLINTNEXTLINE(concurrency-mt-unsafe): one thread reads env, above
    ::unsetenv(name.c_str());
  }
}

} // namespace

ScopedEnv::ScopedEnv(std::string name, const std::optional<std::string>& value)
    : m_name(std::move(name))
{
  if (const char* old = std::getenv(m_name.c_str())) {
    m_old = old;
  }
  set_env(m_name, value);
}

ScopedEnv::~ScopedEnv()
{
  set_env(m_name, m_old);
}

} // namespace smsotp::test
