// Every exit status of DESIGN.md §2 that issue 2 can produce, one table row
// per cause. Each row runs in a fresh sandbox; rows that could reach the
// network run against a fake Twilio and state how many requests it must see.

#include "exit_scenarios.hpp"
#include "steps.hpp"

#include <csignal>
#include <regex>

using namespace e2e;
using namespace std::chrono_literals;

namespace {

enum class Out
{
  empty,
  challenge_id,
  failed,
  any,
};

struct Row
{
  const char* name;
  int expected;
  Out out;
  const char* stderr_has; // a regex searched in stderr
  std::size_t requests;   // what the fake must have seen, or k_no_fake
  std::function<Observed(const Sandbox&)> run;
};

const std::vector<Row>& rows()
{
  static const std::vector<Row> k_rows{
      {"sent through the file provider",
       0,
       Out::challenge_id,
       "",
       k_no_fake,
       [](const Sandbox& box) {
         return Observed{
             box.run({"-c", box.file_config(), "send", "--to", k_to})};
       }},
      {"sent through twilio",
       0,
       Out::challenge_id,
       "",
       1,
       [](const Sandbox& box) { return twilio_send(box, Reply::created); }},
      {"wrong code",
       1,
       Out::failed,
       "",
       k_no_fake,
       [](const Sandbox& box) {
         const std::string config = box.file_config();
         return Observed{
             verify(box, config, wrong_code(send_code(box, config)))};
       }},
      {"unknown flag",
       64,
       Out::empty,
       "--bogus",
       0,
       [](const Sandbox& box) {
         return twilio(box, Reply::created, {"send", "--to", k_to, "--bogus"});
       }},
      {"auth token on the command line",
       64,
       Out::empty,
       "--auth-token",
       0,
       [](const Sandbox& box) {
         return twilio(
             box, Reply::created, {"send", "--to", k_to, "--auth-token", "X"});
       }},
      {"number without country code",
       64,
       Out::empty,
       "number \"5551234567\": missing country code",
       0,
       [](const Sandbox& box) {
         return twilio(box, Reply::created, {"send", "--to", "5551234567"});
       }},
      {"number too short",
       64,
       Out::empty,
       "too short for region US \\(\\+1\\)",
       0,
       [](const Sandbox& box) {
         return twilio(box, Reply::created, {"send", "--to", "+12345"});
       }},
      {"malformed code",
       64,
       Out::empty,
       "code: expected 6 to 10 digits",
       0,
       [](const Sandbox& box) {
         return twilio(box, Reply::created, {"verify", "--to", k_to, "12345"});
       }},
      {"missing subcommand",
       64,
       Out::empty,
       "smsotp needs a command: send, verify",
       0,
       [](const Sandbox& box) { return twilio(box, Reply::created, {}); }},
      {"database path holds a text file",
       65,
       Out::empty,
       "is not an SQLite database",
       0,
       text_db},
      {"database of another program",
       65,
       Out::empty,
       "some other program",
       0,
       foreign_db},
      {"database schema newer than this build",
       65,
       Out::empty,
       "has schema 99, newer than this smsotp",
       0,
       newer_schema},
      {"destination country not allowed",
       69,
       Out::empty,
       "policy: destination \\+44\\*+56 \\(GB\\) is not in "
       "policy.allowed_countries \\[US\\]",
       0,
       [](const Sandbox& box) {
         return twilio(box,
                       Reply::created,
                       {"send", "--to", "+447400123456"},
                       extra("[policy]\nallowed_countries = [\"US\"]\n"));
       }},
      {"no destination allow-list",
       78,
       Out::empty,
       "policy.allowed_countries is not set",
       0,
       [](const Sandbox& box) {
         return twilio(box,
                       Reply::created,
                       {"send", "--to", k_to},
                       extra("[policy]\nrequire_mobile = false\n"));
       }},
      {"twilio 400 rejects the number",
       69,
       Out::empty,
       "rejected \\(HTTP 400, twilio error 21211\\); not sent",
       1,
       [](const Sandbox& box) { return twilio_send(box, Reply::bad_request); }},
      {"TLS certificate not trusted",
       69,
       Out::empty,
       "TLS verification failed",
       0,
       untrusted_tls},
      // 70 (internal error) is not reachable from outside: it needs a failing
      // RNG or an impossible state, which the unit tests cover.
      {"database path is a directory",
       73,
       Out::empty,
       "cannot write state database",
       0,
       [](const Sandbox& box) {
         std::filesystem::create_directories(box.path("dir.db"));
         return twilio(box,
                       Reply::created,
                       {"--db", box.path("dir.db"), "send", "--to", k_to});
       }},
      {"database parent is a regular file",
       73,
       Out::empty,
       "Not a directory",
       0,
       [](const Sandbox& box) {
         box.write_file("plain", "x", 0600);
         return twilio(
             box,
             Reply::created,
             {"--db", box.path("plain/state.db"), "send", "--to", k_to});
       }},
      {"database parent is a regular file with key_file elsewhere",
       73,
       Out::empty,
       "Not a directory",
       0,
       [](const Sandbox& box) {
         box.write_file("plain", "x", 0600);
         return twilio(
             box,
             Reply::created,
             {"--db", box.path("plain/state.db"), "send", "--to", k_to},
             [&box](TwilioConfig& config) {
               config.store_extra =
                   "key_file = \"" + box.path("k/key") + "\"\n";
             });
       }},
      {"twilio 429, retried twice (retries = 2 by default)",
       75,
       Out::empty,
       "rate-limited by the provider \\(HTTP 429\\); not sent \\(retry-after: "
       "30s\\)",
       k_default_attempts,
       [](const Sandbox& box) {
         return twilio_send(box, Reply::rate_limited);
       }},
      {"twilio 429 with retries = 0",
       75,
       Out::empty,
       "rate-limited by the provider \\(HTTP 429\\); not sent",
       1,
       [](const Sandbox& box) {
         return twilio_send(box, Reply::rate_limited, [](TwilioConfig& config) {
           config.retries = "0";
         });
       }},
      {"twilio 429 with a Retry-After beyond the 10 s cap",
       75,
       Out::empty,
       "rate-limited by the provider \\(HTTP 429\\); not sent \\(retry-after: "
       "30s\\)",
       1,
       [](const Sandbox& box) {
         return twilio_send(box, Reply::rate_limited_long);
       }},
      {"connection refused",
       75,
       Out::empty,
       "cannot reach the provider .*; not sent \\(retry-after: 30s\\)",
       k_no_fake,
       refused},
      {"recipient locked",
       75,
       Out::empty,
       "is locked after too many failed verifications.*retry-after: "
       "3[56][0-9]{2}s",
       k_no_fake,
       locked},
      {"twilio 500",
       76,
       Out::challenge_id,
       "HTTP 500 from the provider; delivery status unknown; the code stays "
       "valid",
       1,
       [](const Sandbox& box) {
         return twilio_send(box, Reply::server_error);
       }},
      {"twilio 200 with an HTML page",
       76,
       Out::challenge_id,
       "without a message sid; delivery status unknown",
       1,
       [](const Sandbox& box) { return twilio_send(box, Reply::html_ok); }},
      {"twilio 200 without a sid",
       76,
       Out::challenge_id,
       "delivery status unknown",
       1,
       [](const Sandbox& box) { return twilio_send(box, Reply::no_sid); }},
      {"timeout after connect",
       76,
       Out::challenge_id,
       "no usable answer .*; delivery status unknown",
       1,
       [](const Sandbox& box) {
         return twilio_send(
             box,
             Reply::created,
             [](TwilioConfig& config) { config.timeout = "1s"; },
             3s);
       }},
      {"twilio 401",
       77,
       Out::empty,
       "credentials rejected \\(HTTP 401\\)",
       1,
       [](const Sandbox& box) {
         return twilio_send(box, Reply::unauthorized);
       }},
      {"auth_token_file mode 0644",
       77,
       Out::empty,
       "permissions 0644 are too open",
       0,
       [](const Sandbox& box) {
         return twilio_send(box, Reply::created, [](TwilioConfig& config) {
           config.token_mode = 0644;
         });
       }},
      {"group-writable config",
       77,
       Out::empty,
       "permissions 0664 let group or others change it",
       0,
       [](const Sandbox& box) {
         return twilio_send(box, Reply::created, [](TwilioConfig& config) {
           config.config_mode = 0664;
         });
       }},
      {"inline token in a config others can read",
       77,
       Out::empty,
       "holds secrets inline: provider.twilio.auth_token",
       0,
       [](const Sandbox& box) {
         return twilio_send(box, Reply::created, [](TwilioConfig& config) {
           config.source = TokenSource::inline_value;
           config.config_mode = 0644;
         });
       }},
      {"config syntax error",
       78,
       Out::empty,
       "twilio\\.toml:15:7: Error while parsing key-value pair",
       0,
       [](const Sandbox& box) {
         return twilio_send(box, Reply::created, extra("[otp]\nttl = \n"));
       }},
      {"unknown config key",
       78,
       Out::empty,
       "twilio\\.toml:15:1: unknown key 'otp\\.lockout_afer' \\(did you mean "
       "'lockout_after'\\?\\)",
       0,
       [](const Sandbox& box) {
         return twilio_send(
             box, Reply::created, extra("[otp]\nlockout_afer = 5\n"));
       }},
      {"ttl out of range",
       78,
       Out::empty,
       "twilio\\.toml:15:7: otp\\.ttl: 11m is out of range; allowed 30s to "
       "10m",
       0,
       [](const Sandbox& box) {
         return twilio_send(
             box, Reply::created, extra("[otp]\nttl = \"11m\"\n"));
       }},
      {"plain http to a remote host",
       78,
       Out::empty,
       "https is required",
       0,
       [](const Sandbox& box) {
         return twilio_send(box, Reply::created, [](TwilioConfig& config) {
           config.base_url = "http://api.twilio.example";
         });
       }},
      {"missing explicit config",
       78,
       Out::empty,
       "missing\\.toml: No such file or directory",
       k_no_fake,
       [](const Sandbox& box) {
         return Observed{box.run(
             {"--config", box.path("missing.toml"), "send", "--to", k_to})};
       }},
      {"no provider configured",
       78,
       Out::empty,
       "no provider configured",
       k_no_fake,
       [](const Sandbox& box) {
         const auto config = box.write_file("empty.toml",
                                            "[store]\ndatabase = \"" + box.db()
                                                + "\"\n" + k_allow_all);
         return Observed{box.run({"-c", config, "send", "--to", k_to})};
       }},
      {"SIGINT during a slow provider",
       130,
       Out::any,
       "",
       1,
       [](const Sandbox& box) { return interrupted(box, SIGINT); }},
      {"SIGTERM during a slow provider",
       143,
       Out::any,
       "",
       1,
       [](const Sandbox& box) { return interrupted(box, SIGTERM); }},
  };
  return k_rows;
}

} // namespace

TEST_CASE("every exit status has a reproducible cause")
{
  for (const auto& row : rows()) {
    const std::string name = row.name;
    CAPTURE(name);
    const Sandbox box;
    const auto observed = row.run(box);
    const auto& result = observed.result;
    CAPTURE(result.out);
    CAPTURE(result.err);
    CHECK(result.exit_code == row.expected);
    switch (row.out) {
      case Out::empty:
        CHECK(result.out.empty());
        break;
      case Out::challenge_id:
        CHECK(result.out.size() == 28);
        CHECK(is_challenge_id(result.out.substr(0, 27)));
        break;
      case Out::failed:
        CHECK(result.out == "verification failed\n");
        break;
      case Out::any:
        break;
    }
    if (row.stderr_has[0] != '\0') {
      CHECK(std::regex_search(result.err, std::regex(row.stderr_has)));
    }
    if (row.expected != 0 && row.expected != 1 && row.expected < 128) {
      CHECK(contains(result.err, "smsotp: error: "));
    }
    if (row.requests != k_no_fake) {
      CHECK(observed.requests == row.requests);
    }
    // Nothing outside the sandbox's own paths: no default state database.
    CHECK_FALSE(file_exists(box.path("home/.local/state/smsotp")));
  }
}
