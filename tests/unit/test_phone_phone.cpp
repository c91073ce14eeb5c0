// Tests for src/phone/phone.cpp.

#include "phone/phone.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

using smsotp::core::ExitCode;
using smsotp::phone::mask;
using smsotp::phone::normalize;
using smsotp::test::catch_error;

TEST_CASE("normalize accepts E.164 written with separators")
{
  const std::vector<std::pair<std::string, std::string>> table{
      {"+16502530000", "+16502530000"},
      {"+1 (650) 253-0000", "+16502530000"},
      {"+1 650 253 0000", "+16502530000"},
      {"+44 7700.900.123", "+447700900123"},
      {"+4930123", "+4930123"},                 // 7 digits
      {"+123456789012345", "+123456789012345"}, // 15 digits
  };
  for (const auto& [input, expected] : table) {
    CAPTURE(input);
    CHECK(normalize(input) == expected);
  }
}

TEST_CASE("normalize rejects numbers that are not E.164")
{
  const std::vector<std::pair<std::string, std::string>> table{
      {"6502530000", "+<country code>"},
      {"0044 7700 900123", "+<country code>"},
      {"+0155512345", "cannot start with 0"},
      {"+123456", "has 6"},
      {"+1234567890123456", "has 16"},
      {"+", "\"+\""},
      {"", "+<country code>"},
      {"+1 650 CALL NOW", "'C'"},
      {"+1\n6502530000", "'\\n'"},
      {"+1650+2530000", "'+'"},
      {"++16502530000", "'+'"},
      {"+1650253000#", "'#'"},
  };
  for (const auto& [input, why] : table) {
    CAPTURE(input);
    const auto caught = catch_error([&] { normalize(input); });
    CHECK(caught.thrown);
    CHECK(caught.code == ExitCode::usage);
    CHECK(static_cast<int>(caught.code) == 64);
    CHECK_CONTAINS(caught.message, why);
  }
}

TEST_CASE("normalize rejects non-ASCII digits and plus signs")
{
  for (const std::string input :
       {"\xef\xbc\x8b\xef\xbc\x91"
        "6502530000", // full-width + and 1
        "+\xd9\xa1\xd9\xa6\xd9\xa5\xd9\xa0\xd9\xa2\xd9\xa5\xd9\xa3",
        "+1650253000\xc2\xa0", // no-break space
        "\xff\xfe"}) {
    CAPTURE(input);
    const auto caught = catch_error([&] { normalize(input); });
    CHECK(caught.code == ExitCode::usage);
    CHECK_CONTAINS(caught.message, "non-ASCII");
    for (const char c : caught.message) {
      CHECK(static_cast<unsigned char>(c) >= 0x20);
      CHECK(static_cast<unsigned char>(c) < 0x7f);
    }
  }
}

TEST_CASE("normalize bounds its input")
{
  const std::string padded = "+16502530000" + std::string(52, ' ');
  REQUIRE(padded.size() == smsotp::phone::k_max_input);
  CHECK(normalize(padded) == "+16502530000");
  const auto caught = catch_error([&] { normalize(padded + " "); });
  CHECK(caught.code == ExitCode::usage);
  CHECK_CONTAINS(caught.message, "too long");
  const std::string huge(1024 * 1024, '1');
  const auto big = catch_error([&] { normalize(huge); });
  CHECK(big.code == ExitCode::usage);
  CHECK(big.message.size() < 200);
}

TEST_CASE("mask keeps only the first three and last two characters")
{
  for (const std::string number :
       {"+16502530000", "+447700900123", "+4930123", "+123456789012345"}) {
    const auto shown = mask(number);
    CAPTURE(number);
    REQUIRE(shown.size() == number.size());
    CHECK(shown.substr(0, 3) == number.substr(0, 3));
    CHECK(shown.substr(shown.size() - 2) == number.substr(number.size() - 2));
    const auto middle = shown.substr(3, shown.size() - 5);
    CHECK(middle == std::string(middle.size(), '*'));
  }
  CHECK(mask("+16502530000") == "+16*******00");
  CHECK(mask("+1234") == "*****");
}
