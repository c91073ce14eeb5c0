// The lean executable (issue 9 items 1 and 2): libphonenumber, libpq and
// libcurl are loaded from modules only by the commands and inputs that need
// them, a verify of a number in E.164 form loads none, and a missing or
// broken module is exit 70 naming the file and the package to install.

#include "fake_twilio.hpp"
#include "steps.hpp"

#include <filesystem>

using namespace e2e;

namespace {

namespace fs = std::filesystem;

// Libraries that only modules may bring in (by file name prefix).
const std::vector<std::string> k_module_libraries{
    "libphonenumber",
    "libicu",
    "libprotobuf",
    "libabsl",
    "libpq.",
};

std::vector<std::string> module_libraries_in(const std::string& text)
{
  std::vector<std::string> found;
  for (const auto& name : k_module_libraries) {
    if (contains(text, name)) {
      found.push_back(name);
    }
  }
  return found;
}

std::string build_module_dir()
{
  return fs::path(SMSOTP_E2E_BINARY).parent_path().string() + "/"
         + SMSOTP_E2E_MODULE_DIR;
}

// A copy of the executable in the sandbox (bin/smsotp) whose module
// directory holds only the named modules, each copied from the build or,
// if a content is given, that content.
class Install
{
public:
  explicit Install(const Sandbox& box) : m_box(box)
  {
    fs::create_directories(box.path("bin"));
    fs::copy_file(SMSOTP_E2E_BINARY, binary());
    m_module_dir = box.path("bin") + "/" + SMSOTP_E2E_MODULE_DIR;
    fs::create_directories(m_module_dir);
  }

  std::string binary() const
  {
    return m_box.path("bin/smsotp");
  }

  std::string module_path(const std::string& name) const
  {
    return fs::weakly_canonical(m_module_dir + "/" + name + ".so").string();
  }

  void add_module(const std::string& name, const std::string& from) const
  {
    fs::copy_file(build_module_dir() + "/" + from + ".so",
                  module_path(name),
                  fs::copy_options::overwrite_existing);
  }

  Result run(const std::vector<std::string>& args,
             const std::vector<std::string>& extra_env = {}) const
  {
    std::vector<std::string> argv{binary()};
    argv.insert(argv.end(), args.begin(), args.end());
    auto env = m_box.environment();
    env.insert(env.end(), extra_env.begin(), extra_env.end());
    return spawn(argv, env, m_box.dir(), std::nullopt).finish();
  }

private:
  const Sandbox& m_box;
  std::string m_module_dir;
};

} // namespace

TEST_CASE("the executable links none of the libraries its modules load")
{
  const auto ldd = spawn({"/usr/bin/ldd", SMSOTP_E2E_BINARY},
                         {"PATH=/usr/bin:/bin"},
                         "/",
                         std::nullopt)
                       .finish();
  INFO(ldd.out);
  REQUIRE(ldd.exit_code == 0);
  REQUIRE(contains(ldd.out, "libc.so"));
  CHECK(module_libraries_in(ldd.out).empty());
}

TEST_CASE("a verify of an E.164 number loads no module; other forms do")
{
  const Sandbox box;
  const std::string config = box.file_config("[otp]\nmax_attempts = 3\n\n");
  const std::string code = send_code(box, config);
  RunOptions traced;
  traced.env = {"LD_DEBUG=files"};

  const auto wrong = verify(box, config, wrong_code(code), {}, k_to, traced);
  CHECK(wrong.exit_code == 1);
  CHECK(module_libraries_in(wrong.err).empty());
  CHECK(!contains(wrong.err, "phone.so"));
  CHECK(!contains(wrong.err, "http.so"));

  // The same number with separators needs libphonenumber to normalise it.
  const auto formatted =
      verify(box, config, wrong_code(code), {}, "+1 503-323-4567", traced);
  CHECK(formatted.exit_code == 1);
  CHECK(contains(formatted.err, "phone.so"));
  CHECK(contains(formatted.err, "libphonenumber"));

  // Both attempts counted on the same challenge: the third is the last of
  // three, so the right code now fails.
  const auto json =
      one_json(verify(box, config, wrong_code(code), {"--json"}, k_to, traced));
  CHECK(json["attempts"] == 3);
  CHECK(verify(box, config, code).exit_code == 1);
}

TEST_CASE("canonical and formatted forms of a number verify alike")
{
  // Each: what send is given, how verify is given it. The last pair is a
  // number libphonenumber rewrites (a trunk 0 after the country code): it
  // looks canonical but is not what send stored.
  const std::vector<std::pair<std::string, std::string>> cases{
      {"+15033234567", "+15033234567"},
      {"+15033234567", "+1 (503) 323-4567"},
      {"+1 503 323 4567", "+15033234567"},
      {"+447400123456", "+447400123456"},
      {"+447400123456", "+44 7400 123456"},
      {"+4915123456789", "+49 151 23456789"},
      {"+447400123456", "+4407400123456"},
      {"+44 (0) 7400 123456", "+4407400123456"},
  };
  for (const auto& item : cases) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& sent_as = std::get<0>(item);
    const auto& verified_as = std::get<1>(item);
    CAPTURE(sent_as);
    CAPTURE(verified_as);
    const Sandbox box;
    const std::string config = box.file_config();
    const auto sent = box.run({"-c", config, "send", "--to", sent_as});
    REQUIRE(sent.exit_code == 0);
    std::string stored;
    for (const char* to : {"+15033234567", "+447400123456", "+4915123456789"}) {
      if (!box.last_code(to).empty()) {
        stored = to;
      }
    }
    REQUIRE(!stored.empty());
    const std::string code = box.last_code(stored);

    const auto wrong = one_json(
        verify(box, config, wrong_code(code), {"--json"}, verified_as));
    CHECK(wrong["reason"] == "mismatch");
    CHECK(wrong["attempts"] == 1);
    CHECK(verify(box, config, code, {}, verified_as).exit_code == 0);
    CHECK(verify(box, config, code, {}, verified_as).exit_code == 1);
  }
}

TEST_CASE("an unknown or invalid number in E.164 form fails as before")
{
  const Sandbox box;
  const std::string config = box.file_config();
  send_code(box, config);
  // Valid but never sent to: not found, exit 1, counted for that number.
  const auto unknown =
      one_json(verify(box, config, "123456", {"--json"}, "+15033234568"));
  CHECK(unknown["reason"] == "not_found");
  // Invalid: libphonenumber's usage error, whether or not a store exists.
  for (const bool with_store : {true, false}) {
    CAPTURE(with_store);
    const Sandbox other;
    const std::string other_config = other.file_config();
    if (with_store) {
      send_code(other, other_config);
    }
    const auto invalid = verify(other, other_config, "123456", {}, "+1503");
    CHECK(invalid.exit_code == 64);
    CHECK(contains(invalid.err, "too short"));
  }
}

TEST_CASE("verify of a known E.164 number works without the phone module")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const std::string code = send_code(box, config);
  const Install install(box);

  const auto formatted =
      install.run({"-c", config, "verify", "--to", "+1 503 323 4567", code});
  CHECK(formatted.exit_code == 70);
  CHECK(contains(formatted.err, install.module_path("phone")));
  CHECK(contains(formatted.err, "libphonenumber8"));
  CHECK(contains(formatted.err, "install"));

  const auto canonical =
      install.run({"-c", config, "verify", "--to", k_to, code});
  INFO(canonical.err);
  CHECK(canonical.exit_code == 0);
  CHECK(canonical.out == "verified\n");
}

TEST_CASE("a missing, broken or foreign module is exit 70 naming the file")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const Install install(box);
  const std::vector<std::string> send{"-c", config, "send", "--to", k_to};

  const auto missing = install.run(send);
  CHECK(missing.exit_code == 70);
  CHECK(contains(missing.err, install.module_path("phone")));
  CHECK(contains(missing.err, "No such file"));
  CHECK(contains(missing.err, "Debian package libphonenumber8"));

  box.write_file("bin/" SMSOTP_E2E_MODULE_DIR "/phone.so", "not an ELF file\n");
  const auto broken = install.run(send);
  CHECK(broken.exit_code == 70);
  CHECK(contains(broken.err, install.module_path("phone")));
  CHECK(contains(broken.err, "libphonenumber8"));

  // Another module in its place: loads, but its table is not the phone
  // module's.
  install.add_module("phone", "postgresql");
  const auto foreign = install.run(send);
  CHECK(foreign.exit_code == 70);
  CHECK(contains(foreign.err, "built for another smsotp"));

  // Nothing was sent or stored by any of them.
  CHECK(box.outbox_count() == 0);
  CHECK(!file_exists(box.db()));

  install.add_module("phone", "phone");
  CHECK(install.run(send).exit_code == 0);
}

TEST_CASE("a PostgreSQL location without the module is exit 70 naming libpq5")
{
  const Sandbox box;
  const Install install(box);
  install.add_module("phone", "phone");
  const std::string location =
      "postgresql://127.0.0.1:" + std::to_string(closed_port()) + "/smsotp";
  const auto result =
      install.run({"-c", box.file_config(), "send", "--to", k_to},
                  {"SMSOTP_STORE_DATABASE=" + location});
  CHECK(result.exit_code == 70);
  CHECK(contains(result.err, install.module_path("postgresql")));
  CHECK(contains(result.err, "Debian package libpq5"));
  CHECK(box.outbox_count() == 0);
}

TEST_CASE("send through the file provider never loads the http module")
{
  const Sandbox box;
  const std::string config = box.file_config();
  RunOptions traced;
  traced.env = {"LD_DEBUG=files"};
  const auto sent = box.run({"-c", config, "send", "--to", k_to}, traced);
  CHECK(sent.exit_code == 0);
  CHECK(contains(sent.err, "phone.so"));
  CHECK(!contains(sent.err, "http.so"));
  CHECK(!contains(sent.err, "libcurl"));
}

TEST_CASE("an HTTP provider without the http module is exit 70 naming libcurl4")
{
  const Sandbox box;
  const Install install(box);
  install.add_module("phone", "phone");
  TwilioConfig settings;
  settings.base_url = "http://127.0.0.1:" + std::to_string(closed_port());
  const std::string config = twilio_config(box, settings);
  const auto result = install.run({"-c", config, "send", "--to", k_to});
  CHECK(result.exit_code == 70);
  CHECK(contains(result.err, install.module_path("http")));
  CHECK(contains(result.err, "libcurl4"));
  // Refused before a code was made: no challenge in the store.
  CHECK((!file_exists(box.db())
         || sql_value(box.db(), "SELECT count(*) FROM challenge") == "0"));

  install.add_module("http", "http");
  const auto with_module = install.run({"-c", config, "send", "--to", k_to});
  CHECK(with_module.exit_code == 75); // nothing listens: not sent
}
