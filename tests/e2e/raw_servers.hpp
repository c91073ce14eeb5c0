#pragma once

// Servers on 127.0.0.1 that misbehave below HTTP, which an HTTP library
// cannot be made to do: they break the exchange at a chosen phase (during
// the TLS handshake, right after the request, in the middle of an answer)
// or never read or answer at all (the kernel still completes the TCP
// handshake for its listen backlog). Used by the e2e tests and by the
// unit tests of the HTTP client.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace e2e {

// What a RawServer does with each connection it accepts.
enum class RawPhase
{
  // Waits for the client's first bytes (a TLS ClientHello, for https),
  // then resets (RST) or closes (FIN) the connection: no request was read.
  reset_in_handshake,
  close_in_handshake,
  // Reads one whole HTTP request (headers and a Content-Length body),
  // records it, then resets the connection without answering.
  reset_after_request,
  // Reads one whole request, records it, writes the given bytes as they
  // are (any status line, headers, a short body) and closes.
  reply,
};

class RawServer
{
public:
  explicit RawServer(RawPhase phase, std::string reply = "");
  ~RawServer();
  RawServer(const RawServer&) = delete;
  RawServer& operator=(const RawServer&) = delete;

  int port() const;
  // "http://127.0.0.1:PORT".
  std::string base_url() const;
  // Connections accepted, whether or not a request was read from them.
  std::size_t connection_count() const;
  // Whole requests read so far, and their bodies.
  std::size_t request_count() const;
  std::vector<std::string> bodies() const;

  struct Impl;

private:
  std::unique_ptr<Impl> m_impl;
};

// The raw bytes of an answer: `status_line` (without CRLF), `headers`
// ("Name: value" each), then `body`. With `declared_length` >= 0 the
// Content-Length says that many bytes, whatever the body's size.
std::string raw_answer(const std::string& status_line,
                       const std::vector<std::string>& headers,
                       const std::string& body,
                       long declared_length = -1);

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
