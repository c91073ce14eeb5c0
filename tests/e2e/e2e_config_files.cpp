// The config file as hostile input and as a secret: nesting that would
// crash a recursive parser, and the permission rules (DESIGN §4) checked by
// every command that loads it.

#include "steps.hpp"

#include <filesystem>
#include <unistd.h>

using namespace e2e;

namespace {

std::string joined(const std::string& part, int count, char separator)
{
  std::string text;
  for (int i = 0; i < count; ++i) {
    text += (i > 0 ? std::string(1, separator) : std::string()) + part;
  }
  return text;
}

std::string repeated(const std::string& part, int count)
{
  std::string text;
  for (int i = 0; i < count; ++i) {
    text += part;
  }
  return text;
}

} // namespace

TEST_CASE("50000 levels of nesting in the config exit 78 with file:line")
{
  const Sandbox box;
  constexpr int k_levels = 50000;
  const std::vector<std::pair<std::string, std::string>> shapes{
      {"header.toml", "[" + joined("k", k_levels, '.') + "]\n"},
      {"dotted.toml", joined("a", k_levels, '.') + " = 1\n"},
      {"arrays.toml",
       "a = " + repeated("[", k_levels) + repeated("]", k_levels) + "\n"},
      {"inline.toml",
       "a = " + repeated("{b = ", k_levels) + "1" + repeated("}", k_levels)
           + "\n"},
  };
  for (const auto& item : shapes) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& name = std::get<0>(item);
    const auto& body = std::get<1>(item);
    CAPTURE(name);
    // Under the 1 MiB size cap, and after a comment line that holds
    // brackets and dots of its own.
    const std::string path =
        box.write_file(name, "# [[ a.b.c {{\n" + body, 0600);
    for (const auto& command : std::vector<std::vector<std::string>>{
             {"providers"},
             {"send", "--to", k_to},
             {"verify", "--to", k_to, "123456"}}) {
      std::vector<std::string> args{"-c", path};
      args.insert(args.end(), command.begin(), command.end());
      const auto result = box.run(args);
      CHECK(result.term_signal == 0);
      CHECK(result.exit_code == 78);
      CHECK(contains(result.err, path + ":2:"));
      CHECK(contains(result.err, "nested deeper than 16 levels"));
    }
  }
  CHECK(box.outbox_count() == 0);
}

TEST_CASE("every command refuses a readable config with an inline secret")
{
  const Sandbox box;
  const std::string token = "InlineCanaryToken0123456789abcd";
  const std::string text =
      "[store]\ndatabase = \"" + box.db()
      + "\"\n[send]\nproviders = [\"out\"]\n" + standard_tail("")
      + "[provider.out]\nkind = \"file\"\npath = \"" + box.outbox()
      + "\"\n[provider.sms]\nkind = \"twilio\"\n"
        "account_sid = \"AC0123456789abcdef0123456789abcdef\"\n"
        "from = \"+15017122661\"\nauth_token = \""
      + token + "\"\n";
  // A private copy works (and creates the database the others would use).
  const std::string private_config = box.write_file("private.toml", text, 0600);
  const std::string code = send_code(box, private_config);
  const std::string config = box.write_file("config.toml", text, 0644);
  const std::vector<std::vector<std::string>> commands{
      {"send", "--to", k_to},
      {"send", "--to", k_to, "--provider", "out"},
      {"verify", "--to", k_to, code},
      {"purge"},
      {"providers"},
      {"providers", "check"},
      {"providers", "check", "out"},
      {"providers", "test", "out", "--to", k_to},
  };
  for (const auto& command : commands) {
    for (const bool json : {false, true}) {
      std::vector<std::string> args{"-c", config};
      if (json) {
        args.emplace_back("--json");
      }
      args.insert(args.end(), command.begin(), command.end());
      CAPTURE(args);
      const auto result = box.run(args);
      CHECK(result.exit_code == 77);
      CHECK(contains(result.err, config));
      CHECK(contains(result.err, "provider.sms.auth_token (" + config + ":"));
      CHECK(contains(result.err, "chmod 600"));
      CHECK_FALSE(contains(result.all(), token));
      CHECK_FALSE(contains(result.all(), "inline in config"));
      if (json) {
        CHECK(one_json(result)["error"]["class"] == "permission");
      }
    }
  }
  CHECK(box.outbox_count() == 1);
  // Nothing was counted or consumed: the code still verifies.
  CHECK(verify(box, private_config, code).exit_code == 0);
}

TEST_CASE("a readable config whose store.database holds a password: 77 "
          "before any connection")
{
  // Port 9 of loopback: nothing listens, but nothing is even tried.
  const Sandbox box;
  const std::string password = "DbCanaryPassword42";
  for (const std::string& database :
       {"postgresql://smsotp:" + password + "@127.0.0.1:9/smsotp",
        "host=127.0.0.1 port=9 dbname=smsotp password=" + password}) {
    CAPTURE(database);
    const std::string config = box.write_file(
        "config.toml",
        "[store]\ndatabase = \"" + database + "\"\n" + standard_tail(""),
        0644);
    for (const std::vector<std::string>& command :
         {std::vector<std::string>{"verify", "--to", k_to, "123456"},
          std::vector<std::string>{"purge"},
          std::vector<std::string>{"-v", "providers"}}) {
      std::vector<std::string> args{"-c", config};
      args.insert(args.end(), command.begin(), command.end());
      const auto result = box.run(args);
      CHECK(result.exit_code == 77);
      CHECK(contains(result.err, "store.database"));
      CHECK(contains(result.err, "chmod 600 " + config));
      CHECK(contains(result.err, ".pgpass"));
      CHECK_FALSE(contains(result.all(), password));
    }
  }
}

TEST_CASE("a config others could replace or change is refused with 77")
{
  const Sandbox box;
  const std::string text = read_file(box.file_config());
  std::filesystem::create_directories(box.path("open"));
  const std::string in_open = box.write_file("open/config.toml", text, 0600);
  set_mode(box.path("open"), 0777);
  const std::string group_writable =
      box.write_file("group-writable.toml", text, 0620);
  struct Case
  {
    std::string config;
    std::string names;
    std::string fix;
  };
  std::vector<Case> cases{
      {in_open, "directory " + box.path("open"), "chmod go-w"},
      {group_writable, group_writable, "chmod go-w"},
  };
  if (::geteuid() == 0) {
    const std::string theirs = box.write_file("theirs.toml", text, 0600);
    REQUIRE(::chown(theirs.c_str(), 65534, 65534) == 0);
    cases.push_back({theirs, "owned by uid 65534", "chown it"});
    std::filesystem::create_directories(box.path("their-dir"));
    const std::string in_theirs =
        box.write_file("their-dir/config.toml", text, 0600);
    REQUIRE(::chown(box.path("their-dir").c_str(), 65534, 65534) == 0);
    cases.push_back({in_theirs,
                     "directory " + box.path("their-dir") + ": owned by uid",
                     "move the config"});
  } else {
    MESSAGE("the cases of another user's files need root (chown)");
  }
  for (const auto& [config, names, fix] : cases) {
    for (const auto& command : std::vector<std::vector<std::string>>{
             {"send", "--to", k_to},
             {"verify", "--to", k_to, "123456"},
             {"providers"},
             {"purge"}}) {
      std::vector<std::string> args{"-c", config};
      args.insert(args.end(), command.begin(), command.end());
      CAPTURE(args);
      const auto result = box.run(args);
      CHECK(result.exit_code == 77);
      CHECK(contains(result.err, config));
      CHECK(contains(result.err, names));
      CHECK(contains(result.err, fix));
    }
  }
  CHECK(box.outbox_count() == 0);
  CHECK_FALSE(file_exists(box.db()));
}

TEST_CASE("a config of our own in a sticky shared directory is used")
{
  // Like /tmp (1777): others may create files there but cannot rename or
  // remove ours, so our own file there is safe.
  const Sandbox box;
  std::filesystem::create_directories(box.path("shared"));
  set_mode(box.path("shared"), 01777);
  const std::string config =
      box.write_file("shared/config.toml", read_file(box.file_config()), 0600);
  const std::string code = send_code(box, config);
  CHECK(verify(box, config, code).exit_code == 0);
}
