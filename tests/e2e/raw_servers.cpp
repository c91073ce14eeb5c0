#include "raw_servers.hpp"

#include "harness.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <atomic>
#include <cctype>
#include <mutex>
#include <netinet/in.h>
#include <optional>
#include <poll.h>
#include <stdexcept>
#include <string_view>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace e2e {

namespace {

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

// Waits up to five seconds for `fd` to become readable.
bool readable(int fd)
{
  pollfd ready{fd, POLLIN, 0};
  return ::poll(&ready, 1, 5000) > 0;
}

// Reads headers and a Content-Length body; nullopt if the peer gave up.
std::optional<std::string> read_request(int fd)
{
  std::string data;
  std::array<char, 4096> buffer{};
  std::size_t need = std::string::npos;
  std::size_t header_end = std::string::npos;
  while (need == std::string::npos || data.size() < need) {
    if (!readable(fd)) {
      return std::nullopt;
    }
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n <= 0) {
      return std::nullopt;
    }
    data.append(buffer.data(), static_cast<std::size_t>(n));
    if (header_end == std::string::npos) {
      header_end = data.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        const std::string head = ascii_lower(data.substr(0, header_end));
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

void write_all(int fd, const std::string& bytes)
{
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n =
        ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n <= 0) {
      return;
    }
    done += static_cast<std::size_t>(n);
  }
}

// A zero linger time turns close() into a reset (RST).
void reset(int fd)
{
  const linger now{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &now, sizeof now);
  ::close(fd);
}

} // namespace

struct RawServer::Impl
{
  RawPhase phase = RawPhase::reply;
  std::string reply;
  int listener = -1;
  int port = -1;
  std::thread thread;
  std::atomic<bool> stopping{false};
  mutable std::mutex mutex;
  std::size_t connections = 0;
  std::vector<std::string> bodies;

  void handle(int fd)
  {
    if (phase == RawPhase::reset_in_handshake
        || phase == RawPhase::close_in_handshake) {
      std::array<char, 4096> buffer{};
      if (readable(fd)) {
        static_cast<void>(::read(fd, buffer.data(), buffer.size()));
      }
      if (phase == RawPhase::reset_in_handshake) {
        reset(fd);
      } else {
        ::shutdown(fd, SHUT_RDWR);
        ::close(fd);
      }
      return;
    }
    auto body = read_request(fd);
    if (body) {
      const std::lock_guard<std::mutex> lock(mutex);
      bodies.push_back(std::move(*body));
    }
    if (phase == RawPhase::reset_after_request || !body) {
      reset(fd);
      return;
    }
    write_all(fd, reply);
    ::shutdown(fd, SHUT_WR);
    // Lets the client read everything before the socket goes away.
    std::array<char, 256> drain{};
    while (readable(fd) && ::read(fd, drain.data(), drain.size()) > 0) {
    }
    ::close(fd);
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
      {
        const std::lock_guard<std::mutex> lock(mutex);
        ++connections;
      }
      handle(fd);
    }
  }
};

RawServer::RawServer(RawPhase phase, std::string reply)
    : m_impl(std::make_unique<Impl>())
{
  m_impl->phase = phase;
  m_impl->reply = std::move(reply);
  m_impl->listener = listen_loopback(m_impl->port);
  m_impl->thread = std::thread([impl = m_impl.get()] { impl->serve(); });
}

RawServer::~RawServer()
{
  m_impl->stopping = true;
  m_impl->thread.join();
  ::close(m_impl->listener);
}

int RawServer::port() const
{
  return m_impl->port;
}

std::string RawServer::base_url() const
{
  return "http://127.0.0.1:" + std::to_string(m_impl->port);
}

std::size_t RawServer::connection_count() const
{
  const std::lock_guard<std::mutex> lock(m_impl->mutex);
  return m_impl->connections;
}

std::size_t RawServer::request_count() const
{
  const std::lock_guard<std::mutex> lock(m_impl->mutex);
  return m_impl->bodies.size();
}

std::vector<std::string> RawServer::bodies() const
{
  const std::lock_guard<std::mutex> lock(m_impl->mutex);
  return m_impl->bodies;
}

std::string raw_answer(const std::string& status_line,
                       const std::vector<std::string>& headers,
                       const std::string& body,
                       long declared_length)
{
  std::string text = status_line + "\r\n";
  for (const auto& header : headers) {
    text += header + "\r\n";
  }
  text += "Content-Length: "
          + std::to_string(declared_length >= 0
                               ? static_cast<std::size_t>(declared_length)
                               : body.size())
          + "\r\n\r\n" + body;
  return text;
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
