#pragma once

// Generic string helpers. util/ depends on nothing else in smsotp.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace smsotp::util {

// Returns `text` with control bytes and non-ASCII bytes written as \n, \t,
// \xNN, so that untrusted input can be shown in an error message without
// injecting terminal escapes or new lines. At most `max_bytes` input bytes are
// shown; longer input ends in "...".
std::string escape_for_display(std::string_view text,
                               std::size_t max_bytes = 64);

// Trims ASCII space and tab from both ends.
std::string_view trim(std::string_view text);

// Splits on `separator`; empty fields are kept.
std::vector<std::string> split(std::string_view text, char separator);

std::string join(const std::vector<std::string>& parts,
                 std::string_view separator);

// Levenshtein distance, used for "did you mean" hints.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, or "" if none is close enough to be a
// plausible typo.
std::string closest_match(std::string_view word,
                          const std::vector<std::string>& candidates);

// Lower-case hex of raw bytes.
std::string to_hex(const std::uint8_t* data, std::size_t size);

// ASCII letters in lower or upper case; every other byte as it is (no
// locale: protocol words, header names, keys).
std::string to_lower(std::string_view text);
std::string to_upper(std::string_view text);

// True if every byte of `text` is an ASCII digit (and text is not empty).
bool is_ascii_digits(std::string_view text);

// Parses a non-negative decimal integer made only of ASCII digits; returns
// false on any other byte or on overflow. No sign, no spaces, no locale.
bool parse_uint(std::string_view text, std::uint64_t& out);

} // namespace smsotp::util
