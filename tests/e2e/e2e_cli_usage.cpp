// The command line as a person meets it (issue 10 items 2 and 3):
// --version for a bug report, `help COMMAND`, usage errors that name the
// problem and say what to type (exit 64), and a first run without a config
// file that says where smsotp looked and how to start.

#include "steps.hpp"

#include <regex>

using namespace e2e;

namespace {

bool matches(const std::string& text, const std::string& pattern)
{
  return std::regex_search(text, std::regex(pattern));
}

// Runs smsotp with `args` and checks that it is a usage error: exit 64,
// nothing on stdout, one "smsotp: error: ..." line; returns that line.
std::string usage_error(const Sandbox& box,
                        const std::vector<std::string>& args)
{
  const auto result = box.run(args);
  INFO("stderr: " << result.err);
  CHECK(result.exit_code == 64);
  CHECK(result.out.empty());
  CHECK(result.err.starts_with("smsotp: error: "));
  CHECK(result.err.find('\n') == result.err.size() - 1);
  return result.err;
}

} // namespace

TEST_CASE("--version names the build and its libraries; -V is the same")
{
  const Sandbox box;
  // A broken config: --version reads none.
  const std::string broken = box.write_file("broken.toml", "[otp\n");
  RunOptions options;
  options.env = {"SMSOTP_CONFIG=" + broken, "LD_DEBUG=files"};
  const auto version = box.run({"--version"}, options);
  INFO("stdout: " << version.out);
  CHECK(version.exit_code == 0);
  CHECK(matches(version.out, "^smsotp [0-9]+\\.[0-9]+\\.[0-9]+\n"));
  CHECK(matches(version.out, "\ncommit: ([0-9a-f]{7,40}(-dirty)?|unknown)\n"));
  CHECK(matches(version.out, "\nbuild type: [A-Za-z]+\n"));
  CHECK(matches(version.out, "\nOpenSSL: 3\\.[0-9]+\\.[0-9]+ \\(in use\\)\n"));
  CHECK(matches(version.out, "\nSQLite: 3\\.[0-9]+\\.[0-9]+ \\(in use\\)\n"));
  CHECK(matches(version.out, "\nlibcurl: [0-9]+\\.[0-9]+\\.[0-9]+ \\(built "));
  CHECK(matches(version.out,
                "\nlibphonenumber metadata: [0-9]+\\.[0-9]+[0-9.]* \\(built "));
  CHECK(matches(version.out, "\nlibpq: [0-9]+\\.[0-9]+ \\(built "));
  CHECK(matches(version.out, "\nprovider kinds: [a-z, -]*twilio[a-z, -]*\n"));
  CHECK(contains(version.out, "\nstore backends: sqlite, postgresql\n"));
  // As fast as the executable's start: no module, so none of their
  // libraries, is loaded.
  CHECK(!contains(version.err, "phone.so"));
  CHECK(!contains(version.err, "http.so"));
  CHECK(!contains(version.err, "postgresql.so"));
  CHECK(!contains(version.err, "error"));

  const auto short_flag = box.run({"-V"});
  CHECK(short_flag.exit_code == 0);
  CHECK(short_flag.out == box.run({"--version"}).out);
  CHECK(short_flag.err.empty());
}

TEST_CASE("--json --version is one object with the same facts")
{
  const Sandbox box;
  for (const auto& args : {std::vector<std::string>{"--json", "--version"},
                           std::vector<std::string>{"-V", "--json"}}) {
    const auto result = box.run(args);
    CHECK(result.exit_code == 0);
    const auto json = one_json(result);
    CHECK(json["name"] == "smsotp");
    CHECK(matches(json["version"].get<std::string>(), "^[0-9]+\\.[0-9]+"));
    CHECK(!json["commit"].get<std::string>().empty());
    CHECK(!json["build_type"].get<std::string>().empty());
    for (const char* library :
         {"openssl", "sqlite", "libcurl", "libphonenumber", "libpq"}) {
      CAPTURE(library);
      CHECK(!json["libraries"][library]["version"].get<std::string>().empty());
    }
    CHECK(json["libraries"]["openssl"]["source"] == "runtime");
    CHECK(json["libraries"]["libcurl"]["source"] == "build");
    CHECK(json["provider_kinds"].size() >= 10);
    CHECK(json["store_backends"]
          == nlohmann::json::array({"sqlite", "postgresql"}));
  }
}

TEST_CASE("smsotp help [COMMAND] prints what --help prints")
{
  const Sandbox box;
  const std::vector<std::vector<std::string>> topics{{},
                                                     {"send"},
                                                     {"verify"},
                                                     {"purge"},
                                                     {"providers"},
                                                     {"providers", "check"},
                                                     {"providers", "test"}};
  for (const auto& topic : topics) {
    std::vector<std::string> help{"help"};
    help.insert(help.end(), topic.begin(), topic.end());
    std::vector<std::string> flag = topic;
    flag.emplace_back("--help");
    CAPTURE(flag.front());
    const auto by_command = box.run(help);
    const auto by_flag = box.run(flag);
    CHECK(by_command.exit_code == 0);
    CHECK(by_flag.exit_code == 0);
    CHECK(contains(by_command.out, "Usage: smsotp"));
    CHECK(by_command.out == by_flag.out);
  }
  CHECK(contains(usage_error(box, {"help", "sned"}),
                 "unknown command 'sned'; did you mean 'send'?"));
}

TEST_CASE("--json help is one object holding the same text")
{
  const Sandbox box;
  const auto text = box.run({"providers", "check", "--help"});
  const auto object = box.run({"--json", "help", "providers", "check"});
  CHECK(object.exit_code == 0);
  const auto parsed = nlohmann::json::parse(object.out);
  CHECK(parsed["command"] == "smsotp providers check");
  CHECK(parsed["help"] == text.out);
  const auto unknown = box.run({"--json", "help", "sned"});
  CHECK(unknown.exit_code == 64);
  CHECK(nlohmann::json::parse(unknown.out)["error"]["class"] == "usage");
}

TEST_CASE("--help names value types people understand, never TEXT")
{
  const Sandbox box;
  for (const auto& command :
       {std::vector<std::string>{"--help"},
        std::vector<std::string>{"send", "--help"},
        std::vector<std::string>{"verify", "--help"},
        std::vector<std::string>{"purge", "--help"},
        std::vector<std::string>{"providers", "check", "--help"},
        std::vector<std::string>{"providers", "test", "--help"}}) {
    const auto help = box.run(command);
    CAPTURE(help.out);
    CHECK(help.exit_code == 0);
    CHECK(!contains(help.out, "TEXT"));
  }
  const auto send = box.run({"send", "--help"}).out;
  CHECK(contains(send, "--to NUMBER"));
  CHECK(contains(send, "--ttl DURATION"));
  CHECK(contains(send, "--length DIGITS"));
  CHECK(contains(send, "--provider NAME"));
  CHECK(contains(box.run({"--help"}).out, "--config FILE"));
  CHECK(contains(box.run({"--help"}).out, "-V,--version"));
  CHECK(contains(box.run({"purge", "--help"}).out, "--older-than DURATION"));
}

TEST_CASE("usage errors name the problem and what to type (64)")
{
  const Sandbox box;
  const std::string config = box.file_config();
  CHECK(contains(usage_error(box, {"sned"}),
                 "unknown command 'sned'; did you mean 'send'?"));
  CHECK(contains(usage_error(box, {"-c", config, "providers", "chek"}),
                 "unknown command 'providers chek'; did you mean 'providers "
                 "check'?"));
  const auto unknown = usage_error(box, {"frobnicate"});
  CHECK(contains(unknown, "unknown command 'frobnicate'"));
  CHECK(contains(unknown, "send, verify, purge, providers"));
  // The shells' hidden helper is neither suggested nor listed.
  const auto near_hidden = usage_error(box, {"complete"});
  CHECK(contains(near_hidden, "unknown command 'complete'"));
  CHECK_FALSE(contains(near_hidden, "_complete"));
  CHECK(contains(usage_error(box, {"--bogus"}), "unknown option --bogus"));
  CHECK(contains(
      usage_error(box, {"-c", config, "send", "--to", k_to, "--bogus"}),
      "unknown option --bogus"));
  CHECK(contains(
      usage_error(box, {"-c", config, "send", "--to", k_to, "--purpse", "x"}),
      "unknown option --purpse; did you mean --purpose?"));
  CHECK(contains(usage_error(box, {"-c", config, "send", "--to"}),
                 "--to needs a number such as +12025550123"));
  CHECK(
      contains(usage_error(box, {"-c", config, "send", "--to", k_to, "--ttl"}),
               "--ttl needs a duration"));
  CHECK(contains(usage_error(box, {"-c", config, "send"}),
                 "smsotp send needs --to NUMBER"));
  CHECK(contains(usage_error(box, {}), "smsotp needs a command: send, verify"));
  CHECK(
      contains(usage_error(box, {"-c", config, "providers", "test", "outbox"}),
               "smsotp providers test needs --to NUMBER"));
}

TEST_CASE("a usage error shows an option's name but never a value")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const std::string secret = "s3cr3t-T0KEN-value";
  const auto token = usage_error(
      box, {"-c", config, "send", "--to", k_to, "--auth-token", secret});
  CHECK(contains(token, "unknown option --auth-token"));
  CHECK(contains(token, "never the command line"));
  CHECK(!contains(token, secret));
  const auto joined = usage_error(
      box, {"-c", config, "send", "--to", k_to, "--token=" + secret});
  CHECK(contains(joined, "unknown option --token"));
  CHECK(!contains(joined, secret));
  const auto stray = usage_error(
      box, {"-c", config, "verify", "--to", k_to, "123456", secret});
  CHECK(contains(stray, "unexpected argument for smsotp verify"));
  CHECK(!contains(stray, secret));
}

TEST_CASE("without a config file the first error says where smsotp looked")
{
  const Sandbox box;
  REQUIRE_FALSE(file_exists("/etc/smsotp/config.toml"));
  for (const auto& args : {std::vector<std::string>{"send", "--to", k_to},
                           std::vector<std::string>{"providers"},
                           std::vector<std::string>{"providers", "check"},
                           std::vector<std::string>{
                               "providers", "test", "outbox", "--to", k_to}}) {
    CAPTURE(args.front());
    const auto result = box.run(args);
    INFO("stderr: " << result.err);
    // `providers` and `providers check` agree: nothing to list or check is
    // a configuration error, not a success.
    CHECK(result.exit_code == 78);
    CHECK(result.out.empty());
    CHECK(contains(result.err, "no config file found"));
    CHECK(contains(result.err, box.path("home/.config/smsotp/config.toml")));
    CHECK(contains(result.err, "/etc/smsotp/config.toml"));
    CHECK(contains(result.err, "$SMSOTP_CONFIG"));
    // How to start: the example configuration, where this smsotp finds it.
    CHECK(matches(result.err,
                  "install -D -m 600 /[^ ]*/share/doc/smsotp/examples/"
                  "sample.toml "));
    CHECK(!contains(result.err, "allowed_countries is not set"));
  }
  // The example it names is the shipped sample.toml.
  std::smatch match;
  const auto sent = box.run({"send", "--to", k_to});
  REQUIRE(std::regex_search(
      sent.err, match, std::regex("install -D -m 600 ([^ ]+) ")));
  CHECK(read_file(match[1].str())
        == read_file(std::string(SMSOTP_E2E_SOURCE_DIR) + "/sample.toml"));
}
