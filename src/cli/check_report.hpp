#pragma once

// What `providers check` found, one entry per provider, and the reports a
// CI system reads from it: the JSON entry, a JUnit XML document (one test
// case per provider) and GitHub Actions `::error::` annotations. The text
// in here comes from provider details and local fault messages, which
// never hold a secret (DESIGN §4); the reports escape it for their format.

#include "cli/output.hpp"
#include "core/exit_code.hpp"
#include "core/types.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smsotp::cli {

struct CheckEntry
{
  std::string name;
  std::string kind;
  core::CheckResult::Status status = core::CheckResult::Status::ok;
  std::string detail;
  std::optional<core::Balance> balance;
  std::optional<double> balance_value;     // the amount as a number
  std::optional<std::int64_t> latency_ms;  // none: no request was made
  std::optional<std::int64_t> retry_after; // seconds
  int exit_code = 0; // what this provider alone would exit with

  [[nodiscard]] bool ok() const
  {
    return status == core::CheckResult::Status::ok;
  }
};

// The amount of a balance as a number: a decimal (optional '-', digits,
// optionally '.' and digits) or a JSON number as the provider wrote it.
// nullopt for anything else, so that an odd amount is never compared.
std::optional<double> parse_amount(std::string_view text);

// The `providers` array element: every key present whatever the outcome
// (balance, currency, latency_ms and retry_after may be null).
nlohmann::json entry_json(const CheckEntry& entry);

// A JUnit XML document: <testsuites> with one <testsuite> and a
// <testcase> per entry; a failed entry has <failure type="STATUS"
// message="DETAIL">. Well-formed XML 1.0 for any input text.
std::string junit_report(const std::vector<CheckEntry>& entries,
                         std::int64_t total_ms);

// `::error title=...::NAME (KIND): STATUS: DETAIL` per failed entry,
// escaped as GitHub's workflow commands require.
std::vector<std::string>
github_annotations(const std::vector<CheckEntry>& entries);

// Text made safe for XML 1.0 character data and attribute values: the five
// markup characters as entities, characters XML cannot carry (controls
// other than tab/LF/CR, invalid UTF-8) as U+FFFD.
std::string xml_escape(std::string_view text);

// Ends a `providers check` or `providers test` run whose result object is
// complete whatever the outcome: with `code` other than success it gains
// {"error": {"class", "exit_code", "message", "retry_after"?}} under
// --json (one object on stdout), or "smsotp: error: MESSAGE" on stderr
// without. Returns `code` as the exit status.
int finish(const Output& out,
           nlohmann::json result,
           core::ExitCode code,
           const std::string& message,
           std::optional<std::int64_t> retry_after = std::nullopt);

} // namespace smsotp::cli
