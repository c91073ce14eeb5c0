#pragma once

// Phone numbers, parsed and validated with libphonenumber (the only place
// that includes it, DESIGN §3). Everything after the command line works on
// the E.164 form that normalize() returns.
//
// normalize(), region_of(), known_region() and number_type() run in the
// phone module (parse.cpp), which the executable loads on first use
// (core/module.hpp, loader.cpp); the rest needs no libphonenumber.

#include <string>
#include <string_view>

namespace smsotp::phone {

// Longer input is refused before any parsing (research/security.md A7).
constexpr std::size_t k_max_input = 64;

// Returns the E.164 form of `input`, e.g. "+16502530000". Accepts E.164 and
// international input with spaces, dashes, dots, slashes and parentheses
// ("+1 (650) 253-0000"); national input ("07400 123456") only when
// `default_region` (an ISO 3166 region such as "GB", from
// policy.default_region) is not empty. Letters (vanity numbers,
// extensions), control bytes and non-ASCII bytes are refused, as are numbers
// that are too short, too long or not valid for their region. Throws
// Error(usage) saying why, or Error(config) if `default_region` is not a
// region libphonenumber knows. normalize(normalize(x)) == normalize(x).
std::string normalize(std::string_view input,
                      const std::string& default_region = "");

// True if `input` is written the way normalize() writes numbers: '+' and
// 2 to 15 digits, no leading 0. Says nothing about validity: it lets a
// caller try the number as it is against numbers normalize() produced
// earlier (verify against the store) before paying for libphonenumber.
bool is_canonical_form(std::string_view input);

// The ISO region of a normalised number: "US", "GB", ...; "001" for
// non-geographic numbers (+800, +882, ...); "" if it has none.
std::string region_of(const std::string& e164);

// True if libphonenumber knows `region` ("GB", or "001" for non-geographic
// numbers).
bool known_region(const std::string& region);

enum class NumberType
{
  fixed_line,
  mobile,
  fixed_line_or_mobile, // NANP (+1) numbers never tell the two apart
  toll_free,
  premium_rate,
  shared_cost,
  voip,
  personal_number,
  pager,
  uan,
  voicemail,
  unknown,
};

// The type of a normalised number, from libphonenumber's metadata.
NumberType number_type(const std::string& e164);

// "fixed_line", "mobile", "fixed_line_or_mobile", ... (for JSON and messages).
std::string_view number_type_name(NumberType type);

// Display form that hides the middle digits: "+4477******23".
std::string mask(const std::string& e164);

} // namespace smsotp::phone
