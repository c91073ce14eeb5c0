// The JSON contract (issue 10 item 4): under --json a command prints one
// object whose shape does not depend on the outcome. A failure adds
// "error" ({"class", "exit_code", "message", "retry_after"?}) beside the
// command's own fields that apply, which stay where a success puts them.

#include "fake_twilio.hpp"
#include "provider_kinds.hpp"
#include "steps.hpp"

#include <set>

using namespace e2e;

namespace {

// The top-level keys of `json`, "error" left out.
std::set<std::string> keys_but_error(const nlohmann::json& json)
{
  std::set<std::string> keys;
  for (const auto& [key, value] : json.items()) {
    if (key != "error") {
      keys.insert(key);
    }
  }
  return keys;
}

// The object's "error" member has exactly its documented members.
void check_error_object(const nlohmann::json& json,
                        const std::string& error_class,
                        int exit_code,
                        bool with_retry_after)
{
  REQUIRE(json.contains("error"));
  const auto& error = json["error"];
  CHECK(error["class"] == error_class);
  CHECK(error["exit_code"] == exit_code);
  CHECK(error["message"].is_string());
  CHECK_FALSE(error["message"].get<std::string>().empty());
  CHECK(error.contains("retry_after") == with_retry_after);
  if (with_retry_after) {
    CHECK(error["retry_after"].is_number_integer());
    CHECK(error["retry_after"].get<std::int64_t>() > 0);
  }
  CHECK(error.size() == (with_retry_after ? 4U : 3U));
}

} // namespace

TEST_CASE("json contract: send puts the challenge id in the same place on "
          "exit 0 and 76")
{
  const Sandbox box;
  const FakeTwilio accepting(Reply::created);
  const FakeTwilio failing(Reply::server_error);
  TwilioConfig settings;
  settings.base_url = accepting.base_url();
  const auto sent = box.run(
      {"-c", twilio_config(box, settings), "--json", "send", "--to", k_to});
  REQUIRE(sent.exit_code == 0);
  settings.base_url = failing.base_url();
  const auto unknown = box.run(
      {"-c", twilio_config(box, settings), "--json", "send", "--to", k_to});
  REQUIRE(unknown.exit_code == 76);

  const auto ok = one_json(sent);
  const auto maybe = one_json(unknown);
  CHECK_FALSE(ok.contains("error"));
  CHECK(keys_but_error(maybe) == keys_but_error(ok));
  CHECK(is_challenge_id(ok["challenge_id"].get<std::string>()));
  CHECK(is_challenge_id(maybe["challenge_id"].get<std::string>()));
  CHECK(ok["status"] == "sent");
  CHECK(maybe["status"] == "unknown");
  CHECK(ok["provider_message_id"].is_string());
  CHECK(maybe["provider_message_id"].is_null());
  CHECK(maybe["provider"] == "twilio");
  check_error_object(maybe, "unknown_outcome", 76, true);
  // The id given is the one whose code verifies.
  CHECK(maybe["challenge_id"]
        == sql_value(box.db(),
                     "SELECT id FROM challenge ORDER BY created_at DESC, "
                     "rowid DESC LIMIT 1"));
}

TEST_CASE("json contract: a failed send that surely sent nothing has no "
          "challenge id")
{
  const Sandbox box;
  const FakeTwilio fake(Reply::rate_limited_long);
  TwilioConfig settings;
  settings.base_url = fake.base_url();
  const auto sent = box.run(
      {"-c", twilio_config(box, settings), "--json", "send", "--to", k_to});
  REQUIRE(sent.exit_code == 75);
  const auto json = one_json(sent);
  CHECK(json.size() == 1);
  check_error_object(json, "temporary", 75, true);
  CHECK(json["error"]["retry_after"] == k_retry_after);
}

TEST_CASE("json contract: verify has one shape for verified, failed, not "
          "found and locked")
{
  const Sandbox box;
  const std::string config = box.file_config("[otp]\nlockout_after = 2\n");
  const std::string code = send_code(box, config);
  const std::string id = sql_value(box.db(), "SELECT id FROM challenge");

  const auto wrong = verify(box, config, wrong_code(code), {"--json"});
  REQUIRE(wrong.exit_code == 1);
  const auto failed = one_json(wrong);
  const auto shape = keys_but_error(failed);
  CHECK(shape
        == std::set<std::string>{"verified",
                                 "reason",
                                 "to",
                                 "purpose",
                                 "challenge_id",
                                 "attempts",
                                 "max_attempts",
                                 "attempts_left",
                                 "locked"});
  CHECK_FALSE(failed.contains("error"));
  CHECK(failed["verified"] == false);
  CHECK(failed["reason"] == "mismatch");
  CHECK(failed["challenge_id"] == id);
  CHECK(failed["attempts_left"] == 4);
  CHECK(failed["locked"] == false);

  const auto right = verify(box, config, code, {"--json"});
  REQUIRE(right.exit_code == 0);
  const auto verified = one_json(right);
  CHECK(keys_but_error(verified) == shape);
  CHECK_FALSE(verified.contains("error"));
  CHECK(verified["verified"] == true);
  CHECK(verified["reason"] == "ok");
  CHECK(verified["challenge_id"] == id);
  CHECK(verified["attempts_left"] == 0); // consumed
  CHECK(verified["locked"] == false);

  const auto none =
      verify(box, config, code, {"--json"}, "+15032600009"); // never sent to
  REQUIRE(none.exit_code == 1);
  const auto not_found = one_json(none);
  CHECK(keys_but_error(not_found) == shape);
  CHECK(not_found["reason"] == "not_found");
  CHECK(not_found["challenge_id"].is_null());
  CHECK(not_found["attempts"].is_null());
  CHECK(not_found["attempts_left"] == 0);

  // Two consecutive failures lock the recipient (lockout_after = 2): the
  // second says so, and the next verify is refused with 75.
  CHECK(one_json(verify(box, config, code, {"--json"}))["locked"] == false);
  const auto locking = one_json(verify(box, config, code, {"--json"}));
  CHECK(locking["reason"] == "used");
  CHECK(locking["locked"] == true);
  CHECK(locking["attempts_left"] == 0);

  const auto refused = verify(box, config, code, {"--json"});
  REQUIRE(refused.exit_code == 75);
  const auto locked = one_json(refused);
  CHECK(keys_but_error(locked) == shape);
  CHECK(locked["verified"] == false);
  CHECK(locked["reason"] == "too_many_attempts");
  CHECK(locked["locked"] == true);
  CHECK(locked["attempts_left"] == 0);
  check_error_object(locked, "temporary", 75, true);
  CHECK(locked["error"]["retry_after"].get<std::int64_t>() <= 3600);
}

TEST_CASE("json contract: a failed providers check is the passing object "
          "beside an error")
{
  const Sandbox box;
  const FakeProvider twilio(kind_handler("twilio"));
  const FakeProvider vonage(always({401, R"({"error-code":"401"})"}));
  const std::string config =
      kinds_config(box,
                   {{"twilio", "twilio", twilio.base_url(), "", ""},
                    {"vonage", "vonage", vonage.base_url(), "", ""}});
  const auto passed =
      box.run({"-c", config, "--json", "providers", "check", "twilio"});
  REQUIRE(passed.exit_code == 0);
  const auto failed = box.run({"-c", config, "--json", "providers", "check"});
  REQUIRE(failed.exit_code == 77);
  const auto ok = one_json(passed);
  const auto not_ok = one_json(failed);
  CHECK_FALSE(ok.contains("error"));
  CHECK(keys_but_error(not_ok) == keys_but_error(ok));
  CHECK(not_ok["providers"].size() == 2);
  check_error_object(not_ok, "permission", 77, false);
  CHECK(contains(not_ok["error"]["message"].get<std::string>(), "vonage"));
  // Without --json the failure is named on stderr too.
  const auto text = box.run({"-c", config, "providers", "check"});
  CHECK(text.exit_code == 77);
  CHECK(contains(text.err, "error: providers check failed: vonage"));
}

TEST_CASE("json contract: usage and config errors are the error object alone")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const auto usage =
      box.run({"-c", config, "--json", "verify", "--to", k_to, "12"});
  CHECK(usage.exit_code == 64);
  const auto json = one_json(usage);
  CHECK(json.size() == 1);
  check_error_object(json, "usage", 64, false);

  const auto missing =
      box.run({"--json", "-c", box.path("nope.toml"), "purge"});
  CHECK(missing.exit_code == 78);
  const auto config_error = one_json(missing);
  CHECK(config_error.size() == 1);
  check_error_object(config_error, "config", 78, false);
}
