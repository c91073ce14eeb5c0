#pragma once

// What an SMS costs: GSM 03.38 7-bit when every character is in its basic or
// extension table, else UCS-2 (UTF-16), and the exact number of segments.
//
// GSM-7: the basic table costs 1 septet a character; the extension table
// (form feed ^ { } \ [ ~ ] | and the euro sign) costs 2 (an escape, then the
// character). One segment holds 160 septets; a concatenated message holds
// 153 per part (the rest is the user data header), and an escape pair is
// never split across parts.
//
// UCS-2: 70 UTF-16 code units in one segment, 67 per part; characters
// outside the BMP (emoji) take 2 units, and a surrogate pair is never split
// across parts.

#include <cstddef>
#include <string_view>

namespace smsotp::message {

enum class Encoding
{
  gsm7,
  ucs2,
};

struct SegmentInfo
{
  Encoding encoding = Encoding::gsm7;
  std::size_t units = 0;    // septets (GSM-7) or UTF-16 code units (UCS-2)
  std::size_t segments = 1; // an empty message still costs one
  std::size_t per_segment_limit = 160; // 160/70 if one segment, else 153/67
};

// Measures UTF-8 text. Throws Error(config) "not valid UTF-8 at byte N" for
// malformed input (overlong forms, surrogates, truncated sequences, values
// above U+10FFFF); callers prefix where the text came from.
SegmentInfo measure(std::string_view utf8);

// "gsm7" / "ucs2", for JSON.
std::string_view encoding_id(Encoding encoding);
// "GSM-7" / "UCS-2", for people.
std::string_view encoding_name(Encoding encoding);
// "septets" / "UTF-16 units".
std::string_view unit_name(Encoding encoding);

} // namespace smsotp::message
