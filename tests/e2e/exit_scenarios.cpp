#include "exit_scenarios.hpp"

#include "steps.hpp"

#include <csignal>

namespace e2e {

using namespace std::chrono_literals;

Observed twilio(const Sandbox& box,
                Reply reply,
                const std::vector<std::string>& args,
                const Tweak& tweak,
                std::chrono::milliseconds delay)
{
  const FakeTwilio fake(reply, delay);
  TwilioConfig config;
  config.base_url = fake.base_url();
  if (tweak) {
    tweak(config);
  }
  std::vector<std::string> argv{"-c", twilio_config(box, config)};
  argv.insert(argv.end(), args.begin(), args.end());
  auto result = box.run(argv);
  return {result, fake.request_count()};
}

Observed twilio_send(const Sandbox& box,
                     Reply reply,
                     const Tweak& tweak,
                     std::chrono::milliseconds delay)
{
  return twilio(box, reply, {"send", "--to", k_to}, tweak, delay);
}

Tweak extra(const std::string& text)
{
  return [text](TwilioConfig& config) { config.extra = text; };
}

Observed untrusted_tls(const Sandbox& box)
{
  const auto cert = make_test_cert(box);
  const FakeTwilio fake(Reply::created, {}, &cert);
  TwilioConfig config;
  config.base_url = fake.base_url(); // no ca_file: the system CAs
  const auto path = twilio_config(box, config);
  return {box.run({"-c", path, "send", "--to", k_to}), fake.request_count()};
}

Observed refused(const Sandbox& box)
{
  TwilioConfig config;
  config.base_url = "http://127.0.0.1:" + std::to_string(closed_port());
  return {box.run({"-c", twilio_config(box, config), "send", "--to", k_to})};
}

namespace {

// A database file that must be left byte-identical by smsotp.
Observed untouched_db(const Sandbox& box, const std::string& db)
{
  const std::string before = read_file(db);
  auto observed =
      twilio(box, Reply::created, {"--db", db, "send", "--to", k_to});
  CHECK(read_file(db) == before);
  CHECK_FALSE(file_exists(db + "-wal"));
  return observed;
}

} // namespace

Observed newer_schema(const Sandbox& box)
{
  const std::string db = box.path("newer.db");
  sql_exec(db,
           "CREATE TABLE challenge (id TEXT); PRAGMA application_id = "
           "1936552815; PRAGMA user_version = 99;");
  return untouched_db(box, db);
}

Observed foreign_db(const Sandbox& box)
{
  const std::string db = box.path("foreign.db");
  sql_exec(db,
           "CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT);"
           "INSERT INTO photos (name) VALUES ('cat.jpg');");
  return untouched_db(box, db);
}

Observed text_db(const Sandbox& box)
{
  std::string text;
  for (int i = 0; i < 40; ++i) {
    text += "this is a plain text file, not a database\n";
  }
  return untouched_db(box, box.write_file("notes.txt", text, 0600));
}

Observed locked(const Sandbox& box)
{
  const std::string config = box.file_config("[otp]\nlockout_after = 1\n");
  const std::string code = send_code(box, config);
  REQUIRE(verify(box, config, wrong_code(code)).exit_code == 1);
  return {verify(box, config, code)};
}

Observed interrupted(const Sandbox& box, int signal_number)
{
  const FakeTwilio fake(Reply::created, 20s);
  TwilioConfig config;
  config.base_url = fake.base_url();
  config.timeout = "60s";
  auto child =
      box.start({"-c", twilio_config(box, config), "send", "--to", k_to});
  REQUIRE(fake.wait_for_requests(1, 10s));
  ::kill(child.pid(), signal_number);
  auto result = child.finish();
  CHECK(result.term_signal == signal_number);
  // The request reached the provider: the code may arrive and stays valid.
  const auto sent = fake.requests();
  REQUIRE(sent.size() == 1);
  CHECK(verify(box, box.path("twilio.toml"), code_from_body(sent[0])).exit_code
        == 0);
  return {result, fake.request_count()};
}

} // namespace e2e
