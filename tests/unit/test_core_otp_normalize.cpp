// Tests for src/core/otp.cpp: normalize_code, what a person typed.

#include "core/otp.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

using smsotp::core::ExitCode;
using smsotp::core::normalize_code;
using smsotp::test::catch_error;

TEST_CASE("normalize_code accepts the forms people type")
{
  const std::vector<std::pair<std::string, std::string>> table{
      {"123456", "123456"},
      {" 123456", "123456"},
      {"123456 ", "123456"},
      {"\t123456", "123456"},
      {"123456\n", "123456"},
      {"123456\r\n", "123456"},
      {"123 456", "123456"},
      {"123-456", "123456"},
      {"12 34 56", "123456"},
      {"012345", "012345"},
      {"0000000000", "0000000000"},
      {"12345-67890", "1234567890"},
  };
  for (const auto& item : table) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& input = std::get<0>(item);
    const auto& expected = std::get<1>(item);
    CAPTURE(input);
    CHECK(normalize_code(input) == expected);
  }
}

TEST_CASE("normalize_code rejects wrong lengths as usage errors")
{
  for (const std::string input :
       {"12345", "", "   ", "\n", "12345678901", "1 2 3 4 5"}) {
    CAPTURE(input);
    const auto caught = catch_error([&] { normalize_code(input); });
    CHECK(caught.thrown);
    CHECK(caught.code == ExitCode::usage);
    CHECK(static_cast<int>(caught.code) == 64);
    CHECK_CONTAINS(caught.message, "digits");
  }
}

TEST_CASE("normalize_code names the unexpected character and its position")
{
  const std::vector<std::tuple<std::string, std::string, std::string>> table{
      {"+123456", "'+'", "byte 0"},
      {"0x1E240", "'x'", "byte 1"},
      {"1e5000", "'e'", "byte 1"},
      {"123456.0", "'.'", "byte 6"},
      {"123456\n\n", "'\\n'", "byte 6"},
      {"12345\x1b[6", "'\\x1b'", "byte 5"},
      {std::string("123\0"
                   "456",
                   7),
       "'\\x00'",
       "byte 3"},
  };
  for (const auto& item : table) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& input = std::get<0>(item);
    const auto& shown = std::get<1>(item);
    const auto& position = std::get<2>(item);
    CAPTURE(input);
    const auto caught = catch_error([&] { normalize_code(input); });
    CHECK(caught.code == ExitCode::usage);
    CHECK_CONTAINS(caught.message, shown);
    CHECK_CONTAINS(caught.message, position);
  }
}

TEST_CASE("normalize_code rejects non-ASCII digits naming the byte")
{
  // Arabic-Indic and full-width digits look like digits but are not ASCII.
  const std::vector<std::pair<std::string, std::string>> table{
      {"\xd9\xa1\xd9\xa2\xd9\xa3\xd9\xa4\xd9\xa5\xd9\xa6", "\\xd9"},
      {"\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94\xef\xbc\x95\xef\xbc"
       "\x96",
       "\\xef"},
      {"123\xd9\xa4"
       "56",
       "\\xd9"},
      {"\xff\xfe"
       "123456",
       "\\xff"},
  };
  for (const auto& item : table) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& input = std::get<0>(item);
    const auto& shown = std::get<1>(item);
    CAPTURE(input);
    const auto caught = catch_error([&] { normalize_code(input); });
    CHECK(caught.code == ExitCode::usage);
    CHECK_CONTAINS(caught.message, "non-ASCII");
    CHECK_CONTAINS(caught.message, shown);
    // The message itself stays printable ASCII.
    for (const char c : caught.message) {
      CHECK(static_cast<unsigned char>(c) >= 0x20);
      CHECK(static_cast<unsigned char>(c) < 0x7f);
    }
  }
  const auto caught = catch_error([&] {
    normalize_code("123\xd9\xa4"
                   "56");
  });
  CHECK_CONTAINS(caught.message, "byte 3");
}

TEST_CASE("normalize_code bounds its input at 64 bytes")
{
  const std::string at_limit = std::string(58, ' ') + "123456";
  REQUIRE(at_limit.size() == smsotp::core::k_max_code_input);
  CHECK(normalize_code(at_limit) == "123456");

  const std::string over = std::string(59, ' ') + "123456";
  const auto caught = catch_error([&] { normalize_code(over); });
  CHECK(caught.code == ExitCode::usage);
  CHECK_CONTAINS(caught.message, "65");

  const std::string huge(std::size_t{10} * 1024 * 1024, '1');
  CHECK(catch_error([&] { normalize_code(huge); }).code == ExitCode::usage);
}
