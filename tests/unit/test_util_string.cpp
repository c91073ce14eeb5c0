// Tests for src/util/string.cpp.

#include "testutil.hpp"
#include "util/string.hpp"

#include <doctest/doctest.h>

#include <limits>

using smsotp::util::closest_match;
using smsotp::util::edit_distance;
using smsotp::util::escape_for_display;
using smsotp::util::parse_uint;

TEST_CASE("escape_for_display writes control bytes as escapes")
{
  CHECK(escape_for_display("a\nb") == "a\\nb");
  CHECK(escape_for_display("\r\t") == "\\r\\t");
  CHECK(escape_for_display(std::string_view("x\0y", 3)) == "x\\x00y");
  CHECK(escape_for_display("\x1b[31mred") == "\\x1b[31mred");
  CHECK(escape_for_display("\x7f") == "\\x7f");
  CHECK(escape_for_display("back\\slash") == "back\\\\slash");
  CHECK(escape_for_display("plain text 123") == "plain text 123");
}

TEST_CASE("escape_for_display writes non-ASCII bytes as hex")
{
  CHECK(escape_for_display("\xc3\xbc") == "\\xc3\\xbc");
  CHECK(escape_for_display("\xff\xfe") == "\\xff\\xfe");
  // Arabic-Indic digit one (U+0661).
  CHECK(escape_for_display("\xd9\xa1") == "\\xd9\\xa1");
}

TEST_CASE("escape_for_display output is printable ASCII for every byte")
{
  for (int value = 0; value < 256; ++value) {
    const std::string input(1, static_cast<char>(value));
    const std::string shown = escape_for_display(input);
    CAPTURE(value);
    for (const char c : shown) {
      const auto byte = static_cast<unsigned char>(c);
      CHECK(byte >= 0x20);
      CHECK(byte < 0x7f);
    }
  }
}

TEST_CASE("escape_for_display truncates long input with an ellipsis")
{
  const std::string long_text(100, 'a');
  CHECK(escape_for_display(long_text) == std::string(64, 'a') + "...");
  CHECK(escape_for_display(long_text, 10) == std::string(10, 'a') + "...");
  CHECK(escape_for_display(std::string(64, 'b')) == std::string(64, 'b'));
}

TEST_CASE("edit_distance counts single-character edits")
{
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("same", "same") == 0);
  CHECK(edit_distance("ttll", "ttl") == 1);
}

TEST_CASE("closest_match suggests plausible typos only")
{
  const std::vector<std::string> keys{
      "length", "ttl", "max_attempts", "lockout_after", "purpose"};
  CHECK(closest_match("ttll", keys) == "ttl");
  CHECK(closest_match("lenght", keys) == "length");
  CHECK(closest_match("max_attempt", keys) == "max_attempts");
  CHECK(closest_match("twillio", {"file", "twilio"}) == "twilio");
  CHECK(closest_match("completely_different", keys).empty());
  CHECK(closest_match("ttl", {}).empty());
}

TEST_CASE("to_lower and to_upper change ASCII letters only")
{
  CHECK(smsotp::util::to_lower("Content-TYPE: X") == "content-type: x");
  CHECK(smsotp::util::to_upper("post /a_b") == "POST /A_B");
  // UTF-8 bytes and everything else stay as they are, whatever the locale.
  CHECK(smsotp::util::to_lower("\xC3\x9C\xC4\xB0I") == "\xC3\x9C\xC4\xB0i");
  CHECK(smsotp::util::to_upper("\xC3\xBC\x7f@[`{") == "\xC3\xBC\x7f@[`{");
  CHECK(smsotp::util::to_lower("").empty());
}

TEST_CASE("parse_uint accepts plain decimal digits")
{
  std::uint64_t value = 7;
  CHECK(parse_uint("0", value));
  CHECK(value == 0);
  CHECK(parse_uint("00042", value));
  CHECK(value == 42);
  const auto max = std::numeric_limits<std::uint64_t>::max();
  CHECK(parse_uint(std::to_string(max), value));
  CHECK(value == max);
}

TEST_CASE("parse_uint rejects overflow signs and other bytes")
{
  std::uint64_t value = 7;
  const std::vector<std::string> bad{"18446744073709551616",
                                     "99999999999999999999999",
                                     "-1",
                                     "+1",
                                     " 1",
                                     "1 ",
                                     "",
                                     "1a",
                                     "0x10",
                                     "1e3",
                                     "\xd9\xa1"};
  for (const auto& text : bad) {
    CAPTURE(text);
    CHECK_FALSE(parse_uint(text, value));
    CHECK(value == 7); // untouched on failure
  }
}

TEST_CASE("split keeps empty fields and join reverses it")
{
  using smsotp::util::join;
  using smsotp::util::split;
  const std::vector<std::string> parts{"a", "", "b", ""};
  CHECK(split("a,,b,", ',') == parts);
  CHECK(join(parts, ",") == "a,,b,");
  CHECK(split("", ',') == std::vector<std::string>{""});
}

TEST_CASE("trim is_ascii_digits and to_hex")
{
  CHECK(smsotp::util::trim(" \t x y \t") == "x y");
  CHECK(smsotp::util::trim("   ").empty());
  CHECK(smsotp::util::is_ascii_digits("0123456789"));
  CHECK_FALSE(smsotp::util::is_ascii_digits(""));
  CHECK_FALSE(smsotp::util::is_ascii_digits("12 3"));
  const std::uint8_t bytes[] = {0x00, 0x0f, 0xa5, 0xff};
  CHECK(smsotp::util::to_hex(bytes, 4) == "000fa5ff");
}
