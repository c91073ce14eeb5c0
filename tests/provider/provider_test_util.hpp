#pragma once

// Shared helpers for provider tests: a recording fake HTTP server on
// 127.0.0.1, provider construction from TOML text, and the SDK wire
// captures.

#include "core/config.hpp"
#include "provider/base/provider.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace smsotp::test {

struct RecordedRequest
{
  std::string method;
  std::string path; // without the query string
  std::string query;
  std::map<std::string, std::string> headers; // lower-case names
  std::string body;
};

// A fake provider endpoint: every request is recorded, then answered by
// `handler`. Stops and joins in the destructor.
class FakeServer
{
public:
  using Handler =
      std::function<void(const RecordedRequest&, httplib::Response&)>;

  explicit FakeServer(Handler handler);
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;
  ~FakeServer();

  std::string base_url() const; // http://127.0.0.1:PORT
  std::vector<RecordedRequest> requests() const;

private:
  httplib::Server m_server;
  Handler m_handler;
  int m_port = 0;
  std::thread m_thread;
  mutable std::mutex m_mutex;
  std::vector<RecordedRequest> m_requests;
};

// A handler that answers every request with `status` and a JSON `body`,
// plus a Retry-After header when `retry_after` is given.
FakeServer::Handler json_answer(int status,
                                const std::string& body,
                                const std::string& retry_after = "");

// "Basic BASE64(user:password)", the Authorization value of HTTP Basic
// auth (computed by OpenSSL, independent of the code under test).
// The fields of an application/x-www-form-urlencoded body, decoded; a
// pair without "=" fails the test.
std::map<std::string, std::string> form_fields(const std::string& body);

std::string basic_authorization(const std::string& user,
                                const std::string& password);

// Builds the provider from a TOML document holding one [provider.NAME]
// table; config_private allows inline secrets.
std::unique_ptr<provider::Provider>
provider_from_toml(const std::string& toml, bool config_private = true);

// The capture for `provider` whose "call" contains `call_fragment`, or
// nullopt (and a doctest MESSAGE) if ../shared is absent.
std::optional<nlohmann::json> wire_capture(const std::string& provider,
                                           const std::string& call_fragment);

// The exit code and message of the configuration error `toml` causes, or
// {0, ""} if the provider builds.
std::pair<int, std::string> provider_config_error(const std::string& toml);

// Requires that `toml` fails with exit code 78 and a message naming `key`.
void require_config_error(const std::string& toml, const std::string& key);

// A port on 127.0.0.1 where nothing listens.
int closed_port();

// Sets (or with nullopt unsets) an environment variable for one scope, so
// that a failing REQUIRE does not leave it set for the tests after it.
class ScopedEnv
{
public:
  ScopedEnv(std::string name, const std::optional<std::string>& value);
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
  ScopedEnv(ScopedEnv&&) = delete;
  ScopedEnv& operator=(ScopedEnv&&) = delete;
  ~ScopedEnv();

private:
  std::string m_name;
  std::optional<std::string> m_old;
};

} // namespace smsotp::test
