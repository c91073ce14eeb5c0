// Tests for src/core/duration.cpp.

#include "core/duration.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

#include <limits>

using smsotp::core::format_duration;
using smsotp::core::parse_duration;

TEST_CASE("parse_duration reads the units people write")
{
  CHECK(parse_duration("30s") == 30);
  CHECK(parse_duration("5m") == 5 * 60);
  CHECK(parse_duration("1h") == 3600);
  CHECK(parse_duration("1h30m") == 3600 + 30 * 60);
  CHECK(parse_duration("2d") == 2 * 86400);
  CHECK(parse_duration("1d2h3m4s") == 86400 + 2 * 3600 + 3 * 60 + 4);
  CHECK(parse_duration("0s") == 0);
}

TEST_CASE("parse_duration takes a bare number as seconds")
{
  CHECK(parse_duration("300") == 300);
  CHECK(parse_duration("0") == 0);
  CHECK(parse_duration("007") == 7);
}

TEST_CASE("parse_duration rejects malformed text")
{
  const std::vector<std::string> bad{"1m30",
                                     "",
                                     "5x",
                                     "m",
                                     "5M",
                                     "-5",
                                     "-5m",
                                     "+5m",
                                     " 5m",
                                     "5m ",
                                     "5 m",
                                     "1.5m",
                                     "5mm",
                                     "\xd9\xa5m"};
  for (const auto& text : bad) {
    CAPTURE(text);
    CHECK_FALSE(parse_duration(text).has_value());
  }
}

TEST_CASE("parse_duration rejects values that overflow")
{
  const auto max = std::numeric_limits<std::int32_t>::max();
  CHECK(parse_duration(std::to_string(max)) == max);
  CHECK_FALSE(parse_duration(std::to_string(std::int64_t{max} + 1)));
  CHECK_FALSE(parse_duration("99999999999999999999999s"));
  CHECK_FALSE(parse_duration("100000d"));
  CHECK_FALSE(parse_duration("20000d20000d"));
}

TEST_CASE("format_duration gives the shortest exact form")
{
  CHECK(format_duration(300) == "5m");
  CHECK(format_duration(90) == "1m30s");
  CHECK(format_duration(0) == "0s");
  CHECK(format_duration(3600) == "1h");
  CHECK(format_duration(86400 + 1) == "1d1s");
  CHECK(format_duration(30) == "30s");
}

TEST_CASE("format_duration round-trips through parse_duration")
{
  for (std::int64_t seconds = 0; seconds < 200000; seconds += 37) {
    CAPTURE(seconds);
    CHECK(parse_duration(format_duration(seconds)) == seconds);
  }
  for (const std::int64_t seconds : {59, 60, 61, 3599, 3600, 86399, 86400}) {
    CAPTURE(seconds);
    CHECK(parse_duration(format_duration(seconds)) == seconds);
  }
}
