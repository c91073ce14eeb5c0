// `providers check [NAME...]` proves credentials through each kind's
// account, balance or dry-run endpoint and never a send endpoint;
// `providers test NAME --to N` sends exactly one plain message that is not
// a code. Exit statuses follow the failure class.

#include "fake_twilio.hpp"
#include "provider_kinds.hpp"
#include "steps.hpp"

using namespace e2e;

namespace {

// The stdout line `providers check` prints for `name` ("" if none).
std::string line_for(const std::string& out, const std::string& name)
{
  std::size_t start = 0;
  while (start < out.size()) {
    const auto end = out.find('\n', start);
    const std::string line = out.substr(start, end - start);
    if (line.starts_with(name + "\t")) {
      return line;
    }
    if (end == std::string::npos) {
      break;
    }
    start = end + 1;
  }
  return {};
}

void check_only_checks(const KindFakes& fakes, std::size_t expected)
{
  for (const auto& setup : fakes.setups) {
    CAPTURE(setup.kind);
    const auto requests = fakes.fake(setup.kind).requests();
    CHECK(requests.size() == expected);
    for (const auto& request : requests) {
      CAPTURE(request.method);
      CAPTURE(request.path);
      CHECK(is_check_request(setup.kind, request));
      CHECK_FALSE(is_send_request(setup.kind, request));
      CHECK(has_credentials(setup.kind, request));
      CHECK(code_in(request).empty());
    }
  }
}

} // namespace

TEST_CASE("providers check passes for every kind and prints balances")
{
  const Sandbox box;
  const KindFakes fakes(http_kinds());
  const std::string config = kinds_config(box, fakes.setups);
  const auto checked = box.run({"-c", config, "providers", "check"});
  CAPTURE(checked.out);
  CAPTURE(checked.err);
  CHECK(checked.exit_code == 0);
  for (const auto& kind : http_kinds()) {
    CAPTURE(kind);
    const std::string line = line_for(checked.out, kind);
    CHECK(line.starts_with(kind + "\tok\t"));
    if (!kind_balance(kind).empty()) {
      CHECK(line.ends_with("\tbalance " + kind_balance(kind)));
    } else {
      CHECK_FALSE(contains(line, "balance"));
    }
  }
  CHECK(contains(line_for(checked.out, "sinch"), "dry run; nothing sent"));
  CHECK(contains(line_for(checked.out, "aws-sns"), "out of the SMS sandbox"));
  check_only_checks(fakes, 1);

  const auto json_run = box.run({"-c", config, "--json", "providers", "check"});
  CHECK(json_run.exit_code == 0);
  const auto json = one_json(json_run);
  CHECK(json["ok"] == true);
  REQUIRE(json["providers"].size() == http_kinds().size());
  for (const auto& entry : json["providers"]) {
    const std::string kind = entry["kind"];
    CAPTURE(kind);
    CHECK(entry["name"] == kind);
    CHECK(entry["ok"] == true);
    CHECK(entry["status"] == "ok");
    // Every key is there whatever the kind; the balance is a number and
    // its currency apart, null where the API gives none.
    const std::string balance = kind_balance(kind);
    if (balance.empty()) {
      CHECK(entry["balance"].is_null());
      CHECK(entry["currency"].is_null());
    } else {
      const auto space = balance.find(' ');
      CHECK(entry["balance"] == std::stod(balance.substr(0, space)));
      CHECK(entry["currency"] == balance.substr(space + 1));
    }
    CHECK(entry["latency_ms"].is_number_integer());
    CHECK(entry["latency_ms"] >= 0);
    CHECK(entry["retry_after"].is_null());
  }
  check_only_checks(fakes, 2);
  // A check stores nothing.
  CHECK_FALSE(file_exists(box.db()));
}

TEST_CASE("providers check NAME checks only the named providers")
{
  const Sandbox box;
  const KindFakes fakes({"twilio", "vonage", "plivo"});
  const std::string config = kinds_config(box, fakes.setups);
  const auto checked =
      box.run({"-c", config, "providers", "check", "vonage", "plivo"});
  CHECK(checked.exit_code == 0);
  CHECK(fakes.fake("twilio").request_count() == 0);
  CHECK(fakes.fake("vonage").request_count() == 1);
  CHECK(fakes.fake("plivo").request_count() == 1);
  CHECK(line_for(checked.out, "twilio").empty());
  const auto unknown = box.run({"-c", config, "providers", "check", "twillio"});
  CHECK(unknown.exit_code == 64);
  CHECK(contains(unknown.err, "did you mean 'twilio'"));
}

TEST_CASE("providers check exits 77 for rejected credentials, 75 for "
          "unreachable, 69 for an unexpected answer")
{
  struct Case
  {
    const char* name;
    bool rejected; // vonage answers 401
    bool down;     // plivo's port is closed
    bool broken;   // twilio's balance endpoint answers 404
    int expected;
  };
  for (const auto& c :
       {Case{"one rejected", true, false, false, 77},
        Case{"one unreachable", false, true, false, 75},
        Case{"rejected and unreachable", true, true, false, 77},
        Case{"one unexpected answer", false, false, true, 69},
        Case{"unexpected answer and unreachable", false, true, true, 69}}) {
    CAPTURE(c.name);
    const Sandbox box;
    const FakeProvider twilio(c.broken ? always({404, R"({"code":20404})"})
                                       : kind_handler("twilio"));
    const FakeProvider vonage(c.rejected
                                  ? always({401, R"({"error-code":"401"})"})
                                  : kind_handler("vonage"));
    const FakeProvider plivo(kind_handler("plivo"));
    const std::string plivo_url =
        c.down ? "http://127.0.0.1:" + std::to_string(closed_port())
               : plivo.base_url();
    const std::string config =
        kinds_config(box,
                     {{"twilio", "twilio", twilio.base_url(), "", ""},
                      {"vonage", "vonage", vonage.base_url(), "", ""},
                      {"plivo", "plivo", plivo_url, "", "retries = 0\n"}});
    const auto checked = box.run({"-c", config, "providers", "check"});
    CAPTURE(checked.out);
    CAPTURE(checked.err);
    CHECK(checked.exit_code == c.expected);
    CHECK(line_for(checked.out, "twilio")
              .starts_with(c.broken ? "twilio\tunexpected_answer\t"
                                    : "twilio\tok\t"));
    CHECK(line_for(checked.out, "vonage")
              .starts_with(c.rejected ? "vonage\tcredentials_rejected\t"
                                      : "vonage\tok\t"));
    CHECK(line_for(checked.out, "plivo")
              .starts_with(c.down ? "plivo\tunreachable\t" : "plivo\tok\t"));
    CHECK(twilio.request_count() == 1);
    CHECK(vonage.request_count() == 1);
    for (const auto& request : vonage.requests()) {
      CHECK(is_check_request("vonage", request));
    }
    const auto json_run =
        box.run({"-c", config, "--json", "providers", "check"});
    CHECK(json_run.exit_code == c.expected);
    const auto json = one_json(json_run);
    CHECK(json["ok"] == false);
    for (const auto& entry : json["providers"]) {
      const bool failing = (entry["name"] == "vonage" && c.rejected)
                           || (entry["name"] == "plivo" && c.down)
                           || (entry["name"] == "twilio" && c.broken);
      CHECK(entry["ok"] == !failing);
    }
  }
}

TEST_CASE("providers test sends one plain message through each kind")
{
  const Sandbox box;
  const KindFakes fakes(http_kinds());
  const std::string config = kinds_config(box, fakes.setups);
  for (const auto& kind : http_kinds()) {
    CAPTURE(kind);
    const auto tested =
        box.run({"-c", config, "providers", "test", kind, "--to", k_to});
    CAPTURE(tested.err);
    CHECK(tested.exit_code == 0);
    CHECK(tested.out == kind_message_id(kind) + "\n");
    const auto requests = fakes.fake(kind).requests();
    REQUIRE(requests.size() == 1);
    const auto& request = requests[0];
    CHECK(is_send_request(kind, request));
    CHECK(has_credentials(kind, request));
    CHECK(names_recipient(kind, request, k_to));
    const std::string text = url_decode(request.body);
    CHECK(contains(text, "test message from smsotp via " + kind));
    CHECK(code_in(request).empty());
    CHECK_FALSE(contains(text, "code"));
  }
  const auto json_run = box.run(
      {"-c", config, "--json", "providers", "test", "plivo", "--to", k_to});
  CHECK(json_run.exit_code == 0);
  const auto json = one_json(json_run);
  CHECK(json["provider_message_id"] == kind_message_id("plivo"));
  CHECK(json["status"] == "sent");
  CHECK(json["to"] == "+15*******67");
  // A test message is not a challenge: nothing is stored.
  CHECK_FALSE(file_exists(box.db()));
}

TEST_CASE("providers test maps failures to 69, 75, 76 and 77")
{
  struct Case
  {
    const char* name;
    Reply reply;
    bool down;
    int expected;
  };
  for (const auto& c :
       {Case{"recipient rejected", Reply::bad_request, false, 69},
        Case{"rate-limited, Retry-After 30",
             Reply::rate_limited_long,
             false,
             75},
        Case{"connection refused", Reply::created, true, 75},
        Case{"server error", Reply::server_error, false, 76},
        Case{"credentials rejected", Reply::unauthorized, false, 77}}) {
    CAPTURE(c.name);
    const Sandbox box;
    const FakeTwilio fake(c.reply);
    TwilioConfig settings;
    settings.base_url =
        c.down ? "http://127.0.0.1:" + std::to_string(closed_port())
               : fake.base_url();
    settings.retries = "0";
    const std::string config = twilio_config(box, settings);
    const auto tested = box.run(
        {"-c", config, "--json", "providers", "test", "twilio", "--to", k_to});
    CAPTURE(tested.err);
    CHECK(tested.exit_code == c.expected);
    CHECK(fake.request_count() == (c.down ? 0U : 1U));
    const auto error = one_json(tested)["error"];
    CHECK(error["exit_code"] == c.expected);
    if (c.expected == 75) {
      CHECK(error["retry_after"] == k_retry_after);
    }
    CHECK_FALSE(file_exists(box.db()));
  }
}

TEST_CASE("providers check reports a local fault for its provider and checks "
          "the others")
{
  const Sandbox box;
  const KindFakes fakes({"twilio", "telnyx", "clicksend"});
  const std::string config = kinds_config(box, fakes.setups);
  // telnyx's key file is readable by others: a local fault (77).
  set_mode(box.path("secrets/telnyx.api_key"), 0644);
  const auto checked = box.run({"-c", config, "providers", "check"});
  CAPTURE(checked.out);
  CAPTURE(checked.err);
  CHECK(checked.exit_code == 77);
  CHECK(line_for(checked.out, "twilio").starts_with("twilio\tok\t"));
  // The status word is from the fixed vocabulary (the local side cannot be
  // checked as configured); the entry's exit_code names the class (77).
  CHECK(line_for(checked.out, "telnyx").starts_with("telnyx\tconfig_error\t"));
  CHECK(contains(line_for(checked.out, "telnyx"), "0644"));
  CHECK(line_for(checked.out, "clicksend").starts_with("clicksend\tok\t"));
  CHECK(fakes.fake("twilio").request_count() == 1);
  CHECK(fakes.fake("telnyx").request_count() == 0);
  CHECK(fakes.fake("clicksend").request_count() == 1);
  const auto json_run = box.run({"-c", config, "--json", "providers", "check"});
  CHECK(json_run.exit_code == 77);
  const auto json = one_json(json_run);
  CHECK(json["ok"] == false);
  REQUIRE(json["providers"].size() == 3);
  for (const auto& entry : json["providers"]) {
    if (entry["name"] == "telnyx") {
      CHECK(entry["status"] == "config_error");
      CHECK(entry["exit_code"] == 77);
      CHECK(entry["latency_ms"].is_null());
    } else {
      CHECK(entry["ok"] == true);
    }
  }
}
