// The rule of DESIGN §5 through the binary, as one table over every HTTP
// kind and every phase at which an exchange can break once the request
// may have left: exit 76, exactly one request (no retry), no failover, the
// challenge id on stdout and the code still valid. And its converse: a
// failure before any byte left (refused, TLS handshake broken) is 75,
// retried, and fails over.

#include "failure_steps.hpp"
#include "raw_servers.hpp"

#include <functional>

using namespace e2e;

namespace {

struct Phase
{
  const char* name;
  RawPhase raw;
  // The bytes the server answers with, for a kind; unused without a reply.
  std::function<std::string(const std::string& kind)> reply;
};

// The kind's own success answer, so that only the phase can be wrong.
std::string success_body(const std::string& kind)
{
  return kind_send_answer(kind).body;
}

const std::vector<Phase>& phases()
{
  static const std::vector<Phase> k_phases{
      {"connection dropped after the request",
       RawPhase::reset_after_request,
       nullptr},
      {"garbage instead of a status line",
       RawPhase::reply,
       [](const std::string&) { return std::string("OK 123456\n"); }},
      {"status code with a letter O",
       RawPhase::reply,
       [](const std::string& kind) {
         return raw_answer("HTTP/1.1 2OO OK", {}, success_body(kind));
       }},
      {"headers only, then close",
       RawPhase::reply,
       [](const std::string&) {
         return raw_answer(
             "HTTP/1.1 200 OK", {"Content-Type: application/json"}, "", 512);
       }},
      {"headers without a length, then close (an empty body)",
       RawPhase::reply,
       [](const std::string&) {
         return std::string(
             "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n");
       }},
      {"success body shorter than its Content-Length",
       RawPhase::reply,
       [](const std::string& kind) {
         const auto body = success_body(kind);
         return raw_answer(
             "HTTP/1.1 200 OK",
             {"Content-Type: " + kind_send_answer(kind).content_type},
             body,
             static_cast<long>(body.size()) + 40);
       }},
      {"redirect",
       RawPhase::reply,
       [](const std::string&) {
         return raw_answer("HTTP/1.1 302 Found",
                           {"Location: http://127.0.0.1:9/elsewhere"},
                           "");
       }},
      {"HTTP 503",
       RawPhase::reply,
       [](const std::string&) {
         return raw_answer("HTTP/1.1 503 Service Unavailable",
                           {"Content-Type: text/html"},
                           "<html>busy</html>");
       }},
      {"a 2xx the kind does not recognise",
       RawPhase::reply,
       [](const std::string&) {
         return raw_answer(
             "HTTP/1.1 200 OK",
             {"Content-Type: text/html"},
             "<html><body>Welcome to the hotel Wi-Fi</body></html>");
       }},
  };
  return k_phases;
}

} // namespace

TEST_CASE("every kind, every phase after the request left: 76, one request, "
          "no retry, no failover, the code still valid")
{
  for (const auto& kind : http_kinds()) {
    for (const auto& phase : phases()) {
      const std::string kind_name = kind;
      const std::string phase_name = phase.name;
      CAPTURE(kind_name);
      CAPTURE(phase_name);
      const Sandbox box;
      const RawServer first(phase.raw, phase.reply ? phase.reply(kind) : "");
      const FakeProvider backup(kind_handler("twilio"));
      // retries = 2: a retry would show as a second request.
      const std::string config =
          kinds_config(box,
                       {{"first", kind, first.base_url(), "", "retries = 2\n"},
                        {"backup", "twilio", backup.base_url(), "", ""}});
      const auto sent = box.run({"-c", config, "send", "--to", k_to});
      CAPTURE(sent.err);
      CHECK(sent.exit_code == 76);
      CHECK(first.connection_count() == 1);
      CHECK(backup.request_count() == 0);
      CHECK_FALSE(contains(sent.err, "trying backup"));
      // The challenge id, so that the code can still be verified. CHECKs
      // only: one broken row must not hide the others.
      CHECK(sent.out.size() == 28);
      CHECK(sent.out.substr(0, 27)
            == sql_value(box.db(), "SELECT id FROM challenge"));
      const auto bodies = first.bodies();
      CHECK(bodies.size() == 1);
      const std::string code =
          bodies.empty() ? "" : code_in_text(url_decode(bodies[0]));
      CHECK(code.size() == 6);
      CHECK(verify(box, config, code).exit_code == 0);
    }
  }
}

TEST_CASE("before any byte left: 75, retried, and the next provider sends")
{
  struct Before
  {
    const char* name;
    std::function<std::string(std::unique_ptr<RawServer>&)> url;
  };
  const std::vector<Before> befores{
      {"connection refused",
       [](std::unique_ptr<RawServer>&) {
         return "http://127.0.0.1:" + std::to_string(closed_port());
       }},
      {"reset during the TLS handshake",
       [](std::unique_ptr<RawServer>& server) {
         server = std::make_unique<RawServer>(RawPhase::reset_in_handshake);
         return "https://127.0.0.1:" + std::to_string(server->port());
       }},
      {"closed during the TLS handshake",
       [](std::unique_ptr<RawServer>& server) {
         server = std::make_unique<RawServer>(RawPhase::close_in_handshake);
         return "https://127.0.0.1:" + std::to_string(server->port());
       }},
  };
  for (const auto& before : befores) {
    const std::string name = before.name;
    CAPTURE(name);
    for (const bool with_backup : {false, true}) {
      CAPTURE(with_backup);
      const Sandbox box;
      std::unique_ptr<RawServer> server;
      const std::string url = before.url(server);
      const FakeProvider backup(kind_handler("twilio"));
      std::vector<KindSetup> setups{
          {"first", "twilio", url, "", "retries = 1\n"}};
      if (with_backup) {
        setups.push_back({"backup", "twilio", backup.base_url(), "", ""});
      }
      const auto sent =
          box.run({"-c", kinds_config(box, setups), "send", "--to", k_to});
      CAPTURE(sent.err);
      if (server) {
        CHECK(server->connection_count() == 2); // one retry
        CHECK(server->request_count() == 0);
      }
      CHECK_FALSE(contains(sent.err, "TLS verification failed"));
      if (with_backup) {
        CHECK(sent.exit_code == 0);
        CHECK(backup.request_count() == 1);
      } else {
        CHECK(sent.exit_code == 75);
        CHECK(contains(sent.err, "not sent"));
        CHECK(sent.out.empty());
      }
    }
  }
}
