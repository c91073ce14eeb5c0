// --json: stdout holds exactly one JSON object for every command, success
// or error; human text goes to stderr.

#include "fake_twilio.hpp"
#include "steps.hpp"

using namespace e2e;

TEST_CASE("json for send")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const auto sent = box.run({"-c",
                             config,
                             "--json",
                             "send",
                             "--to",
                             k_to,
                             "--purpose",
                             "reset",
                             "--ttl",
                             "2m"});
  REQUIRE(sent.exit_code == 0);
  const auto json = one_json(sent);
  CHECK(is_challenge_id(json["challenge_id"].get<std::string>()));
  CHECK(json["status"] == "sent");
  CHECK(json["to"] == "+15*******67");
  CHECK(json["purpose"] == "reset");
  CHECK(json["provider"] == "outbox");
  CHECK(json["provider_message_id"] == box.outbox());
  CHECK(json["expires_at"].get<std::int64_t>()
            - json["created_at"].get<std::int64_t>()
        == 120);
  CHECK(json["superseded"] == 0);
  CHECK(json["locale"].is_null()); // message.template, no per-locale one
  CHECK(json["encoding"] == "gsm7");
  CHECK(json["segments"] == 1);
  CHECK(json["country"] == "US");
  CHECK(json["number_type"] == "fixed_line_or_mobile");
  CHECK(json.size() == 14);
  // Human text still goes to stderr.
  CHECK(sent.err == "smsotp: sent to +15*******67 via outbox; expires in 2m\n");

  const auto again = box.run(
      {"-c", config, "--json", "send", "--to", k_to, "--purpose", "reset"});
  CHECK(one_json(again)["superseded"] == 1);
}

TEST_CASE("json for verify ok and failed")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const std::string code = send_code(box, config);
  const std::string id = sql_value(box.db(), "SELECT id FROM challenge");

  const auto failed = verify(box, config, wrong_code(code), {"--json"});
  CHECK(failed.exit_code == 1);
  const auto no = one_json(failed);
  CHECK(no["verified"] == false);
  CHECK(no["reason"] == "mismatch");
  CHECK(no["to"] == "+15*******67");
  CHECK(no["purpose"] == "login");
  CHECK(no["challenge_id"] == id);
  CHECK(no["attempts"] == 1);
  CHECK(no["max_attempts"] == 5);
  CHECK(no["locked"] == false);
  CHECK(failed.err.empty());

  const auto ok = verify(box, config, code, {"--json"});
  CHECK(ok.exit_code == 0);
  const auto yes = one_json(ok);
  CHECK(yes["verified"] == true);
  CHECK(yes["reason"] == "ok");
  CHECK(yes["challenge_id"] == id);
  CHECK(yes["attempts"] == 2);
  CHECK(ok.err.empty());

  const auto used = one_json(verify(box, config, code, {"--json"}));
  CHECK(used["reason"] == "used");

  const auto unknown =
      one_json(verify(box, config, code, {"--json"}, "+15032600009"));
  CHECK(unknown["verified"] == false);
  CHECK(unknown["reason"] == "not_found");
  CHECK(unknown["challenge_id"].is_null());
}

TEST_CASE("json for purge")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const std::string code = send_code(box, config);
  REQUIRE(verify(box, config, code).exit_code == 0);
  const auto dry = box.run({"-c", config, "--json", "purge", "--dry-run"});
  CHECK(dry.exit_code == 0);
  const auto counted = one_json(dry);
  CHECK(counted["dry_run"] == true);
  CHECK(counted["challenges"] == 1);
  CHECK(counted["recipients"] == 0);
  const auto real = one_json(box.run({"-c", config, "--json", "purge"}));
  CHECK(real["dry_run"] == false);
  CHECK(real["challenges"] == 1);
}

TEST_CASE("json for providers")
{
  const Sandbox box;
  const FakeTwilio fake(Reply::created);
  TwilioConfig settings;
  settings.base_url = fake.base_url();
  settings.extra =
      "[provider.outbox]\nkind = \"file\"\npath = \"" + box.outbox() + "\"\n";
  const std::string config = twilio_config(box, settings);
  const auto listed = box.run({"-c", config, "--json", "providers"});
  CHECK(listed.exit_code == 0);
  const auto json = one_json(listed);
  CHECK(json["kinds"]
        == nlohmann::json::array({"file",
                                  "twilio",
                                  "plivo",
                                  "vonage",
                                  "telnyx",
                                  "sinch",
                                  "messagebird",
                                  "clicksend",
                                  "aws-sns",
                                  "http"}));
  REQUIRE(json["providers"].size() == 2);
  for (const auto& provider : json["providers"]) {
    if (provider["name"] == "twilio") {
      CHECK(provider["kind"] == "twilio");
      CHECK(provider["sender"] == k_from);
      CHECK(provider["endpoint"] == fake.base_url());
      CHECK(provider["order"] == 1);
      CHECK(provider["secrets"]["auth_token"]
            == "file " + box.path("twilio.token"));
    } else {
      CHECK(provider["name"] == "outbox");
      CHECK(provider["kind"] == "file");
      CHECK(provider["order"] == 0);
      CHECK(provider["secrets"].empty());
    }
  }
  CHECK(fake.request_count() == 0);
}

TEST_CASE("json for errors")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const auto usage = box.run({"-c", config, "--json", "send", "--to", "123"});
  CHECK(usage.exit_code == 64);
  const auto error = one_json(usage)["error"];
  CHECK(error["class"] == "usage");
  CHECK(error["exit_code"] == 64);
  CHECK(contains(error["message"].get<std::string>(), "number \"123\""));
  CHECK_FALSE(error.contains("retry_after"));
  // Human text still goes to stderr.
  CHECK(contains(usage.err, "smsotp: error: number \"123\""));

  const auto parse_error = box.run({"--json", "send", "--bogus"});
  CHECK(parse_error.exit_code == 64);
  CHECK(one_json(parse_error)["error"]["class"] == "usage");

  const auto missing =
      box.run({"--json", "-c", box.path("nope.toml"), "providers"});
  CHECK(missing.exit_code == 78);
  CHECK(one_json(missing)["error"]["class"] == "config");

  box.write_file("notdb", std::string(600, 'x'), 0600);
  const auto damaged = box.run({"-c",
                                config,
                                "--json",
                                "--db",
                                box.path("notdb"),
                                "send",
                                "--to",
                                k_to});
  CHECK(damaged.exit_code == 65);
  CHECK(one_json(damaged)["error"]["class"] == "database");
}

TEST_CASE("json for a locked recipient carries retry_after")
{
  const Sandbox box;
  const std::string config = box.file_config("[otp]\nlockout_after = 1\n");
  const std::string code = send_code(box, config);
  const auto locking = verify(box, config, wrong_code(code), {"--json"});
  CHECK(one_json(locking)["locked"] == true);
  const auto locked = verify(box, config, code, {"--json"});
  CHECK(locked.exit_code == 75);
  const auto json = one_json(locked);
  CHECK(json["error"]["class"] == "temporary");
  CHECK(json["error"]["exit_code"] == 75);
  // Locked for lockout_duration (1h) from the failure, a second ago or so.
  const auto retry_after = json["error"]["retry_after"].get<std::int64_t>();
  CHECK(retry_after <= 3600);
  CHECK(retry_after >= 3590);
  // The verify result stays where it always is, beside the error.
  CHECK(json["verified"] == false);
  CHECK(json["locked"] == true);
}

TEST_CASE("json keeps a stdout outbox off stdout")
{
  // The file provider with path "-" writes to stderr under --json, so that
  // stdout stays one JSON object.
  const Sandbox box;
  const std::string config =
      box.write_file("stdout.toml",
                     "[store]\ndatabase = \"" + box.db() + "\"\n" + k_allow_all
                         + "[provider.outbox]\nkind = \"file\"\npath = "
                           "\"-\"\n");
  const auto sent = box.run({"-c", config, "--json", "send", "--to", k_to});
  CHECK(sent.exit_code == 0);
  CHECK(is_challenge_id(one_json(sent)["challenge_id"].get<std::string>()));
  CHECK(contains(sent.err, std::string(k_to) + "\tsmsotp: your code is "));
}
