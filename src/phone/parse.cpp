#include "core/error.hpp"
#include "phone/phone.hpp"
#include "util/string.hpp"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

namespace smsotp::phone {

namespace {

namespace pn = i18n::phonenumbers;
using Util = pn::PhoneNumberUtil;

// The metadata is parsed on first use (about 4.5 ms), so only commands that
// handle a number pay for it.
const Util& util()
{
  return *Util::GetInstance();
}

[[noreturn]] void reject(std::string_view input, const std::string& why)
{
  throw Error(core::ExitCode::usage,
              "number \"" + util::escape_for_display(input, 32) + "\": " + why);
}

std::string at_byte(std::string_view input, std::size_t i)
{
  return "'" + util::escape_for_display(input.substr(i, 1)) + "' at byte "
         + std::to_string(i);
}

bool is_letter(unsigned char byte)
{
  return (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z');
}

bool is_separator(unsigned char byte)
{
  return byte == ' ' || byte == '-' || byte == '.' || byte == '/' || byte == '('
         || byte == ')';
}

// The byte-level checks (research/security.md A5-A8): returns the digits,
// with a leading '+' if the input had one, or rejects.
std::string clean(std::string_view input)
{
  if (input.size() > k_max_input) {
    reject(input,
           "too long (" + std::to_string(input.size()) + " bytes, max "
               + std::to_string(k_max_input) + ")");
  }
  std::string cleaned;
  for (std::size_t i = 0; i < input.size(); ++i) {
    const auto byte = static_cast<unsigned char>(input[i]);
    if (byte >= '0' && byte <= '9') {
      cleaned += static_cast<char>(byte);
    } else if (is_separator(byte)) {
      continue;
    } else if (byte == '+') {
      if (!cleaned.empty()) {
        reject(input,
               "unexpected " + at_byte(input, i)
                   + "; only one '+' is allowed, before the country code");
      }
      cleaned += '+';
    } else if (byte >= 0x80) {
      reject(input,
             "non-ASCII byte " + util::escape_for_display(input.substr(i, 1))
                 + " at byte " + std::to_string(i) + "; use ASCII digits");
    } else if (byte < 0x20 || byte == 0x7f) {
      reject(input, "control character " + at_byte(input, i));
    } else if (is_letter(byte)) {
      // libphonenumber would turn "1-800-FLOWERS" into digits, and
      // "ext. 12" into an extension: neither belongs in an SMS recipient.
      reject(input,
             "letters are not accepted (" + at_byte(input, i)
                 + "); write the number with digits only");
    } else {
      reject(input, "unexpected character " + at_byte(input, i));
    }
  }
  return cleaned;
}

std::string upper(const std::string& text)
{
  std::string out = text;
  for (auto& c : out) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return out;
}

// "region US (+1)", or "+882 (non-geographic)".
std::string describe_country(int country_code)
{
  std::string region;
  util().GetRegionCodeForCountryCode(country_code, &region);
  const std::string code = "+" + std::to_string(country_code);
  if (region == "001") {
    return code + " (non-geographic)";
  }
  return "region " + region + " (" + code + ")";
}

bool parse_e164(const std::string& e164, pn::PhoneNumber& number)
{
  return util().Parse(e164, "ZZ", &number) == Util::NO_PARSING_ERROR;
}

} // namespace

bool known_region(const std::string& region)
{
  if (region == "001") {
    return true;
  }
  return util().GetCountryCodeForRegion(region) != 0;
}

std::string normalize(std::string_view input, const std::string& default_region)
{
  const std::string cleaned = clean(input);
  const bool international = cleaned.starts_with('+');
  const std::size_t digits = cleaned.size() - (international ? 1 : 0);
  if (digits == 0) {
    reject(input, "no digits");
  }
  std::string region = "ZZ"; // unknown: the input must carry +CC
  if (!international) {
    if (default_region.empty()) {
      reject(input,
             std::string("missing country code; write +<country code><number>"
                         " (e.g. +12025550123)")
                 + (cleaned.starts_with("00") ? ", with + instead of 00" : "")
                 + ", or set policy.default_region to accept national "
                   "numbers");
    }
    region = upper(default_region);
    if (region == "001" || !known_region(region)) {
      throw Error(core::ExitCode::config,
                  "policy.default_region: \""
                      + util::escape_for_display(default_region)
                      + "\" is not a region libphonenumber knows; use an ISO "
                        "3166 code such as \"GB\"");
    }
  } else {
    if (cleaned[1] == '0') {
      reject(input, "a country code cannot start with 0");
    }
    if (digits > 15) {
      reject(input,
             "too long: E.164 numbers have at most 15 digits, this has "
                 + std::to_string(digits));
    }
  }

  pn::PhoneNumber number;
  switch (util().Parse(cleaned, region, &number)) {
    case Util::NO_PARSING_ERROR:
      break;
    case Util::INVALID_COUNTRY_CODE_ERROR:
      reject(input, "does not start with a known country code");
    case Util::TOO_SHORT_AFTER_IDD:
    case Util::TOO_SHORT_NSN:
      reject(input, "too short");
    case Util::TOO_LONG_NSN:
      reject(input, "too long");
    case Util::NOT_A_NUMBER:
    default:
      reject(input, "not a phone number");
  }
  const int country_code = number.country_code();
  const std::string national = std::to_string(number.national_number());
  const std::string national_digits = std::to_string(national.size())
                                      + " digits after +"
                                      + std::to_string(country_code);
  switch (util().IsPossibleNumberWithReason(number)) {
    case Util::IS_POSSIBLE:
      break;
    case Util::IS_POSSIBLE_LOCAL_ONLY:
      reject(input,
             "too short for " + describe_country(country_code)
                 + ": a local number needs its area code");
    case Util::INVALID_COUNTRY_CODE:
      reject(input, "does not start with a known country code");
    case Util::TOO_SHORT:
      reject(input,
             "too short for " + describe_country(country_code) + " ("
                 + national_digits + ")");
    case Util::TOO_LONG:
      reject(input,
             "too long for " + describe_country(country_code) + " ("
                 + national_digits + ")");
    case Util::INVALID_LENGTH:
    default:
      reject(input,
             "wrong length for " + describe_country(country_code) + " ("
                 + national_digits + ")");
  }
  if (!util().IsValidNumber(number)) {
    reject(input, "not a valid number for " + describe_country(country_code));
  }
  std::string e164;
  util().Format(number, Util::E164, &e164);
  // The same bound as for input written with +: a national or 00-prefixed
  // form can expand to a number libphonenumber accepts but E.164 does not
  // (found by the phone fuzz target).
  if (e164.size() - 1 > 15) {
    reject(input,
           "too long: E.164 numbers have at most 15 digits, this is " + e164);
  }
  return e164;
}

std::string region_of(const std::string& e164)
{
  pn::PhoneNumber number;
  if (!parse_e164(e164, number)) {
    return {};
  }
  std::string region;
  util().GetRegionCodeForNumber(number, &region);
  return region == "ZZ" ? std::string() : region;
}

NumberType number_type(const std::string& e164)
{
  pn::PhoneNumber number;
  if (!parse_e164(e164, number)) {
    return NumberType::unknown;
  }
  switch (util().GetNumberType(number)) {
    case Util::FIXED_LINE:
      return NumberType::fixed_line;
    case Util::MOBILE:
      return NumberType::mobile;
    case Util::FIXED_LINE_OR_MOBILE:
      return NumberType::fixed_line_or_mobile;
    case Util::TOLL_FREE:
      return NumberType::toll_free;
    case Util::PREMIUM_RATE:
      return NumberType::premium_rate;
    case Util::SHARED_COST:
      return NumberType::shared_cost;
    case Util::VOIP:
      return NumberType::voip;
    case Util::PERSONAL_NUMBER:
      return NumberType::personal_number;
    case Util::PAGER:
      return NumberType::pager;
    case Util::UAN:
      return NumberType::uan;
    case Util::VOICEMAIL:
      return NumberType::voicemail;
    case Util::UNKNOWN:
    default:
      return NumberType::unknown;
  }
}

} // namespace smsotp::phone
