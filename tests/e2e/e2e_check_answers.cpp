// `providers check` says "credentials accepted" only for an answer of the
// shape each kind documents for its account, balance or dry-run endpoint
// (issue 7, defect 2), and words its failures as a check, not a send:
// nothing is ever delivered by a check, so no "not sent" and no "delivery
// status unknown". One table over every HTTP kind.

#include "provider_kinds.hpp"
#include "steps.hpp"

#include <chrono>
#include <csignal>
#include <functional>
#include <optional>
#include <thread>

using namespace e2e;

namespace {

// A handler for `kind`, or nullptr where the row does not apply to it.
using MakeHandler = std::function<Handler(const std::string& kind)>;

struct Row
{
  const char* name;
  MakeHandler handler;
  int exit_code;
  const char* status; // the result column and the JSON "status"
  std::vector<std::string> says;
  std::string extra = {}; // more lines for each provider table
  std::optional<std::int64_t> retry_after = std::nullopt;
};

const char* const k_portal =
    "<!DOCTYPE html>\n<html><head><title>Hotel Wi-Fi</title></head>"
    "<body><form action=\"/login\">Please accept the terms to continue"
    "</form></body></html>\n";

// The happy fake's answer with only the first half of its body.
Handler truncated(const std::string& kind)
{
  return [kind](const Recorded& request) {
    auto answer = kind_answer(kind, request);
    answer.body.resize(answer.body.size() / 2);
    return answer;
  };
}

// A well-formed answer of the right syntax whose fields have the wrong
// types or values; none for the http kind, whose shape is its regex.
std::optional<Answer> wrong_types(const std::string& kind)
{
  if (kind == "twilio") {
    return Answer{200,
                  R"({"account_sid":"AC)" + std::string(32, 'a')
                      + R"(","balance":12.34,"currency":"USD"})"};
  }
  if (kind == "vonage") {
    return Answer{200, R"({"value":{"amount":10},"autoReload":false})"};
  }
  if (kind == "plivo") {
    return Answer{200, R"({"api_id":"x","auth_id":"MA1","cash_credits":5.5})"};
  }
  if (kind == "telnyx") {
    return Answer{200, R"({"data":{"record_type":"message","balance":"1"}})"};
  }
  if (kind == "sinch") {
    return Answer{200, R"({"number_of_recipients":"1","per_recipient":[]})"};
  }
  if (kind == "messagebird") {
    return Answer{200,
                  R"({"payment":"prepaid","type":"credits","amount":"x"})"};
  }
  if (kind == "clicksend") {
    return Answer{200, R"({"http_code":200,"data":{"balance":[7]}})"};
  }
  if (kind == "aws-sns") {
    return Answer{200,
                  "<GetSMSSandboxAccountStatusResponse><GetSMSSandboxAccount"
                  "StatusResult><IsInSandbox>maybe</IsInSandbox></GetSMSSandbox"
                  "AccountStatusResult></GetSMSSandboxAccountStatusResponse>",
                  "text/xml"};
  }
  return std::nullopt;
}

MakeHandler fixed(const Answer& answer)
{
  return [answer](const std::string&) { return always(answer); };
}

const std::vector<Row>& rows()
{
  static const std::vector<Row> k_rows{
      {"the documented answer",
       [](const std::string& kind) { return kind_handler(kind); },
       0,
       "ok",
       {"credentials accepted"}},
      {"a captive-portal HTML page",
       fixed({200, k_portal, "text/html; charset=utf-8"}),
       69,
       "unexpected_answer",
       {"unexpected answer from ", "credentials not confirmed"}},
      {"an HTML page that echoes the credentials",
       [](const std::string& kind) {
         std::string page = "<html><body>You asked for:";
         for (const auto& canary : kind_canaries(kind)) {
           page += " " + canary;
         }
         return always({200, page + "</body></html>", "text/html"});
       },
       69,
       "unexpected_answer",
       {"unexpected answer from ", "credentials not confirmed"}},
      {"truncated", truncated, 69, "unexpected_answer", {"unexpected answer"}},
      {"JSON without the balance or account fields",
       fixed({200, R"({"message":"ok"})"}),
       69,
       "unexpected_answer",
       {"unexpected answer from ", "credentials not confirmed"}},
      {"the fields with the wrong types",
       [](const std::string& kind) -> Handler {
         const auto answer = wrong_types(kind);
         return answer ? always(*answer) : nullptr;
       },
       69,
       "unexpected_answer",
       {"unexpected answer from ", "credentials not confirmed"}},
      {"an empty 204",
       fixed({204, "", ""}),
       69,
       "unexpected_answer",
       {"unexpected answer from "}},
      {"429 with Retry-After: 45",
       fixed({429, "{}", "application/json", {{"Retry-After", "45"}}}),
       75,
       "rate_limited",
       {"rate-limited by the provider", "try again after 45s"},
       "",
       45},
      {"no answer within the timeout",
       [](const std::string&) {
         Answer late{200, "{}"};
         late.delay = std::chrono::milliseconds(4000);
         return always(late);
       },
       75,
       "unreachable",
       {"no answer from the provider",
        "credentials not confirmed",
        "try again after 30s"},
       "timeout = \"1s\"\n",
       30},
      {"503",
       fixed({503, "<html>busy</html>", "text/html"}),
       75,
       "unreachable",
       {"HTTP 503", "credentials not confirmed", "try again after 30s"},
       "",
       30},
      {"a redirect",
       fixed({302, "", "text/html", {{"Location", "http://127.0.0.1:1/x"}}}),
       69,
       "unexpected_answer",
       {"redirect", "not followed", "base_url"}},
      {"401",
       fixed({401, "{}"}),
       77,
       "credentials_rejected",
       {"credentials rejected (HTTP 401)"}},
  };
  return k_rows;
}

// Words a check must never use: it delivers nothing.
const std::vector<std::string> k_send_words{
    "not sent", "delivery", "delivered", "may have been"};

void check_text(const Row& row, const std::string& kind, const Result& result)
{
  CAPTURE(result.out);
  CAPTURE(result.err);
  CHECK(result.exit_code == row.exit_code);
  CHECK(result.out.starts_with(kind + "\t" + row.status + "\t"));
  for (const auto& phrase : row.says) {
    CAPTURE(phrase);
    CHECK(contains(result.out, phrase));
  }
  if (row.exit_code != 0) {
    CHECK_FALSE(contains(result.all(), "credentials accepted"));
    for (const auto& word : k_send_words) {
      CAPTURE(word);
      CHECK_FALSE(contains(result.all(), word));
    }
  }
  for (const auto& canary : kind_canaries(kind)) {
    CHECK_FALSE(contains(result.all(), canary));
  }
}

void check_json(const Row& row, const Result& result)
{
  CHECK(result.exit_code == row.exit_code);
  const auto json = one_json(result);
  CHECK(json["ok"] == (row.exit_code == 0));
  REQUIRE(json["providers"].size() == 1);
  const auto& entry = json["providers"][0];
  CHECK(entry["ok"] == (row.exit_code == 0));
  CHECK(entry["status"] == row.status);
  // The same object whatever the outcome, plus the error object on failure.
  CHECK(json.contains("error") == (row.exit_code != 0));
  if (row.exit_code != 0) {
    CHECK(json["error"]["exit_code"] == row.exit_code);
  }
  if (row.retry_after) {
    CHECK(entry.value("retry_after", std::int64_t{-1}) == *row.retry_after);
    CHECK(json["error"].value("retry_after", std::int64_t{-1})
          == *row.retry_after);
  }
}

} // namespace

TEST_CASE("providers check: accepted only for the documented answer, and its "
          "own words for every other answer, for every kind")
{
  for (const auto& row : rows()) {
    const std::string row_name = row.name;
    CAPTURE(row_name);
    const Sandbox box;
    std::vector<std::unique_ptr<FakeProvider>> fakes;
    std::vector<KindSetup> setups;
    for (const auto& kind : http_kinds()) {
      auto handler = row.handler(kind);
      if (handler) {
        fakes.push_back(std::make_unique<FakeProvider>(std::move(handler)));
        setups.push_back({kind,
                          kind,
                          fakes.back()->base_url(),
                          "",
                          "retries = 0\n" + row.extra});
      }
    }
    const std::string config = kinds_config(box, setups);
    // Every kind at once, text and JSON: the slow rows wait only once.
    std::vector<Child> texts;
    std::vector<Child> jsons;
    for (const auto& setup : setups) {
      texts.push_back(
          box.start({"-c", config, "providers", "check", setup.kind}));
      jsons.push_back(box.start(
          {"-c", config, "--json", "providers", "check", setup.kind}));
    }
    for (std::size_t i = 0; i < setups.size(); ++i) {
      const std::string& kind = setups[i].kind;
      CAPTURE(kind);
      check_text(row, kind, texts[i].finish());
      check_json(row, jsons[i].finish());
      for (const auto& request : fakes[i]->requests()) {
        CHECK(is_check_request(kind, request));
      }
    }
  }
}

TEST_CASE("providers check: an untrusted certificate is 69, nothing checked")
{
  const Sandbox box;
  const auto cert = make_test_cert(box);
  const FakeProvider fake(kind_handler("telnyx"), &cert);
  // No ca_file: the system CAs do not know the test certificate.
  const std::string config = kinds_config(
      box, {{"telnyx", "telnyx", fake.base_url(), "", "retries = 0\n"}});
  const auto checked = box.run({"-c", config, "providers", "check"});
  CAPTURE(checked.out);
  CAPTURE(checked.err);
  CHECK(checked.exit_code == 69);
  CHECK(checked.out.starts_with("telnyx\tunexpected_answer\t"));
  CHECK(contains(checked.out, "TLS verification failed"));
  CHECK(contains(checked.out, "ca_file"));
  CHECK_FALSE(contains(checked.all(), "not sent"));
  CHECK_FALSE(contains(checked.all(), "credentials accepted"));
  CHECK(fake.request_count() == 0);
}

TEST_CASE("providers check: SIGTERM during a slow check ends it by the signal, "
          "not as unreachable")
{
  using namespace std::chrono_literals;
  const Sandbox box;
  Answer slow{200, "{}"};
  slow.delay = 10s;
  const FakeProvider twilio(always(slow));
  const FakeProvider vonage(kind_handler("vonage"));
  const std::string config = kinds_config(
      box,
      {{"twilio", "twilio", twilio.base_url(), "", "timeout = \"30s\"\n"},
       {"vonage", "vonage", vonage.base_url(), "", ""}});
  auto child = box.start({"-c", config, "--json", "providers", "check"});
  REQUIRE(twilio.wait_for_requests(1, 10s));
  std::this_thread::sleep_for(300ms);
  ::kill(child.pid(), SIGTERM);
  const auto result = child.finish();
  CAPTURE(result.out);
  CAPTURE(result.err);
  CHECK(result.exit_code == 143);
  CHECK(one_json(result)["error"]["exit_code"] == 143);
  // The check stopped there: the next provider was not asked.
  CHECK(vonage.request_count() == 0);
}
