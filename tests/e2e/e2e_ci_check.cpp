// `providers check` for CI (issue 10 item 5): the fixed status vocabulary
// in JSON with numeric balances, --min-balance and its low_balance status,
// the JUnit XML report (parsed here by Python's XML parser, so it must be
// well-formed), and GitHub Actions annotations under GITHUB_ACTIONS=true.

#include "provider_kinds.hpp"
#include "steps.hpp"

#include <set>

using namespace e2e;

namespace {

// A twilio fake whose balance is `balance` USD.
Handler twilio_with_balance(const std::string& balance)
{
  return [balance](const Recorded& request) {
    if (is_check_request("twilio", request)) {
      return Answer{200,
                    R"({"account_sid":"AC)" + std::string(32, '0')
                        + R"(","balance":")" + balance
                        + R"(","currency":"USD"})"};
    }
    return kind_answer("twilio", request);
  };
}

// The JUnit file as Python's XML parser reads it: {"suite": {attributes},
// "cases": [{"name", "classname", "failure": {"type", "message", "text"}
// or null, "out"}]}. Fails the test if the file is not well-formed XML.
nlohmann::json parse_junit(const Sandbox& box, const std::string& file)
{
  const std::string script = R"(
import json, sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
suites = root.findall("testsuite")
assert len(suites) == 1
cases = []
for case in suites[0].findall("testcase"):
    failure = case.find("failure")
    cases.append({
        "name": case.get("name"),
        "classname": case.get("classname"),
        "time": case.get("time"),
        "failure": None if failure is None else {
            "type": failure.get("type"),
            "message": failure.get("message"),
            "text": failure.text},
        "out": case.findtext("system-out")})
print(json.dumps({"root": dict(root.attrib), "suite": dict(suites[0].attrib),
                  "cases": cases}))
)";
  auto child = spawn({"/usr/bin/python3", "-c", script, file},
                     box.environment(),
                     box.dir(),
                     std::nullopt);
  const auto parsed = child.finish();
  INFO("python: " << parsed.err);
  REQUIRE(parsed.exit_code == 0);
  return nlohmann::json::parse(parsed.out);
}

std::string text(const nlohmann::json& value)
{
  return value.is_string() ? value.get<std::string>() : value.dump();
}

const nlohmann::json& entry_named(const nlohmann::json& list,
                                  const std::string& name)
{
  for (const auto& entry : list) {
    if (entry["name"] == name) {
      return entry;
    }
  }
  FAIL("no entry for " << name);
  static const nlohmann::json k_none;
  return k_none;
}

// One provider per status of the vocabulary, checked at once with
// --min-balance 1.
struct Zoo
{
  FakeProvider good{twilio_with_balance("12.34")};
  FakeProvider poor{twilio_with_balance("0.50")};
  FakeProvider rejected{always({401, R"({"error-code":"401"})"})};
  FakeProvider limited{
      always({429, "{}", "application/json", {{"Retry-After", "45"}}})};
  FakeProvider odd{always({200, "<html>portal</html>", "text/html"})};
  std::string config;

  explicit Zoo(const Sandbox& box)
  {
    const std::string down =
        "http://127.0.0.1:" + std::to_string(closed_port());
    config = kinds_config(
        box,
        {{"good", "twilio", good.base_url(), "", ""},
         {"poor", "twilio", poor.base_url(), "", ""},
         {"rejected", "vonage", rejected.base_url(), "", ""},
         {"down", "plivo", down, "", "retries = 0\n"},
         {"limited", "telnyx", limited.base_url(), "", "retries = 0\n"},
         {"odd", "messagebird", odd.base_url(), "", ""}},
        "[provider.broken]\nkind = \"file\"\npath = \""
            + box.path("no-such-dir/outbox.txt") + "\"\n");
  }
};

const std::map<std::string, std::string>& zoo_statuses()
{
  static const std::map<std::string, std::string> k_statuses{
      {"good", "ok"},
      {"poor", "low_balance"},
      {"rejected", "credentials_rejected"},
      {"down", "unreachable"},
      {"limited", "rate_limited"},
      {"odd", "unexpected_answer"},
      {"broken", "config_error"}};
  return k_statuses;
}

} // namespace

TEST_CASE("providers check --json: every status of the vocabulary, one "
          "shape, and the error object naming the worst")
{
  const Sandbox box;
  const Zoo zoo(box);
  const auto run = box.run(
      {"-c", zoo.config, "--json", "providers", "check", "--min-balance", "1"});
  CAPTURE(run.err);
  // config_error (78) outranks credentials (77), 69 and 75.
  CHECK(run.exit_code == 78);
  const auto json = one_json(run);
  CHECK(json["ok"] == false);
  REQUIRE(json["providers"].size() == zoo_statuses().size());
  const std::set<std::string> keys{"name",
                                   "kind",
                                   "ok",
                                   "status",
                                   "detail",
                                   "balance",
                                   "currency",
                                   "latency_ms",
                                   "retry_after",
                                   "exit_code"};
  const std::map<std::string, int> exits{{"ok", 0},
                                         {"low_balance", 69},
                                         {"credentials_rejected", 77},
                                         {"unreachable", 75},
                                         {"rate_limited", 75},
                                         {"unexpected_answer", 69},
                                         {"config_error", 78}};
  for (const auto& entry : json["providers"]) {
    const std::string name = entry["name"];
    CAPTURE(name);
    std::set<std::string> present;
    for (const auto& item : entry.items()) {
      present.insert(item.key());
    }
    CHECK(present == keys);
    const std::string status = zoo_statuses().at(name);
    CHECK(entry["status"] == status);
    CHECK(entry["ok"] == (status == "ok"));
    CHECK(entry["exit_code"] == exits.at(status));
    CHECK(entry["latency_ms"].is_number_integer());
  }
  CHECK(entry_named(json["providers"], "good")["balance"] == 12.34);
  CHECK(entry_named(json["providers"], "good")["currency"] == "USD");
  CHECK(entry_named(json["providers"], "poor")["balance"] == 0.5);
  CHECK(entry_named(json["providers"], "limited")["retry_after"] == 45);
  CHECK(entry_named(json["providers"], "rejected")["balance"].is_null());
  CHECK(contains(text(entry_named(json["providers"], "poor")["detail"]),
                 "below --min-balance 1"));
  const auto& error = json["error"];
  CHECK(error["class"] == "config");
  CHECK(error["exit_code"] == 78);
  for (const auto& [name, status] : zoo_statuses()) {
    if (status != "ok") {
      CHECK(contains(text(error["message"]), name + " " + status));
    }
  }
  CHECK_FALSE(contains(text(error["message"]), "good"));
  for (const auto& canary : all_canaries()) {
    CHECK_FALSE(contains(run.all(), canary));
  }
}

TEST_CASE("providers check --junit writes one well-formed test case per "
          "provider, failures with their status and message")
{
  const Sandbox box;
  const Zoo zoo(box);
  const std::string report = box.path("reports/smsotp.xml");
  box.write_file("reports/.keep", "", 0600);
  const auto run = box.run({"-c",
                            zoo.config,
                            "providers",
                            "check",
                            "--min-balance",
                            "1",
                            "--junit",
                            report});
  CHECK(run.exit_code == 78);
  const auto junit = parse_junit(box, report);
  CHECK(junit["suite"]["tests"] == "7");
  CHECK(junit["suite"]["failures"] == "6");
  CHECK(junit["suite"]["errors"] == "0");
  REQUIRE(junit["cases"].size() == 7);
  for (const auto& test_case : junit["cases"]) {
    const std::string name = test_case["name"];
    CAPTURE(name);
    const std::string status = zoo_statuses().at(name);
    CHECK(std::string(test_case["classname"]).starts_with("smsotp.providers."));
    if (status == "ok") {
      CHECK(test_case["failure"].is_null());
      CHECK(contains(text(test_case["out"]), "balance 12.34 USD"));
    } else {
      REQUIRE(test_case["failure"].is_object());
      CHECK(test_case["failure"]["type"] == status);
      CHECK_FALSE(std::string(test_case["failure"]["message"]).empty());
      CHECK(contains(text(test_case["failure"]["text"]), status + ": "));
    }
  }
  const std::string xml = read_file(report);
  for (const auto& canary : all_canaries()) {
    CHECK_FALSE(contains(xml, canary));
  }

  // All passing: no failure element, exit 0, the file replaced.
  const auto passing = box.run({"-c",
                                zoo.config,
                                "providers",
                                "check",
                                "good",
                                "poor",
                                "--junit",
                                report});
  CHECK(passing.exit_code == 0);
  const auto clean = parse_junit(box, report);
  CHECK(clean["suite"]["tests"] == "2");
  CHECK(clean["suite"]["failures"] == "0");
  for (const auto& test_case : clean["cases"]) {
    CHECK(test_case["failure"].is_null());
  }

  // A report that cannot be written is an I/O error (74), after checking.
  const auto unwritable = box.run({"-c",
                                   zoo.config,
                                   "--json",
                                   "providers",
                                   "check",
                                   "good",
                                   "--junit",
                                   box.path("missing/dir/report.xml")});
  CHECK(unwritable.exit_code == 74);
  const auto json = one_json(unwritable);
  CHECK(json["providers"].size() == 1);
  CHECK(json["error"]["exit_code"] == 74);
  CHECK(contains(text(json["error"]["message"]), "JUnit report"));
}

TEST_CASE("providers check under GITHUB_ACTIONS=true annotates each failure "
          "on stderr and leaves stdout to the data")
{
  const Sandbox box;
  const Zoo zoo(box);
  RunOptions actions;
  actions.env = {"GITHUB_ACTIONS=true"};
  for (const bool json : {false, true}) {
    CAPTURE(json);
    std::vector<std::string> args{"-c", zoo.config};
    if (json) {
      args.emplace_back("--json");
    }
    args.insert(args.end(), {"providers", "check", "--min-balance", "1", "-q"});
    const auto run = box.run(args, actions);
    CHECK(run.exit_code == 78);
    CHECK_FALSE(contains(run.out, "::error"));
    if (json) {
      static_cast<void>(one_json(run));
    }
    // Not a structured binding: CAPTURE's lambda captures `name`, which
    // clang (14) cannot do for a binding.
    for (const auto& entry : zoo_statuses()) {
      const std::string& name = entry.first;
      const std::string& status = entry.second;
      CAPTURE(name);
      const std::string line = "::error title=smsotp providers check%3A " + name
                               + "::" + name + " (";
      CHECK(contains(run.err, line) == (status != "ok"));
      if (status != "ok") {
        CHECK(contains(run.err, "): " + status + ": "));
      }
    }
    // Each annotation starts its own line.
    std::size_t at = 0;
    while ((at = run.err.find("::error", at)) != std::string::npos) {
      CHECK((at == 0 || run.err[at - 1] == '\n'));
      ++at;
    }
  }
  // Without the variable (or with another value), no annotation.
  RunOptions other;
  other.env = {"GITHUB_ACTIONS=1"};
  const auto plain = box.run({"-c", zoo.config, "providers", "check"}, other);
  CHECK(plain.exit_code == 78);
  CHECK_FALSE(contains(plain.all(), "::error"));
}

TEST_CASE("providers check --min-balance compares each balance in its own "
          "currency; kinds without a balance pass with a note")
{
  const Sandbox box;
  const KindFakes fakes(http_kinds());
  const std::string config = kinds_config(box, fakes.setups);
  // plivo 5.50000 USD, clicksend 7.25 AUD are below 10; twilio 12.34,
  // vonage 10.28, telnyx 300.00, messagebird 10.5 are not.
  const auto low = box.run(
      {"-c", config, "--json", "providers", "check", "--min-balance", "10"});
  CHECK(low.exit_code == 69);
  const auto json = one_json(low);
  for (const auto& entry : json["providers"]) {
    const std::string kind = entry["kind"];
    CAPTURE(kind);
    if (kind == "plivo" || kind == "clicksend") {
      CHECK(entry["status"] == "low_balance");
      CHECK(entry["exit_code"] == 69);
    } else {
      CHECK(entry["status"] == "ok");
    }
    if (kind_balance(kind).empty()) {
      CHECK(contains(text(entry["detail"]),
                     "no balance reported, so --min-balance does not apply"));
    }
  }
  CHECK(json["error"]["class"] == "refused");
  CHECK(json["error"]["exit_code"] == 69);

  // Equal is not below: plivo has exactly 5.50000.
  const auto equal = box.run(
      {"-c", config, "providers", "check", "plivo", "--min-balance", "5.5"});
  CHECK(equal.exit_code == 0);
  CHECK(equal.out.starts_with("plivo\tok\t"));
  const auto above = box.run(
      {"-c", config, "providers", "check", "plivo", "--min-balance", "5.51"});
  CHECK(above.exit_code == 69);
  CHECK(above.out.starts_with("plivo\tlow_balance\t"));
  CHECK(contains(above.out, "\tbalance 5.50000 USD"));
  CHECK(
      contains(above.err, "error: providers check failed: plivo low_balance"));

  // A malformed amount is a usage error before any request.
  const auto before = fakes.fake("plivo").request_count();
  for (const char* bad : {"-1", "abc", "1e3", "", "5.", ".5", "1,5"}) {
    CAPTURE(bad);
    const auto refused = box.run(
        {"-c", config, "providers", "check", "plivo", "--min-balance", bad});
    CHECK(refused.exit_code == 64);
    CHECK(contains(refused.err, "--min-balance needs an amount"));
  }
  CHECK(fakes.fake("plivo").request_count() == before);
}
