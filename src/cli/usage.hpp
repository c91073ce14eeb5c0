#pragma once

// Usage errors that say what to type (issue 10). CLI11 reports that a
// command line is wrong in its own words ("A subcommand is required",
// "--to: 1 required TEXT missing"); these name the command, the option and
// the value it wants. Option names are shown, as they are never secret;
// values never are, since one may be a secret typed where it does not
// belong. The one word shown is an unknown command, so that a typo can be
// corrected.

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace smsotp::cli {

// "smsotp", "smsotp providers check": how a command is typed.
std::string command_path(const CLI::App& command);

// The message for a command line that `root` failed to parse with
// `error` (CLI::CallForHelp and CallForVersion are not errors).
std::string usage_message(const CLI::App& root, const CLI::ParseError& error);

// The command `names` lead to from `root` ({} is root itself), for
// `smsotp help NAMES`. Throws Error(usage) for a name that is no command.
const CLI::App& find_command(const CLI::App& root,
                             const std::vector<std::string>& names);

// The --help text of `command`, exactly as `COMMAND --help` prints it.
std::string help_text(const CLI::App& command);

} // namespace smsotp::cli
