// Tests for src/core/exit_code.cpp: the exit table of DESIGN.md §2.

#include "core/exit_code.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

#include <set>

using smsotp::core::ExitCode;

namespace {

struct Row
{
  ExitCode code;
  int number;
  const char* name;
};

// DESIGN.md §2, one row per exit status (SIGTERM's 143 is the signal's own).
const std::vector<Row>& design_table()
{
  static const std::vector<Row> k_rows{
      {ExitCode::success, 0, "success"},
      {ExitCode::verify_failed, 1, "verification_failed"},
      {ExitCode::usage, 64, "usage"},
      {ExitCode::database, 65, "database"},
      {ExitCode::refused, 69, "refused"},
      {ExitCode::internal, 70, "internal"},
      {ExitCode::cant_create, 73, "cant_create"},
      {ExitCode::io, 74, "io"},
      {ExitCode::temporary, 75, "temporary"},
      {ExitCode::unknown_outcome, 76, "unknown_outcome"},
      {ExitCode::permission, 77, "permission"},
      {ExitCode::config, 78, "config"},
      {ExitCode::interrupted, 130, "interrupted"},
  };
  return k_rows;
}

} // namespace

TEST_CASE("exit code numbers equal the DESIGN table")
{
  for (const auto& row : design_table()) {
    CAPTURE(row.name);
    CHECK(static_cast<int>(row.code) == row.number);
  }
}

TEST_CASE("exit class names round-trip")
{
  std::set<std::string> seen;
  for (const auto& row : design_table()) {
    const std::string name(smsotp::core::exit_class_name(row.code));
    CAPTURE(row.number);
    CHECK(name == row.name);
    CHECK(smsotp::core::exit_code_from_class(name) == row.code);
    CHECK(seen.insert(name).second);
  }
}

TEST_CASE("an unknown class name has no exit code")
{
  CHECK_FALSE(smsotp::core::exit_code_from_class("no_such_class"));
  CHECK_FALSE(smsotp::core::exit_code_from_class(""));
  CHECK_FALSE(smsotp::core::exit_code_from_class("Config"));
}

TEST_CASE("Error carries its class and retry-after")
{
  const smsotp::Error plain(ExitCode::config, "bad");
  CHECK(plain.code() == ExitCode::config);
  CHECK(std::string(plain.what()) == "bad");
  CHECK_FALSE(plain.retry_after());
  const smsotp::Error later(ExitCode::temporary, "busy", 12);
  CHECK(later.retry_after() == 12);
}
