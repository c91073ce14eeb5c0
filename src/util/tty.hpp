#pragma once

// Terminal helpers.

#include <cstddef>
#include <optional>
#include <string>

namespace smsotp::util {

bool is_terminal(int fd);

// Reads one line from `fd`, at most `max_bytes` before the newline. Returns
// nullopt if the line is longer (the rest of the line is not consumed beyond
// what was read). The newline itself is not included; a CR before it is kept
// for the caller to normalise.
std::optional<std::string> read_line(int fd, std::size_t max_bytes);

// Prints `prompt` to the terminal and reads one line with echo turned off.
// Echo is restored even if the read fails.
std::optional<std::string> read_secret_from_terminal(const std::string& prompt,
                                                     std::size_t max_bytes);

} // namespace smsotp::util
