// Tests for src/cli/output.cpp.

#include "cli/output.hpp"
#include "core/error.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <memory>

using smsotp::cli::GlobalOptions;
using smsotp::cli::Output;
using smsotp::core::ExitCode;
using smsotp::test::CaptureFd;

namespace {

struct Captured
{
  std::string out;
  std::string err;
};

template<typename F> Captured capture(const GlobalOptions& options, F&& write)
{
  CaptureFd out(STDOUT_FILENO);
  CaptureFd err(STDERR_FILENO);
  {
    const Output output(options);
    write(output);
  }
  return {out.finish(), err.finish()};
}

} // namespace

TEST_CASE("text mode: data on stdout and talk on stderr")
{
  const auto captured = capture(GlobalOptions{}, [](const Output& out) {
    out.data("ch_1");
    out.info("sent");
    out.detail("hidden");
    out.warn("careful");
    out.result({{"ignored", true}});
  });
  CHECK(captured.out == "ch_1\n");
  CHECK(captured.err == "smsotp: sent\nsmsotp: warning: careful\n");
}

TEST_CASE("quiet keeps warnings and errors and verbose adds details")
{
  GlobalOptions quiet;
  quiet.quiet = true;
  const auto q = capture(quiet, [](const Output& out) {
    out.info("note");
    out.warn("careful");
    out.error(smsotp::Error(ExitCode::config, "broken"));
  });
  CHECK_NOT_CONTAINS(q.err, "note");
  CHECK_CONTAINS(q.err, "warning: careful");
  CHECK_CONTAINS(q.err, "error: broken");

  GlobalOptions verbose;
  verbose.verbose = 1;
  const auto both = [](const Output& out) {
    out.detail("why");
    out.settings("otp.ttl = 5m (default)");
  };
  CHECK(capture(verbose, both).err == "smsotp: why\n");
  verbose.verbose = 2; // -vv
  CHECK(capture(verbose, both).err
        == "smsotp: why\nsmsotp: otp.ttl = 5m (default)\n");
}

TEST_CASE("json mode: exactly one object on stdout")
{
  GlobalOptions options;
  options.json = true;
  const auto captured = capture(options, [](const Output& out) {
    out.data("not json");
    out.info("talk");
    out.result({{"challenge_id", "ch_1"}, {"text", "bad \xff byte"}});
  });
  REQUIRE(captured.out.ends_with("\n"));
  CHECK(captured.out.find('\n') == captured.out.size() - 1);
  const auto json = nlohmann::json::parse(captured.out);
  CHECK(json.at("challenge_id") == "ch_1");
  CHECK_CONTAINS(captured.err, "talk");
}

TEST_CASE("json errors carry class message exit code and retry-after")
{
  GlobalOptions options;
  options.json = true;
  const auto captured = capture(options, [](const Output& out) {
    out.error(smsotp::Error(ExitCode::temporary, "rate limited", 30)
                  .with_fields(std::make_shared<const nlohmann::json>(
                      nlohmann::json{{"challenge_id", "ch_9"}})));
  });
  const auto json = nlohmann::json::parse(captured.out);
  const auto& error = json.at("error");
  CHECK(error.at("class") == "temporary");
  CHECK(error.at("message") == "rate limited");
  CHECK(error.at("exit_code") == 75);
  CHECK(error.at("retry_after") == 30);
  CHECK(error.size() == 4);
  // The command's fields sit beside "error", where a success puts them.
  CHECK(json.at("challenge_id") == "ch_9");
  CHECK(json.size() == 2);
  CHECK_CONTAINS(captured.err, "error: rate limited (retry-after: 30s)");
}

TEST_CASE("no colour when stderr is not a terminal")
{
  const auto captured = capture(GlobalOptions{}, [](const Output& out) {
    out.warn("w");
    out.error(smsotp::Error(ExitCode::config, "e"));
  });
  CHECK_NOT_CONTAINS(captured.err, "\x1b");
}
