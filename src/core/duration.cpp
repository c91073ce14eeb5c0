#include "core/duration.hpp"

#include <array>
#include <limits>
#include <utility>

namespace smsotp::core {

namespace {

constexpr std::array<std::pair<char, std::int64_t>, 4> k_units{{
    {'d', 86400},
    {'h', 3600},
    {'m', 60},
    {'s', 1},
}};

std::optional<std::int64_t> unit_seconds(char unit)
{
  for (const auto& [name, seconds] : k_units) {
    if (name == unit) {
      return seconds;
    }
  }
  return std::nullopt;
}

} // namespace

std::optional<std::int64_t> parse_duration(std::string_view text)
{
  if (text.empty()) {
    return std::nullopt;
  }
  constexpr std::int64_t k_max = std::numeric_limits<std::int32_t>::max();
  std::int64_t total = 0;
  std::int64_t number = 0;
  bool have_digits = false;
  bool saw_unit = false;
  for (const char c : text) {
    if (c >= '0' && c <= '9') {
      number = number * 10 + (c - '0');
      if (number > k_max) {
        return std::nullopt;
      }
      have_digits = true;
      continue;
    }
    const auto seconds = unit_seconds(c);
    if (!seconds || !have_digits) {
      return std::nullopt;
    }
    total += number * *seconds;
    if (total > k_max) {
      return std::nullopt;
    }
    number = 0;
    have_digits = false;
    saw_unit = true;
  }
  if (have_digits && saw_unit) {
    return std::nullopt; // "1m30": the last number has no unit
  }
  // A bare number counts as seconds ("300" == "300s").
  total += number;
  return total > k_max ? std::nullopt : std::optional<std::int64_t>(total);
}

std::string format_duration(std::int64_t seconds)
{
  if (seconds <= 0) {
    return "0s";
  }
  std::string out;
  for (const auto& [name, size] : k_units) {
    if (seconds >= size) {
      out += std::to_string(seconds / size);
      out += name;
      seconds %= size;
    }
  }
  return out;
}

} // namespace smsotp::core
