// The parts of phone/ that need no libphonenumber, so that they stay in the
// executable (see core/module.hpp).

#include "phone/phone.hpp"

namespace smsotp::phone {

bool is_canonical_form(std::string_view input)
{
  // '+', a country code that cannot start with 0, at most 15 digits
  // (ITU-T E.164).
  if (input.size() < 3 || input.size() > 16 || input[0] != '+'
      || input[1] == '0') {
    return false;
  }
  return input.find_first_not_of("0123456789", 1) == std::string_view::npos;
}

std::string_view number_type_name(NumberType type)
{
  switch (type) {
    case NumberType::fixed_line:
      return "fixed_line";
    case NumberType::mobile:
      return "mobile";
    case NumberType::fixed_line_or_mobile:
      return "fixed_line_or_mobile";
    case NumberType::toll_free:
      return "toll_free";
    case NumberType::premium_rate:
      return "premium_rate";
    case NumberType::shared_cost:
      return "shared_cost";
    case NumberType::voip:
      return "voip";
    case NumberType::personal_number:
      return "personal_number";
    case NumberType::pager:
      return "pager";
    case NumberType::uan:
      return "uan";
    case NumberType::voicemail:
      return "voicemail";
    case NumberType::unknown:
      return "unknown";
  }
  return "unknown";
}

std::string mask(const std::string& e164)
{
  // Keep the country code area and the last two digits: enough for a person
  // to recognise their own number, not enough to reconstruct it.
  if (e164.size() < 6) {
    return std::string(e164.size(), '*');
  }
  const std::size_t keep_front = 3;
  const std::size_t keep_back = 2;
  return e164.substr(0, keep_front)
         + std::string(e164.size() - keep_front - keep_back, '*')
         + e164.substr(e164.size() - keep_back);
}

} // namespace smsotp::phone
