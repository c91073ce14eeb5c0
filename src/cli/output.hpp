#pragma once

// The one place that writes to stdout and stderr. stdout carries data (a
// challenge id, "verified", or with --json exactly one JSON object); stderr
// carries talk, prefixed "smsotp: ". No secret is ever passed in here.

#include "cli/options.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace smsotp {
class Error;
}

namespace smsotp::cli {

class Output
{
public:
  explicit Output(const GlobalOptions& options);

  bool json() const;
  bool verbose() const;

  // A data line on stdout (text mode only; ignored under --json).
  void data(const std::string& line) const;
  // A note on stderr unless --quiet.
  void info(const std::string& line) const;
  // A note on stderr with --verbose (-v) only.
  void detail(const std::string& line) const;
  // A note on stderr with -vv only: the config and every setting's origin,
  // long enough to bury the explanation -v is for.
  void settings(const std::string& line) const;
  // A warning on stderr, even with --quiet.
  void warn(const std::string& line) const;
  // A line on stderr exactly as given, even with --quiet: a CI workflow
  // command (`::error ...`) must start its line.
  static void annotation(const std::string& line);
  // The JSON object on stdout (--json only).
  void result(const nlohmann::json& object) const;
  // Reports a failure: "smsotp: error: ..." on stderr, and under --json the
  // one object on stdout: {"error": {"class", "exit_code", "message",
  // "retry_after"?}} beside the failure's command fields (Error::fields,
  // e.g. a challenge id), all at the top level.
  void error(const Error& failure) const;

private:
  GlobalOptions m_options;
  bool m_color = false;
};

} // namespace smsotp::cli
