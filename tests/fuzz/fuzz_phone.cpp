// Phone normaliser. Input: the number, or "REGION\nnumber" for national
// input. A result must be E.164 and a fixed point (normalize(normalize(x))
// == normalize(x), as phone.hpp promises); the helpers must accept it.

#include "fuzz_support.hpp"
#include "phone/phone.hpp"

#include <algorithm>
#include <cctype>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size)
{
  using namespace smsotp;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string number(text);
  std::string region;
  // A region of up to 3 bytes, then a new line (npos is never <= 3).
  if (const auto newline = text.find('\n'); newline <= 3) {
    region = std::string(text.substr(0, newline));
    number = std::string(text.substr(newline + 1));
  }
  fuzz::expect_only_errors("phone", [&] {
    const auto e164 = phone::normalize(number, region);
    const bool well_formed =
        e164.size() >= 3 && e164.size() <= 16 && e164[0] == '+'
        && std::all_of(e164.begin() + 1, e164.end(), [](char c) {
             return std::isdigit(static_cast<unsigned char>(c)) != 0;
           });
    if (!well_formed) {
      fuzz::fuzz_fail("phone",
                      "normalize returned a non-E.164 value: \"" + e164 + "\"");
    }
    if (phone::normalize(e164) != e164) {
      fuzz::fuzz_fail("phone", "normalize is not idempotent");
    }
    static_cast<void>(phone::region_of(e164));
    static_cast<void>(phone::number_type_name(phone::number_type(e164)));
    if (phone::mask(e164).size() != e164.size()) {
      fuzz::fuzz_fail("phone", "mask changed the length");
    }
  });
  return 0;
}
