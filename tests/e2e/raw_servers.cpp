#include "raw_servers.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <atomic>
#include <cctype>
#include <mutex>
#include <netinet/in.h>
#include <poll.h>
#include <stdexcept>
#include <string_view>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace e2e {

namespace {

std::string lower(std::string text)
{
  std::transform(text.begin(), text.end(), text.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  return text;
}

// A listening socket on 127.0.0.1 and an ephemeral port; throws on error.
int listen_loopback(int& port)
{
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): socket API
  auto* generic = reinterpret_cast<sockaddr*>(&address);
  if (fd < 0 || ::bind(fd, generic, size) != 0 || ::listen(fd, 16) != 0
      || ::getsockname(fd, generic, &size) != 0) {
    if (fd >= 0) {
      ::close(fd);
    }
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  port = ntohs(address.sin_port);
  return fd;
}

} // namespace

struct ResetServer::Impl
{
  int listener = -1;
  int port = -1;
  std::thread thread;
  std::atomic<bool> stopping{false};
  mutable std::mutex mutex;
  std::vector<std::string> bodies;

  // Reads headers and a Content-Length body; "" if the peer gave up.
  static std::string read_body(int fd)
  {
    std::string data;
    std::array<char, 4096> buffer{};
    std::size_t need = std::string::npos;
    std::size_t header_end = std::string::npos;
    while (need == std::string::npos || data.size() < need) {
      pollfd ready{fd, POLLIN, 0};
      if (::poll(&ready, 1, 5000) <= 0) {
        return {};
      }
      const ssize_t n = ::read(fd, buffer.data(), buffer.size());
      if (n <= 0) {
        return {};
      }
      data.append(buffer.data(), static_cast<std::size_t>(n));
      if (header_end == std::string::npos) {
        header_end = data.find("\r\n\r\n");
        if (header_end != std::string::npos) {
          const std::string head = lower(data.substr(0, header_end));
          const auto at = head.find("content-length:");
          const auto value = at + std::string_view("content-length:").size();
          const std::size_t length =
              at == std::string::npos
                  ? 0
                  : std::stoul(head.substr(value, head.find('\r', at) - value));
          need = header_end + 4 + length;
        }
      }
    }
    return data.substr(header_end + 4);
  }

  void serve()
  {
    while (!stopping) {
      pollfd ready{listener, POLLIN, 0};
      if (::poll(&ready, 1, 20) <= 0) {
        continue;
      }
      const int fd = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        continue;
      }
      std::string body = read_body(fd);
      {
        const std::lock_guard<std::mutex> lock(mutex);
        bodies.push_back(std::move(body));
      }
      // A zero linger time turns close() into a reset (RST).
      const linger reset{1, 0};
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
      ::close(fd);
    }
  }
};

ResetServer::ResetServer() : m_impl(std::make_unique<Impl>())
{
  m_impl->listener = listen_loopback(m_impl->port);
  m_impl->thread = std::thread([impl = m_impl.get()] { impl->serve(); });
}

ResetServer::~ResetServer()
{
  m_impl->stopping = true;
  m_impl->thread.join();
  ::close(m_impl->listener);
}

std::string ResetServer::base_url() const
{
  return "http://127.0.0.1:" + std::to_string(m_impl->port);
}

std::size_t ResetServer::request_count() const
{
  const std::lock_guard<std::mutex> lock(m_impl->mutex);
  return m_impl->bodies.size();
}

std::vector<std::string> ResetServer::bodies() const
{
  const std::lock_guard<std::mutex> lock(m_impl->mutex);
  return m_impl->bodies;
}

SilentServer::SilentServer()
{
  m_fd = listen_loopback(m_port);
}

SilentServer::~SilentServer()
{
  ::close(m_fd);
}

int SilentServer::port() const
{
  return m_port;
}

} // namespace e2e
