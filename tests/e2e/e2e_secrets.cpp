// Canary sweeps: the code, the Twilio token (and its Basic value) and the
// HMAC key never appear in stdout, stderr or the database files.

#include "fake_twilio.hpp"
#include "steps.hpp"

using namespace e2e;

namespace {

// The database and its -wal and -shm, raw.
std::string db_bytes(const Sandbox& box)
{
  return read_file(box.db()) + read_file(box.db() + "-wal")
         + read_file(box.db() + "-shm");
}

std::vector<std::string> token_canaries()
{
  const std::string basic =
      base64(std::string(k_account_sid) + ":" + k_auth_token);
  return {k_auth_token, basic, hex(k_auth_token)};
}

std::vector<std::string> key_canaries(const Sandbox& box)
{
  const std::string key = read_file(box.key_file());
  REQUIRE(key.size() == 32);
  return {key, hex(key), base64(key)};
}

void check_absent(const std::string& where,
                  const std::string& bytes,
                  const std::vector<std::string>& canaries)
{
  for (std::size_t i = 0; i < canaries.size(); ++i) {
    CAPTURE(where);
    CAPTURE(i);
    CHECK_FALSE(contains(bytes, canaries[i]));
  }
}

} // namespace

TEST_CASE("the code never appears in the database files or any output")
{
  const Sandbox box;
  const std::string config = box.file_config();
  // 10 digits: a chance match in the database bytes is out of the question.
  const auto first =
      box.run({"-c", config, "-v", "send", "--to", k_to, "--length", "10"});
  REQUIRE(first.exit_code == 0);
  const std::string first_code = box.last_code();
  REQUIRE(first_code.size() == 10);
  check_absent("first send output", first.all(), {first_code});
  check_absent("database after the first send", db_bytes(box), {first_code});

  // Keep a reader open so the -wal and -shm of the next runs stay on disk.
  const WalHolder holder(box.db());
  std::string outputs;
  const auto second =
      box.run({"-c", config, "-v", "send", "--to", k_to, "--length", "10"});
  REQUIRE(second.exit_code == 0);
  outputs += second.all();
  const std::string code = box.last_code();
  const std::string wrong = wrong_code(code);
  REQUIRE(file_exists(box.db() + "-wal"));
  REQUIRE(file_exists(box.db() + "-shm"));
  CHECK(read_file(box.db() + "-wal").size() > 0);
  check_absent("database after send", db_bytes(box), {code, first_code});

  for (const auto& global :
       std::vector<std::vector<std::string>>{{"-v"}, {"--json", "-v"}}) {
    const auto failed = verify(box, config, wrong, global);
    CHECK(failed.exit_code == 1);
    outputs += failed.all();
  }
  check_absent("database after a failed verify",
               db_bytes(box),
               {code, wrong, first_code});
  const auto ok = verify(box, config, code, {"-v", "--json"});
  CHECK(ok.exit_code == 0);
  outputs += ok.all();
  outputs += box.run({"-c", config, "-vv", "providers"}).all();
  outputs += box.run({"-c", config, "-v", "purge", "--dry-run"}).all();
  outputs +=
      box.run({"-c", config, "-v", "send", "--to", k_to, "--dry-run"}).all();
  check_absent("outputs", outputs, {code, wrong, first_code});
  check_absent("database at the end", db_bytes(box), {code, wrong});
  // The outbox is the one place the code is meant to be.
  CHECK(contains(read_file(box.outbox()), code));
}

TEST_CASE("the twilio token and the key never appear in output or database")
{
  const Sandbox box;
  std::string outputs;
  std::unique_ptr<WalHolder> holder;
  for (const auto reply : {Reply::created,
                           Reply::bad_request,
                           Reply::unauthorized,
                           Reply::rate_limited,
                           Reply::rate_limited_long,
                           Reply::server_error,
                           Reply::html_ok}) {
    const FakeTwilio fake(reply);
    TwilioConfig settings;
    settings.base_url = fake.base_url();
    const std::string config = twilio_config(box, settings);
    for (const auto& global :
         std::vector<std::vector<std::string>>{{"-v"}, {"--json", "-v"}}) {
      std::vector<std::string> args{"-c", config};
      args.insert(args.end(), global.begin(), global.end());
      args.insert(args.end(), {"send", "--to", k_to});
      const auto result = box.run(args);
      CHECK(result.exit_code != 70);
      outputs += result.all();
    }
    // The fake did get the credentials, so the canaries are the right ones.
    // A 429 without Retry-After is retried (retries = 2 by default).
    REQUIRE(fake.request_count()
            == (reply == Reply::rate_limited ? 2 * k_default_attempts : 2));
    CHECK(fake.requests()[0].authorization == expected_authorization());
    if (!holder) {
      holder = std::make_unique<WalHolder>(box.db());
    }
    outputs += verify(box, config, "123456", {"-v"}).all();
  }
  const std::string config = box.path("twilio.toml");
  outputs += box.run({"-c", config, "-vv", "providers"}).all();
  outputs += box.run({"-c", config, "--json", "providers"}).all();
  outputs +=
      box.run({"-c", config, "-v", "send", "--to", k_to, "--dry-run"}).all();
  outputs += box.run({"-c", config, "-v", "purge"}).all();
  check_absent("outputs", outputs, token_canaries());
  check_absent("outputs", outputs, key_canaries(box));
  check_absent("database", db_bytes(box), token_canaries());
  check_absent("database", db_bytes(box), key_canaries(box));
}

TEST_CASE("a token from the environment is used and never shown")
{
  const Sandbox box;
  const FakeTwilio fake(Reply::created);
  TwilioConfig settings;
  settings.base_url = fake.base_url();
  settings.source = TokenSource::environment;
  const std::string config = twilio_config(box, settings);
  RunOptions with_token;
  with_token.env.push_back(token_env());
  const auto sent =
      box.run({"-c", config, "-v", "send", "--to", k_to}, with_token);
  CHECK(sent.exit_code == 0);
  REQUIRE(fake.request_count() == 1);
  CHECK(fake.requests()[0].authorization == expected_authorization());
  const auto listed = box.run({"-c", config, "providers"}, with_token);
  check_absent("outputs", sent.all() + listed.all(), token_canaries());
  // Without the variable: a configuration error, and nothing is sent.
  const auto unset = box.run({"-c", config, "send", "--to", k_to});
  CHECK(unset.exit_code == 78);
  CHECK(
      contains(unset.err, "environment variable TWILIO_AUTH_TOKEN is not set"));
  CHECK(fake.request_count() == 1);
}

TEST_CASE("providers lists the secret source but never the secret")
{
  const Sandbox box;
  box.write_file("twilio.token", std::string(k_auth_token) + "\n", 0600);
  const std::string table = std::string("kind = \"twilio\"\naccount_sid = \"")
                            + k_account_sid + "\"\nfrom = \"" + k_from
                            + "\"\nbase_url = \"http://127.0.0.1:9\"\n";
  const std::string config = box.write_file(
      "providers.toml",
      "[send]\nproviders = [\"by_file\"]\n\n[provider.by_file]\n" + table
          + "auth_token_file = \"" + box.path("twilio.token")
          + "\"\n\n[provider.by_env]\n" + table
          + "auth_token_env = \"TWILIO_AUTH_TOKEN\"\n\n[provider.by_inline]\n"
          + table + "auth_token = \"" + k_auth_token + "\"\n",
      0600);
  RunOptions with_token;
  with_token.env.push_back(token_env());
  const auto listed = box.run({"-c", config, "providers"}, with_token);
  CHECK(listed.exit_code == 0);
  CHECK(contains(listed.out,
                 "by_file\ttwilio\t+15017122661\torder 1\t"
                 "auth_token: file "
                     + box.path("twilio.token") + "\n"));
  CHECK(contains(listed.out,
                 "by_env\ttwilio\t+15017122661\tnot in "
                 "send.providers\tauth_token: environment "
                 "$TWILIO_AUTH_TOKEN\n"));
  CHECK(contains(listed.out,
                 "by_inline\ttwilio\t+15017122661\tnot in "
                 "send.providers\tauth_token: inline in config\n"));
  const auto json = box.run({"-c", config, "--json", "providers"}, with_token);
  CHECK(json.exit_code == 0);
  const auto parsed = one_json(json);
  CHECK(parsed["providers"].size() == 3);
  check_absent("providers", listed.all() + json.all(), token_canaries());
  CHECK_FALSE(file_exists(box.path("home/.local/state/smsotp")));
}

TEST_CASE("a token passed on the command line is refused and not echoed")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const std::string canary = "CanaryTok3nFromArgv";
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"-c", config, "send", "--to", k_to, "--auth-token", canary},
           {"-c", config, "send", "--to", k_to, "--auth-token=" + canary},
           {"-c",
            config,
            "--json",
            "send",
            "--to",
            k_to,
            "--auth-token",
            canary}}) {
    const auto result = box.run(args);
    CHECK(result.exit_code == 64);
    CHECK(contains(result.err, "--auth-token"));
    CAPTURE(result.err);
    CHECK_FALSE(contains(result.all(), canary));
  }
  CHECK(box.outbox_count() == 0);
}

TEST_CASE("an unsafe or missing key file stops send and verify")
{
  const Sandbox box;
  const FakeTwilio fake(Reply::created);
  TwilioConfig settings;
  settings.base_url = fake.base_url();
  const std::string config = twilio_config(box, settings);
  REQUIRE(box.run({"-c", config, "send", "--to", k_to}).exit_code == 0);
  const std::string code = code_from_body(fake.requests().at(0));

  set_mode(box.key_file(), 0644);
  const auto open_send = box.run({"-c", config, "send", "--to", k_to});
  CHECK(open_send.exit_code == 77);
  CHECK(contains(open_send.err, "permissions 0644 are too open"));
  CHECK(verify(box, config, code).exit_code == 77);
  CHECK(fake.request_count() == 1);
  CHECK(attempts_in_db(box) == 0);

  set_mode(box.key_file(), 0600);
  const std::string key = read_file(box.key_file());
  std::filesystem::remove(box.key_file());
  // A live challenge without its key: an error, never a silent new key.
  const auto lost = verify(box, config, code);
  CHECK(lost.exit_code == 78);
  CHECK(contains(lost.err, "key file is missing"));
  CHECK_FALSE(file_exists(box.key_file()));
  box.write_file("state/smsotp.key", key, 0600);
  CHECK(verify(box, config, code).exit_code == 0);
}
