// Tests for src/cli/app.cpp: cli::main with real argument vectors.

#include "cli/app.hpp"
#include "cli_fixture.hpp"
#include "testutil.hpp"
#include "util/interrupt.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <csignal>

using smsotp::test::CaptureFd;
using smsotp::test::CliFixture;
using smsotp::test::RunResult;

namespace {

// cli::main sets the umask and signal handlers of the process; put them
// back afterwards.
class SavedProcessState
{
public:
  SavedProcessState() : m_umask(::umask(022))
  {
    ::umask(m_umask);
    for (std::size_t i = 0; i < k_signals.size(); ++i) {
      ::sigaction(k_signals[i], nullptr, &m_saved[i]);
    }
  }
  SavedProcessState(const SavedProcessState&) = delete;
  SavedProcessState& operator=(const SavedProcessState&) = delete;
  ~SavedProcessState()
  {
    ::umask(m_umask);
    for (std::size_t i = 0; i < k_signals.size(); ++i) {
      ::sigaction(k_signals[i], &m_saved[i], nullptr);
    }
    smsotp::util::g_interrupt_signal = 0;
  }

private:
  static constexpr std::array<int, 3> k_signals{SIGINT, SIGTERM, SIGPIPE};
  mode_t m_umask;
  std::array<struct sigaction, 3> m_saved{};
};

RunResult run_main(std::vector<std::string> args,
                   const smsotp::util::Clock& clock)
{
  const SavedProcessState saved;
  args.insert(args.begin(), "smsotp");
  std::vector<char*> argv;
  for (auto& arg : args) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);
  RunResult result;
  CaptureFd out(STDOUT_FILENO);
  CaptureFd err(STDERR_FILENO);
  result.status =
      smsotp::cli::main(static_cast<int>(args.size()), argv.data(), clock);
  result.out = out.finish();
  result.err = err.finish();
  return result;
}

} // namespace

TEST_CASE("usage errors exit 64")
{
  const smsotp::test::FixedClock clock(smsotp::test::k_cli_t0);
  CHECK(run_main({}, clock).status == 64);
  CHECK(run_main({"frobnicate"}, clock).status == 64);
  CHECK(run_main({"send"}, clock).status == 64);
  CHECK(run_main({"send", "--to", "+15033234567", "--auth-token", "x"}, clock)
            .status
        == 64);
  CHECK(run_main({"verify", "--to", "+1", "1", "2"}, clock).status == 64);
}

TEST_CASE("a usage error under --json is one JSON object")
{
  const smsotp::test::FixedClock clock(smsotp::test::k_cli_t0);
  const auto result = run_main({"--json", "send", "--bogus"}, clock);
  CHECK(result.status == 64);
  const auto json = nlohmann::json::parse(result.out);
  CHECK(json.at("error").at("class") == "usage");
  CHECK(json.at("error").at("exit_code") == 64);
}

TEST_CASE("--version prints the version")
{
  const smsotp::test::FixedClock clock(smsotp::test::k_cli_t0);
  const auto result = run_main({"--version"}, clock);
  CHECK(result.status == 0);
  CHECK_CONTAINS(result.out, SMSOTP_VERSION);
}

TEST_CASE("send then verify through main")
{
  CliFixture cli;
  const auto& config = cli.config_path();
  const auto sent = run_main(
      {"--config", config, "send", "--to", "+15033234567"}, cli.clock());
  REQUIRE(sent.status == 0);
  CHECK(smsotp::test::file_mode(cli.file("state.db")) == 0600);
  const auto code = cli.last_code();
  CHECK(run_main({"-c", config, "verify", "--to", "+15033234567", code},
                 cli.clock())
            .status
        == 0);
  CHECK(run_main({"-c", config, "verify", "--to", "+15033234567", code},
                 cli.clock())
            .status
        == 1);
}

TEST_CASE("a missing config file exits 78")
{
  CliFixture cli;
  const auto result =
      run_main({"--config", cli.file("nope.toml"), "providers"}, cli.clock());
  CHECK(result.status == 78);
  CHECK_CONTAINS(result.err, "nope.toml");
}

TEST_CASE("each command line runs its own command")
{
  CliFixture cli;
  const auto& config = cli.config_path();
  const auto list = run_main({"-c", config, "providers"}, cli.clock());
  CHECK(list.status == 0);
  CHECK(list.out.starts_with("outbox\tfile\t"));
  const auto check =
      run_main({"-c", config, "providers", "check", "outbox"}, cli.clock());
  CHECK(check.status == 0);
  CHECK(check.out.starts_with("outbox\tok\t"));
  const auto test = run_main(
      {"-c", config, "providers", "test", "outbox", "--to", "+15033234567"},
      cli.clock());
  CHECK(test.status == 0);
  CHECK_CONTAINS(smsotp::test::read_file(cli.file("outbox.txt")),
                 "test message from smsotp via outbox");
  const auto purge = run_main({"-c", config, "purge"}, cli.clock());
  CHECK(purge.status == 0);
  CHECK(purge.out == "0 challenges, 0 recipient counters\n");
  // A subcommand that does not exist is not taken for a provider name.
  CHECK(run_main({"-c", config, "providers", "list"}, cli.clock()).status
        == 64);
}
