// Tests for src/message/encoding.cpp: GSM-7 vs UCS-2 and segment counts,
// checked by hand against 3GPP TS 23.038 and the 153/67 concatenation limits.

#include "message/encoding.hpp"
#include "testutil.hpp"
#include "util/string.hpp"

#include <doctest/doctest.h>

#include <string>

using smsotp::core::ExitCode;
using smsotp::message::Encoding;
using smsotp::message::measure;
using smsotp::test::catch_error;

namespace {

std::string repeat(const std::string& piece, std::size_t times)
{
  std::string out;
  for (std::size_t i = 0; i < times; ++i) {
    out += piece;
  }
  return out;
}

} // namespace

TEST_CASE("GSM-7: 160 septets fit one segment, then 153 per part")
{
  const std::vector<std::pair<std::size_t, std::size_t>> table{
      {1, 1},
      {160, 1},
      {161, 2},
      {306, 2},
      {307, 3},
      {459, 3},
      {460, 4},
  };
  for (const auto& item : table) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& length = std::get<0>(item);
    const auto& segments = std::get<1>(item);
    CAPTURE(length);
    const auto info = measure(std::string(length, 'a'));
    CHECK(info.encoding == Encoding::gsm7);
    CHECK(info.units == length);
    CHECK(info.segments == segments);
    CHECK(info.per_segment_limit == (segments == 1 ? 160U : 153U));
  }
}

TEST_CASE("an empty message is one GSM-7 segment")
{
  const auto info = measure("");
  CHECK(info.encoding == Encoding::gsm7);
  CHECK(info.units == 0);
  CHECK(info.segments == 1);
}

TEST_CASE("GSM-7 extension characters cost two septets")
{
  for (const std::string c :
       {"{", "}", "[", "]", "~", "|", "^", "\\", "€", "\f"}) {
    CAPTURE(c);
    const auto info = measure(c);
    CHECK(info.encoding == Encoding::gsm7);
    CHECK(info.units == 2);
  }
  const auto eighty = measure(repeat("{", 80));
  CHECK(eighty.units == 160);
  CHECK(eighty.segments == 1);
  const auto more = measure(repeat("{", 81));
  CHECK(more.units == 162);
  CHECK(more.segments == 2);
  CHECK(measure(repeat("€", 40) + std::string(80, 'a')).segments == 1);
}

TEST_CASE("an escape pair is never split across GSM-7 parts")
{
  // 152 + 2 + 152 = 306 septets would fill two parts exactly, but the "{"
  // cannot start in the last septet of part one: 152 | 2 + 151 | 1.
  const auto info =
      measure(std::string(152, 'a') + "{" + std::string(152, 'a'));
  CHECK(info.encoding == Encoding::gsm7);
  CHECK(info.units == 306);
  CHECK(info.segments == 3);
  // With the pair on the boundary's safe side it fits in two.
  CHECK(measure(std::string(151, 'a') + "{" + std::string(153, 'a')).segments
        == 2);
}

TEST_CASE("accented letters of the GSM basic table stay GSM-7")
{
  const std::string text = "éèùìòÇØøÅåÄÖÑÜ§¿àäöñüÉÆæß¡£¥¤ΔΦΓΛΩΠΨΣΘΞ@$_\r\n";
  const auto info = measure(text);
  CHECK(info.encoding == Encoding::gsm7);
  CHECK(info.units == 44);
  CHECK(measure("Ihr Code für München: 123456").encoding == Encoding::gsm7);
}

TEST_CASE("ASCII characters outside GSM-7 force UCS-2")
{
  CHECK(measure("code `123456`").encoding == Encoding::ucs2);
  CHECK(measure("tab\there").encoding == Encoding::ucs2);
  CHECK(measure("plain ASCII 123456").encoding == Encoding::gsm7);
}

TEST_CASE("one character outside GSM-7 makes the whole message UCS-2")
{
  const auto gsm = measure(std::string(100, 'a'));
  CHECK(gsm.segments == 1);
  // 'ś', 'ó', 'ç' and 'ı' are not in the GSM basic table.
  for (const std::string c : {"ś", "ó", "ç", "ı", "Ж", "中"}) {
    CAPTURE(c);
    const auto info = measure(std::string(99, 'a') + c);
    CHECK(info.encoding == Encoding::ucs2);
    CHECK(info.units == 100);
    CHECK(info.segments == 2);
    CHECK(info.per_segment_limit == 67);
  }
}

TEST_CASE("UCS-2: 70 units fit one segment, then 67 per part")
{
  const std::vector<std::pair<std::size_t, std::size_t>> table{
      {70, 1},
      {71, 2},
      {134, 2},
      {135, 3},
      {201, 3},
      {202, 4},
  };
  for (const auto& item : table) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& length = std::get<0>(item);
    const auto& segments = std::get<1>(item);
    CAPTURE(length);
    const auto info = measure("ś" + std::string(length - 1, 'a'));
    CHECK(info.encoding == Encoding::ucs2);
    CHECK(info.units == length);
    CHECK(info.segments == segments);
    CHECK(info.per_segment_limit == (segments == 1 ? 70U : 67U));
  }
}

TEST_CASE("characters outside the BMP take two UTF-16 units")
{
  const auto one = measure("🙂"); // U+1F642
  CHECK(one.encoding == Encoding::ucs2);
  CHECK(one.units == 2);
  CHECK(measure(repeat("🙂", 35)).segments == 1);
  const auto over = measure(repeat("🙂", 35) + "a");
  CHECK(over.units == 71);
  CHECK(over.segments == 2);
}

TEST_CASE("a surrogate pair is never split across UCS-2 parts")
{
  // 66 + 2 + 66 = 134 units would fill two parts exactly, but the emoji
  // would straddle the boundary: 66 | 2 + 65 | 1.
  const auto split = measure(repeat("ś", 66) + "🙂" + repeat("ś", 66));
  CHECK(split.units == 134);
  CHECK(split.segments == 3);
  const auto safe = measure(repeat("ś", 65) + "🙂" + repeat("ś", 67));
  CHECK(safe.units == 134);
  CHECK(safe.segments == 2);
}

TEST_CASE("invalid UTF-8 is an error naming the byte")
{
  const std::vector<std::pair<std::string, std::string>> table{
      {"ab\xff", "byte 2"},            // never valid
      {"\x80", "byte 0"},              // continuation without a lead
      {"a\xc3", "byte 1"},             // truncated
      {"\xc3(", "byte 0"},             // bad continuation
      {"\xc0\xaf", "byte 0"},          // overlong '/'
      {"\xe0\x80\xaf", "byte 0"},      // overlong, 3 bytes
      {"\xed\xa0\x80", "byte 0"},      // UTF-16 surrogate D800
      {"x\xf4\x90\x80\x80", "byte 1"}, // above U+10FFFF
  };
  for (const auto& item : table) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& text = std::get<0>(item);
    const auto& where = std::get<1>(item);
    CAPTURE(smsotp::util::escape_for_display(text));
    const auto caught = catch_error([&] { measure(text); });
    CHECK(caught.thrown);
    CHECK(caught.code == ExitCode::config);
    CHECK_CONTAINS(caught.message, "not valid UTF-8 at " + where);
  }
  CHECK(measure("\xf4\x8f\xbf\xbf").units == 2); // U+10FFFF itself is fine
}
