#pragma once

// The one exit-status table of smsotp (DESIGN.md §2). The man page's EXIT
// STATUS section and tests/e2e repeat it; change all three together.

#include <optional>
#include <string_view>

namespace smsotp::core {

enum class ExitCode : int
{
  success = 0,          // sent / verified / listed / purged
  verify_failed = 1,    // wrong, expired, used or unknown code
  usage = 64,           // bad flag or argument, malformed number or code
  database = 65,        // state database damaged, foreign or too new
  refused = 69,         // policy, provider rejection, TLS trust failure
  internal = 70,        // a bug or an impossible state
  cant_create = 73,     // cannot create or write the database or key file
  io = 74,              // I/O error, disk full
  temporary = 75,       // definitely not sent / not checked: retry later
  unknown_outcome = 76, // the provider may have acted: do not resend yet
  permission = 77,      // credentials rejected or unsafe file permissions
  config = 78,          // configuration error
  interrupted = 130,    // SIGINT (SIGTERM gives 143)
};

// The machine-readable class name used in JSON errors, e.g. "config".
std::string_view exit_class_name(ExitCode code);

// Inverse of exit_class_name, for tests and tooling.
std::optional<ExitCode> exit_code_from_class(std::string_view name);

} // namespace smsotp::core
