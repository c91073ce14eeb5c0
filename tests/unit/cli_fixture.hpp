#pragma once

// Runs the command functions of src/cli in-process against a private config
// in a temporary directory (file provider writing to outbox.txt, database
// state.db next to it) with a fixed clock, capturing stdout and stderr.

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/error.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

#include <functional>
#include <string>

namespace smsotp::test {

constexpr std::int64_t k_cli_t0 = 1'700'000'000;

// The number the cli tests send to and verify (a valid US number).
inline const std::string k_cli_to = "+15033234567";

struct RunResult
{
  int status = 0;
  std::string out;
  std::string err;
};

// The destination policy of the fixture's config: every country.
inline const std::string k_allow_all =
    "[policy]\nallowed_countries = [\"*\"]\n";

class CliFixture
{
public:
  explicit CliFixture(const std::string& providers =
                          "[provider.outbox]\nkind = \"file\"\n"
                          "path = \"outbox.txt\"\n")
      : m_clock(k_cli_t0)
  {
    write_config("[store]\ndatabase = \"state.db\"\n" + k_allow_all
                 + providers);
    global.config_path = config_path();
  }

  void write_config(const std::string& text, mode_t mode = 0600)
  {
    write_file(config_path(), text, mode);
  }

  std::string config_path() const
  {
    return m_dir.file("config.toml");
  }
  std::string file(const std::string& name) const
  {
    return m_dir.file(name);
  }
  FixedClock& clock()
  {
    return m_clock;
  }

  // Runs one command; an smsotp::Error becomes its exit status and its
  // message on stderr, as cli::main would report it.
  RunResult run(const std::function<int(const cli::Output&)>& command)
  {
    RunResult result;
    CaptureFd out(STDOUT_FILENO);
    CaptureFd err(STDERR_FILENO);
    const cli::Output output(global);
    try {
      result.status = command(output);
    } catch (const smsotp::Error& failure) {
      output.error(failure);
      result.status = static_cast<int>(failure.code());
    }
    result.out = out.finish();
    result.err = err.finish();
    return result;
  }

  RunResult send(const cli::SendOptions& options)
  {
    return run([&](const cli::Output& out) {
      return cli::run_send(global, options, out, m_clock);
    });
  }
  RunResult send_to(const std::string& to)
  {
    cli::SendOptions options;
    options.to = to;
    return send(options);
  }
  RunResult verify(const cli::VerifyOptions& options)
  {
    return run([&](const cli::Output& out) {
      return cli::run_verify(global, options, out, m_clock);
    });
  }
  RunResult verify_code(const std::string& to, const std::string& code)
  {
    cli::VerifyOptions options;
    options.to = to;
    options.code = code;
    return verify(options);
  }
  RunResult purge(const cli::PurgeOptions& options)
  {
    return run([&](const cli::Output& out) {
      return cli::run_purge(global, options, out, m_clock);
    });
  }
  RunResult providers()
  {
    return run([&](const cli::Output& out) {
      return cli::run_providers(global, {}, out, m_clock);
    });
  }

  // The code in the last line of the outbox: the digits after "code is ".
  std::string last_code() const
  {
    const auto text = read_file(file("outbox.txt"));
    const auto at = text.rfind("code is ");
    REQUIRE(at != std::string::npos);
    std::string code;
    for (auto i = at + 8; i < text.size() && text[i] >= '0' && text[i] <= '9';
         ++i) {
      code += text[i];
    }
    return code;
  }

  cli::GlobalOptions global;

private:
  CleanEnvironment m_clean;
  TempDir m_dir;
  FixedClock m_clock;
};

} // namespace smsotp::test
