#pragma once

// A fake HTTP provider on 127.0.0.1 (cpp-httplib) that records each request
// and answers with a canned response, and a port on which nothing listens.
// See shared/toolchain.md gotcha 2 for the start-up sequence.

#include "testutil.hpp"

#include <doctest/doctest.h>
#include <httplib.h>

#include <arpa/inet.h>
#include <chrono>
#include <mutex>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

namespace smsotp::test {

struct RecordedRequest
{
  std::string method;
  std::string path;
  std::string body;
  httplib::Headers headers;
  httplib::Params params;

  std::string header(const std::string& name) const
  {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  std::string param(const std::string& name) const
  {
    const auto it = params.find(name);
    return it == params.end() ? std::string() : it->second;
  }
};

struct CannedResponse
{
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

class FakeHttpServer
{
public:
  FakeHttpServer()
  {
    const auto handler = [this](const httplib::Request& request,
                                httplib::Response& response) {
      const std::lock_guard<std::mutex> lock(m_mutex);
      m_requests.push_back({request.method,
                            request.path,
                            request.body,
                            request.headers,
                            request.params});
      response.status = m_response.status;
      for (const auto& [name, value] : m_response.headers) {
        response.set_header(name, value);
      }
      response.set_content(m_response.body, m_response.content_type.c_str());
    };
    m_server.Post(".*", handler);
    m_server.Get(".*", handler);
    m_port = m_server.bind_to_any_port("127.0.0.1");
    REQUIRE(m_port > 0);
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
    for (int i = 0; i < 5000 && !m_server.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    CHECK(m_server.is_running());
  }
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;
  ~FakeHttpServer()
  {
    m_server.stop();
    m_thread.join();
  }

  std::string base_url() const
  {
    return "http://127.0.0.1:" + std::to_string(m_port);
  }
  void respond(CannedResponse response)
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_response = std::move(response);
  }
  std::vector<RecordedRequest> requests() const
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    return m_requests;
  }

private:
  httplib::Server m_server;
  int m_port = 0;
  std::thread m_thread;
  mutable std::mutex m_mutex;
  CannedResponse m_response;
  std::vector<RecordedRequest> m_requests;
};

// A 127.0.0.1 port that is bound but not listening: connecting to it is
// refused at once, and no other test can take it while this object lives.
class ClosedPort
{
public:
  ClosedPort()
  {
    m_socket = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(m_socket >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    REQUIRE(::bind(m_socket,
                   reinterpret_cast<const sockaddr*>(&address),
                   sizeof address)
            == 0);
    socklen_t size = sizeof address;
    REQUIRE(
        ::getsockname(m_socket, reinterpret_cast<sockaddr*>(&address), &size)
        == 0);
    m_port = ntohs(address.sin_port);
  }
  ClosedPort(const ClosedPort&) = delete;
  ClosedPort& operator=(const ClosedPort&) = delete;
  ~ClosedPort()
  {
    ::close(m_socket);
  }
  std::string base_url() const
  {
    return "http://127.0.0.1:" + std::to_string(m_port);
  }
  int port() const
  {
    return m_port;
  }

private:
  int m_socket = -1;
  int m_port = 0;
};

// Keeps a proxy from the caller's environment away from 127.0.0.1.
class NoProxy
{
public:
  NoProxy() : m_upper("NO_PROXY", "*"), m_lower("no_proxy", "*")
  {}

private:
  ScopedEnv m_upper;
  ScopedEnv m_lower;
};

} // namespace smsotp::test
