#pragma once

// Shared by the failure tests (e2e_failures.cpp, e2e_kind_failures.cpp,
// e2e_network.cpp): run `send --json` against a fake that gives one answer,
// and check a row: exit status, message, requests, and whether the code
// survived (only an unknown outcome, 76, keeps it valid).

#include "fake_twilio.hpp"
#include "provider_kinds.hpp"
#include "steps.hpp"

#include <chrono>
#include <functional>
#include <regex>
#include <string>

namespace e2e {

struct Outcome
{
  Result result;
  std::size_t requests = 0;
  std::string code;   // the code a server received, "" if none did
  std::string config; // for the verify afterwards
};

inline Outcome send_json(const Sandbox& box, const std::string& config)
{
  return {
      box.run({"-c", config, "--json", "send", "--to", k_to}), 0, "", config};
}

// `kind` against a fake that always gives `answer`.
inline Outcome against(const Sandbox& box,
                       const Answer& answer,
                       const std::string& kind = "twilio",
                       const std::string& extra = "retries = 0\n")
{
  const FakeProvider fake(always(answer));
  auto outcome = send_json(
      box, kinds_config(box, {{kind, kind, fake.base_url(), "", extra}}));
  const auto requests = fake.requests();
  outcome.requests = requests.size();
  outcome.code = requests.empty() ? "" : code_in(requests.back());
  return outcome;
}

// twilio at a URL where no fake answers.
inline Outcome nowhere(const Sandbox& box, const std::string& url)
{
  return send_json(
      box, kinds_config(box, {{"twilio", "twilio", url, "", "retries = 0\n"}}));
}

inline Answer twilio_error(int status, int code)
{
  return {status,
          R"({"code":)" + std::to_string(code) + R"(,"message":"x","status":)"
              + std::to_string(status) + "}"};
}

inline Answer vonage_status(const std::string& status)
{
  return {200,
          R"({"message-count":"1","messages":[{"to":"15551234567",)"
          R"("status":")"
              + status + R"(","error-text":"Throttled or refused"}]})"};
}

inline Answer with(Answer answer,
                   std::chrono::milliseconds delay,
                   std::chrono::milliseconds drip = {})
{
  answer.delay = delay;
  answer.drip = drip;
  return answer;
}

inline Answer retry_after(Answer answer, const std::string& value)
{
  answer.headers.emplace_back("Retry-After", value);
  return answer;
}

inline Answer retry_after(Answer answer, int seconds)
{
  return retry_after(std::move(answer), std::to_string(seconds));
}

struct Row
{
  const char* name;
  int expected;
  std::size_t requests;
  const char* stderr_has; // a regex searched in stderr
  std::function<Outcome(const Sandbox&)> run;
};

// Runs one row in a fresh sandbox and checks what it promises.
inline void check_row(const Row& row)
{
  using namespace std::chrono_literals;
  const std::string name = row.name;
  CAPTURE(name);
  const Sandbox box;
  const auto start = std::chrono::steady_clock::now();
  const auto outcome = row.run(box);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const auto& result = outcome.result;
  CAPTURE(result.out);
  CAPTURE(result.err);
  CHECK(result.exit_code == row.expected);
  CHECK(outcome.requests == row.requests);
  CHECK(elapsed < 4s); // every timeout here is 1 s, retries short
  CHECK(std::regex_search(result.err, std::regex(row.stderr_has)));
  const auto json = one_json(result);
  const auto error = json["error"];
  CHECK(error["exit_code"] == row.expected);
  if (row.expected == 75 || row.expected == 76) {
    CHECK(error.contains("retry_after"));
  }
  CHECK(json.contains("challenge_id") == (row.expected == 76));
  if (row.requests > 0) {
    REQUIRE(outcome.code.size() == 6);
  }
  if (row.expected == 76 && outcome.code.empty()) {
    // A server that never read the request: the code is unknown here, but
    // the challenge must stay live.
    CHECK(sql_value(box.db(), "SELECT state FROM challenge") == "pending");
    CHECK(sql_value(box.db(), "SELECT tag IS NOT NULL FROM challenge") == "1");
  } else if (row.expected == 76) {
    // The message may have arrived: its code still works, once.
    CHECK(verify(box, outcome.config, outcome.code).exit_code == 0);
  } else {
    CHECK(sql_value(box.db(), "SELECT state FROM challenge") == "failed");
    const std::string code =
        outcome.code.empty() ? std::string("123456") : outcome.code;
    CHECK(verify(box, outcome.config, code).exit_code == 1);
  }
}

} // namespace e2e
