#pragma once

// Where the code a person typed comes from: the CODE argument, one line of
// stdin for "-", or a prompt without echo when stdin is a terminal.

#include <optional>
#include <string>

namespace smsotp::cli {

// Returns the raw text (not yet normalised). Throws Error(usage) when no
// code can be had, or the stdin line is too long.
std::string read_code(const std::optional<std::string>& argument);

} // namespace smsotp::cli
