#pragma once

// Servers on 127.0.0.1 that misbehave below HTTP, which an HTTP library
// cannot be made to do: one resets the connection after reading the
// request, one never reads or answers at all (the kernel still completes
// the TCP handshake for its listen backlog).

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace e2e {

// Accepts connections on 127.0.0.1, reads one HTTP request from each
// (headers and a Content-Length body), records it, then resets the
// connection without answering.
class ResetServer
{
public:
  ResetServer();
  ~ResetServer();
  ResetServer(const ResetServer&) = delete;
  ResetServer& operator=(const ResetServer&) = delete;

  std::string base_url() const;
  std::size_t request_count() const;
  // The bodies of the requests read so far.
  std::vector<std::string> bodies() const;

  struct Impl;

private:
  std::unique_ptr<Impl> m_impl;
};

// Listens on 127.0.0.1 but never accepts: a connection is established by
// the kernel, then nothing is ever read or sent (no TLS handshake either).
class SilentServer
{
public:
  SilentServer();
  ~SilentServer();
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;

  int port() const;

private:
  int m_fd = -1;
  int m_port = -1;
};

} // namespace e2e
