#include "phone/phone.hpp"

#include "core/error.hpp"
#include "util/string.hpp"

namespace smsotp::phone {

namespace {

[[noreturn]] void reject(std::string_view input, const std::string& why)
{
  throw Error(core::ExitCode::usage,
              "number \"" + util::escape_for_display(input, 32) + "\": " + why);
}

} // namespace

std::string normalize(std::string_view input)
{
  if (input.size() > k_max_input) {
    reject(input, "too long (" + std::to_string(input.size()) + " bytes)");
  }
  std::string digits;
  bool plus = false;
  for (std::size_t i = 0; i < input.size(); ++i) {
    const auto byte = static_cast<unsigned char>(input[i]);
    if (byte >= '0' && byte <= '9') {
      digits += static_cast<char>(byte);
    } else if (byte == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (byte == ' ' || byte == '-' || byte == '.' || byte == '('
               || byte == ')') {
      continue;
    } else if (byte >= 0x80) {
      reject(input,
             "non-ASCII byte at byte " + std::to_string(i)
                 + "; use ASCII digits");
    } else {
      reject(input,
             "unexpected character '"
                 + util::escape_for_display(input.substr(i, 1)) + "' at byte "
                 + std::to_string(i));
    }
  }
  if (!plus) {
    reject(input,
           "not in international format; write it as +<country code><number>, "
           "e.g. +15551234567");
  }
  if (digits.empty() || digits.front() == '0') {
    reject(input, "a country code cannot start with 0");
  }
  if (digits.size() < 7 || digits.size() > 15) {
    reject(input,
           "E.164 numbers have 7 to 15 digits, this has "
               + std::to_string(digits.size()));
  }
  return "+" + digits;
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
