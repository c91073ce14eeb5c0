// Retries, interruptions, echoing answers and proxies (rows F1/F2, F9,
// F19, F20 and G2/G3 of research/security.md) through the binary.

#include "failure_steps.hpp"
#include "raw_servers.hpp"

#include <array>
#include <csignal>
#include <ctime>
#include <regex>
#include <thread>

using namespace e2e;
using namespace std::chrono_literals;

namespace {

std::size_t occurrences(const std::string& text, const std::string& needle)
{
  std::size_t count = 0;
  for (auto at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

} // namespace

TEST_CASE("F9: a short Retry-After is waited for, then the request is resent")
{
  const Sandbox box;
  const FakeProvider fake(always(retry_after(twilio_error(429, 20429), 1)));
  const std::string config = kinds_config(
      box, {{"twilio", "twilio", fake.base_url(), "", "retries = 1\n"}});
  const auto start = std::chrono::steady_clock::now();
  const auto sent = box.run({"-c", config, "-v", "send", "--to", k_to});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CAPTURE(sent.err);
  CHECK(sent.exit_code == 75);
  CHECK(fake.request_count() == 2);
  CHECK(elapsed >= 1s);
  CHECK(contains(sent.err, "not processed; retrying in 1000 ms"));
  CHECK(contains(sent.err, "(retry-after: 1s)"));
}

namespace {

// An HTTP-date `seconds` from now.
std::string http_date_in(std::int64_t seconds)
{
  const std::time_t when = std::time(nullptr) + seconds;
  std::tm parts{};
  ::gmtime_r(&when, &parts);
  std::array<char, 64> text{};
  std::strftime(text.data(), text.size(), "%a, %d %b %Y %H:%M:%S GMT", &parts);
  return text.data();
}

} // namespace

TEST_CASE("F9: a Retry-After over 10 s, too large or as a far date ends the "
          "attempt at once and is reported")
{
  const std::vector<std::pair<std::string, std::string>> values{
      {"11", "\\(retry-after: 11s\\)"},
      {"99999999999999999999", "\\(retry-after: 86400s\\)"},
      {http_date_in(120), "\\(retry-after: 1(19|20|21)s\\)"},
  };
  for (const auto& item : values) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& value = std::get<0>(item);
    const auto& reported = std::get<1>(item);
    CAPTURE(value);
    const Sandbox box;
    const FakeProvider fake(
        always(retry_after(twilio_error(429, 20429), value)));
    const std::string config = kinds_config(
        box, {{"twilio", "twilio", fake.base_url(), "", "retries = 2\n"}});
    const auto start = std::chrono::steady_clock::now();
    const auto sent = box.run({"-c", config, "send", "--to", k_to});
    CAPTURE(sent.err);
    CHECK(sent.exit_code == 75);
    CHECK(fake.request_count() == 1);
    CHECK(std::chrono::steady_clock::now() - start < 3s);
    CHECK(std::regex_search(sent.err, std::regex(reported)));
  }
}

TEST_CASE("F9: a Retry-After date within 10 s is waited for")
{
  const Sandbox box;
  const FakeProvider fake(
      always(retry_after(twilio_error(429, 20429), http_date_in(2))));
  const std::string config = kinds_config(
      box, {{"twilio", "twilio", fake.base_url(), "", "retries = 1\n"}});
  const auto start = std::chrono::steady_clock::now();
  const auto sent = box.run({"-c", config, "-v", "send", "--to", k_to});
  CAPTURE(sent.err);
  CHECK(sent.exit_code == 75);
  CHECK(fake.request_count() == 2);
  CHECK(std::chrono::steady_clock::now() - start >= 900ms);
  CHECK(std::regex_search(sent.err,
                          std::regex("not processed; retrying in [12]000 ms")));
}

TEST_CASE("F1/F2: a connection that never happened is retried `retries` times")
{
  for (const int retries : {0, 2}) {
    CAPTURE(retries);
    const Sandbox box;
    const std::string config =
        kinds_config(box,
                     {{"twilio",
                       "twilio",
                       "http://127.0.0.1:" + std::to_string(closed_port()),
                       "",
                       "retries = " + std::to_string(retries) + "\n"}});
    const auto sent = box.run({"-c", config, "-v", "send", "--to", k_to});
    CAPTURE(sent.err);
    CHECK(sent.exit_code == 75);
    const auto attempts = occurrences(sent.err, "twilio: POST ");
    const auto waits = occurrences(sent.err, "not processed; retrying in ");
    CHECK(attempts == static_cast<std::size_t>(retries) + 1);
    CHECK(waits == static_cast<std::size_t>(retries));
  }
}

TEST_CASE("retries outside 0 to 5 is a configuration error")
{
  const Sandbox box;
  const FakeProvider fake(kind_handler("telnyx"));
  for (const std::string retries : {"6", "-1", "\"2\""}) {
    CAPTURE(retries);
    const std::string config = kinds_config(box,
                                            {{"telnyx",
                                              "telnyx",
                                              fake.base_url(),
                                              "",
                                              "retries = " + retries + "\n"}});
    const auto sent = box.run({"-c", config, "send", "--to", k_to});
    CHECK(sent.exit_code == 78);
    CHECK(contains(sent.err, "kinds.toml:"));
    CHECK(contains(sent.err, "retries"));
  }
  CHECK(fake.request_count() == 0);
  CHECK_FALSE(file_exists(box.db()));
}

TEST_CASE("SIGINT while waiting to retry or during the transfer: the JSON "
          "exit_code is the real exit status")
{
  for (const bool in_transfer : {false, true}) {
    CAPTURE(in_transfer);
    const Sandbox box;
    Answer answer = retry_after(twilio_error(429, 20429), 5);
    if (in_transfer) {
      answer = twilio_answer(Reply::created);
      answer.delay = 10s;
    }
    const FakeProvider fake(always(answer));
    const std::string config = kinds_config(
        box,
        {{"twilio", "twilio", fake.base_url(), "", "timeout = \"30s\"\n"}});
    auto child = box.start({"-c", config, "--json", "send", "--to", k_to});
    REQUIRE(fake.wait_for_requests(1, 10s));
    std::this_thread::sleep_for(300ms);
    ::kill(child.pid(), SIGINT);
    const auto result = child.finish();
    CAPTURE(result.out);
    CAPTURE(result.err);
    CHECK(result.exit_code == 130);
    CHECK(fake.request_count() == 1);
    const auto json = one_json(result);
    CHECK(json["error"]["exit_code"] == result.exit_code);
    const std::string code = code_in(fake.requests().at(0));
    // Nothing went out while waiting; during the transfer it may have.
    CHECK(json.contains("challenge_id") == in_transfer);
    CHECK(verify(box, config, code).exit_code == (in_transfer ? 0 : 1));
  }
}

TEST_CASE("SIGINT before any byte of the request left: not sent, no code "
          "kept")
{
  const Sandbox box;
  const SilentServer silent; // the TLS handshake never gets an answer
  const std::string config = kinds_config(
      box,
      {{"twilio",
        "twilio",
        "https://127.0.0.1:" + std::to_string(silent.port()),
        "",
        "retries = 0\ntimeout = \"30s\"\nconnect_timeout = \"30s\"\n"}});
  auto child = box.start({"-c", config, "--json", "send", "--to", k_to});
  std::this_thread::sleep_for(1s);
  ::kill(child.pid(), SIGINT);
  const auto result = child.finish();
  CAPTURE(result.out);
  CAPTURE(result.err);
  CHECK(result.exit_code == 130);
  CHECK_FALSE(one_json(result).contains("challenge_id"));
  CHECK(contains(result.err, "not sent"));
  CHECK(sql_value(box.db(), "SELECT state FROM challenge") == "failed");
}

TEST_CASE("SIGINT while waiting to retry ends the chain: no failover, no "
          "code kept")
{
  const Sandbox box;
  const FakeProvider primary(always(retry_after(twilio_error(429, 20429), 5)));
  const FakeProvider backup(kind_handler("vonage"));
  const std::string config =
      kinds_config(box,
                   {{"primary", "twilio", primary.base_url(), "", ""},
                    {"backup", "vonage", backup.base_url(), "", ""}});
  auto child = box.start({"-c", config, "send", "--to", k_to});
  REQUIRE(primary.wait_for_requests(1, 10s));
  std::this_thread::sleep_for(300ms);
  ::kill(child.pid(), SIGINT);
  const auto result = child.finish();
  CAPTURE(result.out);
  CAPTURE(result.err);
  CHECK(result.exit_code == 130);
  CHECK(primary.request_count() == 1);
  CHECK(backup.request_count() == 0);
  // Only 429s were answered: nothing can arrive, so no code may stay valid
  // and no challenge id is handed out.
  CHECK_FALSE(contains(result.err, "trying backup"));
  CHECK(result.out.empty());
  CHECK(verify(box, config, code_in(primary.requests().at(0))).exit_code == 1);
  // The backup was never asked: it must not be put in cooldown.
  CHECK(sql_value(box.db(),
                  "SELECT count(*) FROM provider_health WHERE provider = "
                  "'backup'")
        == "0");
}

TEST_CASE("F19: an answer that echoes the message is accepted and never shown")
{
  const Sandbox box;
  const FakeProvider fake([](const Recorded& request) {
    nlohmann::json answer{
        {"sid", "SM0123456789abcdef0123456789abcdef"},
        {"status", "queued"},
        {"to", request.form.count("To") ? request.form.at("To") : ""},
        {"body", request.form.count("Body") ? request.form.at("Body") : ""}};
    return Answer{201, answer.dump()};
  });
  const std::string config =
      kinds_config(box, {{"twilio", "twilio", fake.base_url(), "", ""}});
  const auto sent = box.run({"-c", config, "-v", "send", "--to", k_to});
  const auto json_sent =
      box.run({"-c", config, "-v", "--json", "send", "--to", k_to});
  CHECK(sent.exit_code == 0);
  CHECK(json_sent.exit_code == 0);
  const auto requests = fake.requests();
  REQUIRE(requests.size() == 2);
  for (const auto& request : requests) {
    const std::string code = code_in(request);
    REQUIRE(code.size() == 6);
    CHECK_FALSE(contains(sent.all(), code));
    CHECK_FALSE(contains(json_sent.all(), code));
  }
  CHECK(verify(box, config, code_in(requests[1])).exit_code == 0);
}

TEST_CASE("F20: proxies from the environment are used, NO_PROXY honoured")
{
  const Sandbox box;
  const std::string dead_proxy =
      "http://127.0.0.1:" + std::to_string(closed_port());
  // HTTPS through a dead proxy, but NO_PROXY names the host: direct.
  const auto cert = make_test_cert(box);
  const FakeProvider secure(kind_handler("twilio"), &cert);
  const std::string tls_config = kinds_config(
      box,
      {{"twilio", "twilio", secure.base_url(), cert.cert, "retries = 0\n"}},
      "",
      "tls.toml");
  RunOptions bypass;
  bypass.env = {"https_proxy=" + dead_proxy,
                "HTTPS_PROXY=" + dead_proxy,
                "http_proxy=" + dead_proxy,
                "NO_PROXY=127.0.0.1",
                "no_proxy=127.0.0.1"};
  const auto direct = box.run({"-c", tls_config, "send", "--to", k_to}, bypass);
  CAPTURE(direct.err);
  CHECK(direct.exit_code == 0);
  CHECK(secure.request_count() == 1);

  // Plain http to loopback with http_proxy set and no NO_PROXY: the proxy
  // is used, and as it is dead nothing is sent.
  const FakeProvider plain(kind_handler("twilio"));
  const std::string plain_config = kinds_config(
      box,
      {{"twilio", "twilio", plain.base_url(), "", "retries = 0\n"}},
      "",
      "plain.toml");
  RunOptions proxied;
  proxied.env = {"http_proxy=" + dead_proxy};
  proxied.unset = {"NO_PROXY", "no_proxy"};
  const auto blocked =
      box.run({"-c", plain_config, "--json", "send", "--to", k_to}, proxied);
  CAPTURE(blocked.err);
  CHECK(blocked.exit_code == 75);
  CHECK(plain.request_count() == 0);
  CHECK(one_json(blocked)["error"]["class"] == "temporary");
  // The same without the proxy goes straight through.
  RunOptions no_proxy;
  no_proxy.unset = {"NO_PROXY", "no_proxy"};
  CHECK(box.run({"-c", plain_config, "send", "--to", k_to}, no_proxy).exit_code
        == 0);
  CHECK(plain.request_count() == 1);
}
