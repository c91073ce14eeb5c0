#pragma once

// Phone numbers. Issue 2 accepts E.164 only (+ and 7 to 15 digits, first
// digit not 0); spaces, dashes, dots and parentheses between digits are
// removed first so that "+1 (650) 253-0000" works.

#include <string>
#include <string_view>

namespace smsotp::phone {

constexpr std::size_t k_max_input = 64;

// Returns the E.164 form. Throws Error(usage) that says what is wrong.
std::string normalize(std::string_view input);

// Display form that hides the middle digits: "+4477******23".
std::string mask(const std::string& e164);

} // namespace smsotp::phone
