#include "message/encoding.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

namespace smsotp::message {

namespace {

// GSM 03.38 basic table characters outside ASCII (3GPP TS 23.038 §6.2.1).
constexpr std::array<char32_t, 39> k_basic_non_ascii{
    U'£', U'¥', U'è', U'é', U'ù', U'ì', U'ò', U'Ç', U'Ø', U'ø',
    U'Å', U'å', U'Δ', U'Φ', U'Γ', U'Λ', U'Ω', U'Π', U'Ψ', U'Σ',
    U'Θ', U'Ξ', U'Æ', U'æ', U'ß', U'É', U'¤', U'¡', U'Ä', U'Ö',
    U'Ñ', U'Ü', U'§', U'¿', U'ä', U'ö', U'ñ', U'ü', U'à'};

// Septets for one character in GSM-7, or 0 if it has none.
std::size_t gsm_septets(char32_t c)
{
  if (c == U'\n' || c == U'\r') {
    return 1;
  }
  if (c == U'\f' || c == U'€') {
    return 2; // extension table
  }
  if (c < 0x80) {
    if (c < 0x20 || c == 0x7F || c == U'`') {
      return 0;
    }
    const std::u32string_view extension = U"^{}\\[~]|";
    return extension.find(c) == std::u32string_view::npos ? 1 : 2;
  }
  return std::find(k_basic_non_ascii.begin(), k_basic_non_ascii.end(), c)
                 == k_basic_non_ascii.end()
             ? 0
             : 1;
}

[[noreturn]] void invalid(std::size_t at)
{
  throw Error(core::ExitCode::config,
              "not valid UTF-8 at byte " + std::to_string(at));
}

// Strict UTF-8 decoding (RFC 3629): no overlong forms, no surrogates, nothing
// above U+10FFFF.
std::vector<char32_t> decode(std::string_view text)
{
  std::vector<char32_t> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    char32_t value = 0;
    char32_t minimum = 0;
    if (lead < 0x80) {
      out.push_back(lead);
      ++i;
      continue;
    }
    if ((lead & 0xE0U) == 0xC0U) {
      length = 2;
      value = lead & 0x1FU;
      minimum = 0x80;
    } else if ((lead & 0xF0U) == 0xE0U) {
      length = 3;
      value = lead & 0x0FU;
      minimum = 0x800;
    } else if ((lead & 0xF8U) == 0xF0U) {
      length = 4;
      value = lead & 0x07U;
      minimum = 0x10000;
    } else {
      invalid(i);
    }
    if (text.size() - i < length) {
      invalid(i);
    }
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0U) != 0x80U) {
        invalid(i);
      }
      value = (value << 6U) | (next & 0x3FU);
    }
    if (value < minimum || value > 0x10FFFF
        || (value >= 0xD800 && value <= 0xDFFF)) {
      invalid(i);
    }
    out.push_back(value);
    i += length;
  }
  return out;
}

// Packs items of the given costs into segments: one if the total fits
// `single`, else parts of `part` units where no item is split.
SegmentInfo pack(Encoding encoding,
                 const std::vector<std::size_t>& costs,
                 std::size_t single,
                 std::size_t part)
{
  SegmentInfo info;
  info.encoding = encoding;
  for (const auto cost : costs) {
    info.units += cost;
  }
  info.per_segment_limit = single;
  if (info.units <= single) {
    return info;
  }
  info.per_segment_limit = part;
  info.segments = 1;
  std::size_t used = 0;
  for (const auto cost : costs) {
    if (used + cost > part) {
      ++info.segments;
      used = 0;
    }
    used += cost;
  }
  return info;
}

} // namespace

SegmentInfo measure(std::string_view utf8)
{
  const auto characters = decode(utf8);
  std::vector<std::size_t> costs;
  costs.reserve(characters.size());
  bool gsm = true;
  for (const auto c : characters) {
    const auto septets = gsm_septets(c);
    if (septets == 0) {
      gsm = false;
      break;
    }
    costs.push_back(septets);
  }
  if (gsm) {
    return pack(Encoding::gsm7, costs, 160, 153);
  }
  costs.clear();
  for (const auto c : characters) {
    costs.push_back(c > 0xFFFF ? 2 : 1); // a surrogate pair above the BMP
  }
  return pack(Encoding::ucs2, costs, 70, 67);
}

std::string_view encoding_id(Encoding encoding)
{
  return encoding == Encoding::gsm7 ? "gsm7" : "ucs2";
}

std::string_view encoding_name(Encoding encoding)
{
  return encoding == Encoding::gsm7 ? "GSM-7" : "UCS-2";
}

std::string_view unit_name(Encoding encoding)
{
  return encoding == Encoding::gsm7 ? "septets" : "UTF-16 units";
}

} // namespace smsotp::message
