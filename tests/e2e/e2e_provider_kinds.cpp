// Every HTTP provider kind end to end: `send` through the binary to a fake
// that answers the kind's success shape, then `verify` with the code the
// fake received; HTTPS with the test CA; and `send --dry-run`, which shows
// the exact request with secrets redacted and the code masked, and sends
// and stores nothing.

#include "provider_kinds.hpp"
#include "steps.hpp"

using namespace e2e;

namespace {

void send_and_verify(const Sandbox& box,
                     const std::string& kind,
                     const std::string& config,
                     const FakeProvider& fake)
{
  const auto sent =
      box.run({"-c", config, "send", "--to", k_to, "--provider", kind});
  CAPTURE(sent.err);
  REQUIRE(sent.exit_code == 0);
  CHECK(is_challenge_id(sent.out.substr(0, 27)));
  CHECK(contains(sent.err, "via " + kind + ";"));
  const auto requests = fake.requests();
  REQUIRE(requests.size() == 1);
  const auto& request = requests[0];
  CHECK(is_send_request(kind, request));
  CHECK(has_credentials(kind, request));
  CHECK(names_recipient(kind, request, k_to));
  const std::string code = code_in(request);
  REQUIRE(code.size() == 6);
  CHECK(sql_value(box.db(),
                  "SELECT provider_message_id FROM challenge WHERE provider = '"
                      + kind + "' AND provider_message_id IS NOT NULL")
        == kind_message_id(kind));
  CHECK(verify(box, config, wrong_code(code)).exit_code == 1);
  CHECK(verify(box, config, code).exit_code == 0);
  CHECK(verify(box, config, code).exit_code == 1); // used up
  CHECK(fake.request_count() == 1); // verify never calls a provider
}

} // namespace

TEST_CASE("every kind sends a code that then verifies")
{
  const Sandbox box;
  const KindFakes fakes(http_kinds());
  const std::string config = kinds_config(box, fakes.setups);
  for (const auto& kind : http_kinds()) {
    CAPTURE(kind);
    send_and_verify(box, kind, config, fakes.fake(kind));
  }
}

TEST_CASE("kinds over HTTPS with the test CA in ca_file")
{
  const Sandbox box;
  const auto cert = make_test_cert(box);
  for (const std::string kind : {"vonage", "aws-sns"}) {
    CAPTURE(kind);
    const FakeProvider fake(kind_handler(kind), &cert);
    REQUIRE(fake.base_url().starts_with("https://127.0.0.1:"));
    const std::string config = kinds_config(
        box, {{kind, kind, fake.base_url(), cert.cert, "retries = 0\n"}});
    send_and_verify(box, kind, config, fake);
    // The same fake without ca_file is refused before any request.
    const std::string untrusted =
        kinds_config(box, {{kind, kind, fake.base_url(), "", "retries = 0\n"}});
    const auto refused = box.run({"-c", untrusted, "send", "--to", k_to});
    CHECK(refused.exit_code == 69);
    CHECK(contains(refused.err, "TLS verification failed"));
    CHECK(fake.request_count() == 1);
  }
}

TEST_CASE("send --dry-run shows each kind's request, redacted and masked")
{
  const Sandbox box;
  const KindFakes fakes(http_kinds());
  const std::string config = kinds_config(box, fakes.setups);
  for (const auto& kind : http_kinds()) {
    CAPTURE(kind);
    const auto dry = box.run(
        {"-c", config, "send", "--to", k_to, "--provider", kind, "--dry-run"});
    CAPTURE(dry.out);
    CAPTURE(dry.err);
    CHECK(dry.exit_code == 0);
    CHECK(contains(dry.out, "# provider " + kind + " (" + kind + ")\n"));
    // The first request line: method and the fake's URL.
    const std::string url = fakes.fake(kind).base_url();
    CHECK((contains(dry.out, "POST " + url + "/")
           || contains(dry.out, "GET " + url + "/")));
    CHECK(contains(dry.out, "[redacted]"));
    // The code is masked, as text or percent-encoded in a form body.
    CHECK((contains(dry.out, "your code is ******")
           || contains(dry.out, "your%20code%20is%20%2A%2A%2A%2A%2A%2A")));
    for (const auto& canary : kind_canaries(kind)) {
      CHECK_FALSE(contains(dry.all(), canary));
    }
    CHECK(contains(dry.err, "dry run: nothing was stored or sent"));

    const auto json_run = box.run({"-c",
                                   config,
                                   "--json",
                                   "send",
                                   "--to",
                                   k_to,
                                   "--provider",
                                   kind,
                                   "--dry-run"});
    CHECK(json_run.exit_code == 0);
    const auto json = one_json(json_run);
    CHECK(json["dry_run"] == true);
    CHECK(json["to"] == "+15*******67");
    CHECK(contains(json["text"].get<std::string>(), "your code is ******."));
    REQUIRE(json["requests"].size() == 1);
    CHECK(json["requests"][0]["kind"] == kind);
    const std::string request = json["requests"][0]["request"];
    CHECK(contains(request, "[redacted]"));
    for (const auto& canary : kind_canaries(kind)) {
      CHECK_FALSE(contains(json_run.all(), canary));
    }
  }
  // Every provider in order, when none is picked.
  const auto all = box.run({"-c", config, "send", "--to", k_to, "--dry-run"});
  CHECK(all.exit_code == 0);
  for (const auto& kind : http_kinds()) {
    CHECK(contains(all.out, "# provider " + kind + " (" + kind + ")\n"));
    CHECK(fakes.fake(kind).request_count() == 0);
  }
  CHECK_FALSE(file_exists(box.db()));
  CHECK_FALSE(file_exists(box.key_file()));
  CHECK_FALSE(file_exists(box.path("state")));
}

TEST_CASE("send --dry-run needs no access to the secrets")
{
  const Sandbox box;
  const KindFakes fakes({"twilio", "clicksend"});
  const std::string config = kinds_config(box, fakes.setups);
  // Secrets unreadable: a real send stops (77), a dry run still shows the
  // request.
  for (const auto& entry :
       std::filesystem::directory_iterator(box.path("secrets"))) {
    set_mode(entry.path().string(), 0644);
  }
  const auto dry = box.run({"-c", config, "send", "--to", k_to, "--dry-run"});
  CHECK(dry.exit_code == 0);
  CHECK(contains(dry.out, "Authorization: Basic [redacted]"));
  const auto real = box.run({"-c", config, "send", "--to", k_to});
  CHECK(real.exit_code == 77);
  CHECK(fakes.fake("twilio").request_count() == 0);
  CHECK(fakes.fake("clicksend").request_count() == 0);
}
