#pragma once

// Durations as people write them in a config file or on a flag: "30s",
// "5m", "1h30m", "2d", or a bare number of seconds.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace smsotp::core {

// Returns seconds, or nullopt if `text` is not a duration. Units: s, m, h, d.
std::optional<std::int64_t> parse_duration(std::string_view text);

// The shortest exact form: 300 -> "5m", 90 -> "1m30s", 0 -> "0s".
std::string format_duration(std::int64_t seconds);

} // namespace smsotp::core
