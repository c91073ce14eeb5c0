// Tests for src/phone/phone.cpp (libphonenumber 8.12.57 metadata).

#include "phone/phone.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

#include <tuple>

using smsotp::core::ExitCode;
using smsotp::phone::mask;
using smsotp::phone::normalize;
using smsotp::phone::number_type;
using smsotp::phone::NumberType;
using smsotp::phone::region_of;
using smsotp::test::catch_error;

namespace {

struct Accepted
{
  std::string input;
  std::string region; // policy.default_region, "" for none
  std::string e164;
};

// Every input that normalize accepts, with what it must become.
const std::vector<Accepted>& accepted_table()
{
  static const std::vector<Accepted> k_table{
      // E.164 as it is.
      {"+16502530000", "", "+16502530000"},
      {"+12025550123", "", "+12025550123"}, // the README's sample number
      {"+447400123456", "", "+447400123456"},
      {"+41446681800", "", "+41446681800"},
      {"+4930123", "", "+4930123"},         // 7 digits, a valid Berlin number
      {"+80012345678", "", "+80012345678"}, // non-geographic freephone
      // Formatted international input.
      {"+1 (650) 253-0000", "", "+16502530000"},
      {"+1 650 253 0000", "", "+16502530000"},
      {"+1-650-253-0000", "", "+16502530000"},
      {"+1.650.253.0000", "", "+16502530000"},
      {"+44 (0)20 7946 0000", "", "+442079460000"}, // UK style trunk "(0)"
      {"+44 7400 123456", "", "+447400123456"},
      {"+41 44 668 18 00", "", "+41446681800"},
      {"+49 30/123", "", "+4930123"},
      {" +1 650 253 0000 ", "", "+16502530000"},
      // International input is independent of the default region.
      {"+1 650 253 0000", "GB", "+16502530000"},
      {"+41446681800", "US", "+41446681800"},
      // National input with a default region.
      {"07400 123456", "GB", "+447400123456"},
      {"07400123456", "gb", "+447400123456"},
      {"(020) 7946-0000", "GB", "+442079460000"},
      {"044 668 18 00", "CH", "+41446681800"},
      {"0446681800", "CH", "+41446681800"},
      {"(650) 253-0000", "US", "+16502530000"},
      {"650.253.0000", "US", "+16502530000"},
      {"1 650 253 0000", "US", "+16502530000"}, // NANP trunk prefix 1
      {"416 555 0123", "CA", "+14165550123"},
      // The international call prefix of the default region.
      {"0044 7400 123456", "GB", "+447400123456"},
      {"011 44 7400 123456", "US", "+447400123456"},
      {"00 41 44 668 18 00", "CH", "+41446681800"},
  };
  return k_table;
}

struct Rejected
{
  std::string input;
  std::string region;
  std::string why; // part of the message
};

void check_rejected(const std::vector<Rejected>& table)
{
  for (const auto& item : table) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& input = item.input;
    const auto& region = item.region;
    const auto& why = item.why;
    CAPTURE(input);
    CAPTURE(region);
    const auto caught = catch_error([&] { normalize(input, region); });
    CHECK(caught.thrown);
    CHECK(caught.code == ExitCode::usage);
    CHECK(static_cast<int>(caught.code) == 64);
    CHECK_CONTAINS(caught.message, why);
    for (const char c : caught.message) {
      // Whatever the input, the message is one printable ASCII line.
      CHECK(static_cast<unsigned char>(c) >= 0x20);
      CHECK(static_cast<unsigned char>(c) < 0x7f);
    }
  }
}

} // namespace

TEST_CASE("normalize turns E.164, formatted and national input into E.164")
{
  for (const auto& item : accepted_table()) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& input = item.input;
    const auto& region = item.region;
    const auto& e164 = item.e164;
    CAPTURE(input);
    CAPTURE(region);
    CHECK(normalize(input, region) == e164);
  }
}

TEST_CASE("normalize is idempotent over the table")
{
  for (const auto& item : accepted_table()) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& input = item.input;
    const auto& region = item.region;
    CAPTURE(input);
    const auto once = normalize(input, region);
    CHECK(normalize(once, region) == once);
    CHECK(normalize(once) == once); // E.164 needs no default region
    CHECK(normalize(once, "JP") == once);
  }
}

TEST_CASE("national input needs a default region")
{
  check_rejected({
      {"07400 123456", "", "missing country code"},
      {"6502530000", "", "set policy.default_region"},
      {"6502530000", "", "+<country code>"},
      {"0044 7400 123456", "", "with + instead of 00"},
  });
}

TEST_CASE("normalize rejects letters, including vanity numbers and extensions")
{
  check_rejected({
      {"abc", "", "letters are not accepted ('a' at byte 0)"},
      {"+1 650 CALL NOW", "", "'C' at byte 7"},
      {"+1-800-FLOWERS", "", "letters are not accepted"},
      {"1-800-FLOWERS", "US", "letters are not accepted"},
      {"+16502530000 ext 12", "", "'e' at byte 13"},
      {"+16502530000x12", "", "letters are not accepted"},
      {"tel:+16502530000", "", "'t' at byte 0"},
  });
}

TEST_CASE("normalize rejects junk")
{
  check_rejected({
      {"", "", "no digits"},
      {"+", "", "no digits"},
      {"+", "", "\"+\""},
      {"()- ", "GB", "no digits"},
      {"++16502530000", "", "unexpected '+' at byte 1"},
      {"+1650+2530000", "", "'+' at byte 5"},
      {"1+6502530000", "US", "'+' at byte 1"},
      {"+1650253000#", "", "unexpected character '#'"},
      {"+1650253000*", "", "unexpected character '*'"},
      {"+1,650,253,0000", "", "unexpected character ','"},
      {"+1_650", "", "unexpected character '_'"},
      {"+0155512345", "", "a country code cannot start with 0"},
      {"+999123456789", "", "known country code"},
  });
}

TEST_CASE("normalize rejects numbers too short or too long, saying so")
{
  check_rejected({
      {"+123456", "", "too short for region US (+1)"},
      {"+1650253000", "", "too short for region US (+1)"},
      {"+165025300001", "", "too long for region US (+1)"},
      {"+1234567890123456", "", "too long: E.164 numbers have at most 15"},
      {"+44740012345678", "", "region GB (+44)"},
      {"12", "GB", "too short for region GB (+44)"},
      {"+8821234", "", "too short for +882 (non-geographic)"},
      {"7946 0000", "GB", "too short for region GB (+44)"},
      // 00 + country code from a national region: libphonenumber accepts
      // 16 digits here; E.164 does not (a fuzz finding).
      {"00494 10-34074001156", "GB", "at most 15 digits"},
  });
}

TEST_CASE("normalize rejects numbers not valid for their region")
{
  check_rejected({
      // 555 is not an area code; 555-01xx is fictional only after a real one.
      {"+15555550123", "", "not a valid number for region US (+1)"},
      {"+15551234567", "", "not a valid number for region US (+1)"},
      {"+11234567890", "", "region US (+1)"},   // area code 123
      {"+447700900123", "", "region GB (+44)"}, // Ofcom drama range
      {"01234 56789", "CH", "region CH (+41)"},
      {"+882123456789", "", "not a valid number for +882 (non-geographic)"},
  });
}

TEST_CASE("normalize rejects non-ASCII digits, plus signs and spaces")
{
  for (const std::string input : {"\xef\xbc\x8b\xef\xbc\x91"
                                  "6502530000", // full-width + and 1
                                  "+\xd9\xa1\xd9\xa6\xd9\xa5\xd9\xa0\xd9\xa2"
                                  "\xd9\xa5\xd9\xa3",    // Arabic-Indic
                                  "+1650253000\xc2\xa0", // no-break space
                                  "\xff\xfe"}) {
    CAPTURE(input);
    const auto caught = catch_error([&] { normalize(input, "US"); });
    CHECK(caught.code == ExitCode::usage);
    CHECK_CONTAINS(caught.message, "non-ASCII byte \\x");
    for (const char c : caught.message) {
      CHECK(static_cast<unsigned char>(c) >= 0x20);
      CHECK(static_cast<unsigned char>(c) < 0x7f);
    }
  }
  const auto first = catch_error([] { normalize("\xef\xbc\x8b\xef\xbc\x91"); });
  CHECK_CONTAINS(first.message, "non-ASCII byte \\xef at byte 0");
}

TEST_CASE("normalize rejects control characters and shows them escaped")
{
  check_rejected({
      {"+16502530000\n", "", "control character '\\n' at byte 12"},
      {"+16502530000\r", "", "control character '\\r' at byte 12"},
      {"+1\n6502530000", "", "'\\n' at byte 2"},
      {std::string("+1650\0002530000", 12), "", "'\\x00' at byte 5"},
      {"+1650\t2530000", "", "'\\t' at byte 5"},
      {"+1650\x7f"
       "2530000",
       "",
       "'\\x7f' at byte 5"},
  });
}

TEST_CASE("normalize bounds its input")
{
  const std::string padded = "+16502530000" + std::string(52, ' ');
  REQUIRE(padded.size() == smsotp::phone::k_max_input);
  CHECK(normalize(padded) == "+16502530000");
  const auto caught = catch_error([&] { normalize(padded + " "); });
  CHECK(caught.code == ExitCode::usage);
  CHECK_CONTAINS(caught.message, "too long (65 bytes, max 64)");
  const std::string huge(std::size_t{1024} * 1024, '1');
  const auto big = catch_error([&] { normalize(huge, "US"); });
  CHECK(big.code == ExitCode::usage);
  CHECK_CONTAINS(big.message, "too long (1048576 bytes, max 64)");
  CHECK(big.message.size() < 200); // the input is shown truncated
}

TEST_CASE("an unknown default region is a config error")
{
  for (const std::string region : {"XY", "001", "ZZ", "UK"}) {
    CAPTURE(region);
    const auto caught = catch_error([&] { normalize("07400123456", region); });
    CHECK(caught.code == ExitCode::config);
    CHECK_CONTAINS(caught.message, "policy.default_region");
  }
  // Not consulted for international input.
  CHECK(normalize("+447400123456", "XY") == "+447400123456");
}

TEST_CASE("region_of names the ISO region of a number")
{
  const std::vector<std::pair<std::string, std::string>> table{
      {"+16502530000", "US"},
      {"+12025550123", "US"},
      {"+14165550123", "CA"}, // NANP: the region comes from the area code
      {"+447400123456", "GB"},
      {"+41446681800", "CH"},
      {"+4930123", "DE"},
      {"+61491570156", "AU"},
      {"+80012345678", "001"}, // non-geographic
      {"+15555550123", ""},    // invalid: no region
      {"not a number", ""},
  };
  for (const auto& item : table) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& e164 = std::get<0>(item);
    const auto& region = std::get<1>(item);
    CAPTURE(e164);
    CHECK(region_of(e164) == region);
  }
}

TEST_CASE("number_type tells mobile from fixed line, except in NANP")
{
  const std::vector<std::tuple<std::string, NumberType, std::string>> table{
      {"+447400123456", NumberType::mobile, "mobile"},
      {"+442079460000", NumberType::fixed_line, "fixed_line"},
      {"+41446681800", NumberType::fixed_line, "fixed_line"},
      {"+16502530000",
       NumberType::fixed_line_or_mobile,
       "fixed_line_or_mobile"},
      {"+18003569377", NumberType::toll_free, "toll_free"},
      {"+80012345678", NumberType::toll_free, "toll_free"},
      {"+15555550123", NumberType::unknown, "unknown"},
      {"", NumberType::unknown, "unknown"},
  };
  for (const auto& item : table) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& e164 = std::get<0>(item);
    const auto& type = std::get<1>(item);
    const auto& name = std::get<2>(item);
    CAPTURE(e164);
    CHECK(number_type(e164) == type);
    CHECK(smsotp::phone::number_type_name(number_type(e164)) == name);
  }
}

TEST_CASE("known_region accepts ISO regions libphonenumber has metadata for")
{
  for (const std::string region : {"US", "GB", "CH", "DE", "001"}) {
    CHECK(smsotp::phone::known_region(region));
  }
  for (const std::string region : {"UK", "XY", "ZZ", "", "us", "*"}) {
    CHECK_FALSE(smsotp::phone::known_region(region));
  }
}

TEST_CASE("mask keeps only the first three and last two characters")
{
  for (const std::string number :
       {"+16502530000", "+447400123456", "+4930123", "+123456789012345"}) {
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
