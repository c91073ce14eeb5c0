// The twilio provider against the fake: the exact request, HTTPS with a
// test CA, what each answer means for the code, and no automatic resend.

#include "fake_twilio.hpp"
#include "steps.hpp"

using namespace e2e;
using namespace std::chrono_literals;

namespace {

std::string config_for(const Sandbox& box,
                       const FakeTwilio& fake,
                       const std::string& ca_file = "")
{
  TwilioConfig config;
  config.base_url = fake.base_url();
  config.ca_file = ca_file;
  return twilio_config(box, config);
}

Result send(const Sandbox& box, const std::string& config)
{
  return box.run({"-c", config, "send", "--to", k_to});
}

} // namespace

TEST_CASE("twilio receives one form POST with Basic auth")
{
  const Sandbox box;
  const FakeTwilio fake(Reply::created);
  const std::string config = config_for(box, fake);
  const auto sent = send(box, config);
  INFO(sent.err);
  REQUIRE(sent.exit_code == 0);
  CHECK(is_challenge_id(sent.out.substr(0, 27)));
  CHECK(sent.err == "smsotp: sent to +15*******67 via twilio; expires in 5m\n");
  const auto requests = fake.requests();
  REQUIRE(requests.size() == 1);
  const auto& request = requests[0];
  CHECK(request.method == "POST");
  CHECK(request.path
        == std::string("/2010-04-01/Accounts/") + k_account_sid
               + "/Messages.json");
  CHECK(request.content_type == "application/x-www-form-urlencoded");
  CHECK(request.authorization == expected_authorization());
  CHECK(request.form.size() == 3);
  CHECK(request.form.at("To") == k_to);
  CHECK(request.form.at("From") == k_from);
  const std::string code = code_from_body(request);
  REQUIRE(code.size() == 6);
  CHECK(request.form.at("Body")
        == "smsotp: your code is " + code
               + ". It expires in 5 min. Do not share "
                 "it.");
  CHECK(sql_value(box.db(), "SELECT provider_message_id FROM challenge")
        == "SM0123456789abcdef0123456789abcdef");
  CHECK(verify(box, config, code).exit_code == 0);
  CHECK(fake.request_count() == 1); // verify never calls the provider
}

TEST_CASE("twilio over HTTPS with the test CA in ca_file")
{
  const Sandbox box;
  const auto cert = make_test_cert(box);
  const FakeTwilio fake(Reply::created, {}, &cert);
  REQUIRE(fake.base_url().starts_with("https://127.0.0.1:"));
  const std::string config = config_for(box, fake, cert.cert);
  const auto sent = send(box, config);
  INFO(sent.err);
  CHECK(sent.exit_code == 0);
  REQUIRE(fake.request_count() == 1);
  CHECK(fake.requests()[0].authorization == expected_authorization());
  CHECK(verify(box, config, code_from_body(fake.requests()[0])).exit_code == 0);
}

TEST_CASE("twilio over HTTPS without ca_file is refused before any request")
{
  const Sandbox box;
  const auto cert = make_test_cert(box);
  const FakeTwilio fake(Reply::created, {}, &cert);
  const std::string config = config_for(box, fake);
  const auto sent = box.run({"-c", config, "--json", "send", "--to", k_to});
  CHECK(sent.exit_code == 69);
  CHECK(fake.request_count() == 0);
  const auto error = one_json(sent)["error"];
  CHECK(error["class"] == "refused");
  CHECK(error["exit_code"] == 69);
  CHECK(contains(error["message"].get<std::string>(), "TLS verification"));
  // Nothing was sent, so the stored code is dead.
  CHECK(sql_value(box.db(), "SELECT state FROM challenge") == "failed");
}

TEST_CASE("an unknown outcome is not resent and the code stays valid")
{
  for (const auto reply :
       {Reply::server_error, Reply::html_ok, Reply::no_sid}) {
    CAPTURE(static_cast<int>(reply));
    const Sandbox box;
    const FakeTwilio fake(reply);
    const std::string config = config_for(box, fake);
    const auto sent = box.run({"-c", config, "--json", "send", "--to", k_to});
    CHECK(sent.exit_code == 76);
    CHECK(fake.request_count() == 1);
    const auto json = one_json(sent);
    const auto error = json["error"];
    CHECK(error["class"] == "unknown_outcome");
    CHECK(error["exit_code"] == 76);
    CHECK(error["retry_after"] == 30);
    CHECK(is_challenge_id(json["challenge_id"].get<std::string>()));
    // The message may have been delivered: its code verifies.
    const std::string code = code_from_body(fake.requests().at(0));
    CHECK(verify(box, config, code).exit_code == 0);
  }
}

TEST_CASE("a provider slower than its timeout gives 76 after the timeout")
{
  const Sandbox box;
  const FakeTwilio fake(Reply::created, 3s);
  TwilioConfig settings;
  settings.base_url = fake.base_url();
  settings.timeout = "1s";
  const std::string config = twilio_config(box, settings);
  const auto start = std::chrono::steady_clock::now();
  const auto sent = send(box, config);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(sent.exit_code == 76);
  CHECK(elapsed < 2500ms);
  CHECK(is_challenge_id(sent.out.substr(0, 27)));
  CHECK(fake.request_count() == 1);
  CHECK(verify(box, config, code_from_body(fake.requests().at(0))).exit_code
        == 0);
}

TEST_CASE("a refused or rate-limited message leaves no valid code")
{
  for (const auto reply : {Reply::rate_limited,
                           Reply::rate_limited_long,
                           Reply::bad_request,
                           Reply::unauthorized}) {
    CAPTURE(static_cast<int>(reply));
    const Sandbox box;
    const FakeTwilio fake(reply);
    const std::string config = config_for(box, fake);
    const auto sent = box.run({"-c", config, "--json", "send", "--to", k_to});
    // A plain 429 means "not processed": retried (retries = 2 by default).
    // A Retry-After beyond the 10 s cap ends the attempt at once.
    CHECK(fake.request_count()
          == (reply == Reply::rate_limited ? k_default_attempts : 1));
    const auto json = one_json(sent);
    const auto error = json["error"];
    CHECK_FALSE(json.contains("challenge_id"));
    if (reply == Reply::rate_limited || reply == Reply::rate_limited_long) {
      CHECK(sent.exit_code == 75);
      CHECK(error["class"] == "temporary");
      CHECK(error["retry_after"] == k_retry_after);
    } else if (reply == Reply::bad_request) {
      CHECK(sent.exit_code == 69);
      CHECK(error["class"] == "refused");
      // Twilio's message may quote the number: only its code is shown.
      CHECK_FALSE(contains(sent.all(), "not a valid phone number"));
    } else {
      CHECK(sent.exit_code == 77);
      CHECK(error["class"] == "permission");
    }
    CHECK(sql_value(box.db(), "SELECT state FROM challenge") == "failed");
    const auto late =
        verify(box, config, code_from_body(fake.requests().at(0)), {"-v"});
    CHECK(late.exit_code == 1);
  }
}

TEST_CASE("a connection refused is temporary and stores no live code")
{
  const Sandbox box;
  TwilioConfig settings;
  settings.base_url = "http://127.0.0.1:" + std::to_string(closed_port());
  const std::string config = twilio_config(box, settings);
  const auto sent = box.run({"-c", config, "--json", "send", "--to", k_to});
  CHECK(sent.exit_code == 75);
  const auto error = one_json(sent)["error"];
  CHECK(error["class"] == "temporary");
  CHECK(error["retry_after"] == 30);
  CHECK(sql_value(box.db(), "SELECT state FROM challenge") == "failed");
}

TEST_CASE("send --dry-run shows the request and sends and stores nothing")
{
  const Sandbox box;
  const FakeTwilio fake(Reply::created);
  const std::string config = config_for(box, fake);
  const auto dry = box.run({"-c", config, "send", "--to", k_to, "--dry-run"});
  CHECK(dry.exit_code == 0);
  CHECK(contains(dry.out, "# provider twilio (twilio)\n"));
  CHECK(contains(dry.out,
                 "POST " + fake.base_url() + "/2010-04-01/Accounts/"
                     + k_account_sid + "/Messages.json\n"));
  CHECK(contains(dry.out, "Authorization: Basic [redacted]\n"));
  CHECK(contains(dry.out, "your%20code%20is%20%2A%2A%2A%2A%2A%2A"));
  CHECK(contains(dry.err, "dry run: nothing was stored or sent"));
  CHECK(fake.request_count() == 0);
  CHECK_FALSE(file_exists(box.db()));
  CHECK_FALSE(contains(dry.all(), k_auth_token));
  CHECK_FALSE(contains(
      dry.all(), base64(std::string(k_account_sid) + ":" + k_auth_token)));
}

TEST_CASE("send --provider picks one of several configured providers")
{
  const Sandbox box;
  const FakeTwilio fake(Reply::created);
  TwilioConfig settings;
  settings.base_url = fake.base_url();
  settings.extra =
      "[provider.outbox]\nkind = \"file\"\npath = \"" + box.outbox() + "\"\n";
  const std::string config = twilio_config(box, settings);
  // send.providers = ["twilio"]: the default goes to the fake only.
  CHECK(send(box, config).exit_code == 0);
  CHECK(fake.request_count() == 1);
  CHECK(box.outbox_count() == 0);
  const auto local =
      box.run({"-c", config, "send", "--to", k_to, "--provider", "outbox"});
  CHECK(local.exit_code == 0);
  CHECK(fake.request_count() == 1);
  CHECK(box.outbox_count() == 1);
  const auto typo =
      box.run({"-c", config, "send", "--to", k_to, "--provider", "twillio"});
  CHECK(typo.exit_code == 64);
  CHECK(contains(typo.err, "did you mean 'twilio'"));
  CHECK(fake.request_count() == 1);
}
