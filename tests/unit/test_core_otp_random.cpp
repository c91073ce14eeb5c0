// Tests for the random source in src/core/otp.cpp: getrandom(2) through
// fill_from, which must survive interrupted calls and short reads and must
// never report success with bytes it did not get.

#include "core/otp.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <set>
#include <vector>

using smsotp::core::fill_from;
using smsotp::core::SystemRandom;

namespace {

// A scripted getrandom: each call takes the next step, -1 with its errno
// or up to `max` bytes of a counter (1, 2, 3, ...); once the script is
// done, whole requests.
struct Step
{
  long result; // -1 for a failure, else the most bytes this call returns
  int error = 0;
};

std::vector<Step> g_script;
std::size_t g_calls = 0;
std::uint8_t g_next = 1;

long scripted(void* buffer, std::size_t size, unsigned /*flags*/)
{
  const Step step =
      g_calls < g_script.size() ? g_script[g_calls] : Step{1 << 20};
  ++g_calls;
  if (step.result < 0) {
    errno = step.error;
    return -1;
  }
  const std::size_t count =
      std::min(size, static_cast<std::size_t>(step.result));
  auto* bytes = static_cast<std::uint8_t*>(buffer);
  for (std::size_t i = 0; i < count; ++i) {
    bytes[i] = g_next++;
  }
  return static_cast<long>(count);
}

void start(std::vector<Step> script)
{
  g_script = std::move(script);
  g_calls = 0;
  g_next = 1;
}

} // namespace

TEST_CASE("fill_from repeats interrupted calls and continues short reads")
{
  start({{-1, EINTR}, {3}, {-1, EINTR}, {5}, {1}});
  std::array<std::uint8_t, 16> data{};
  REQUIRE(fill_from(scripted, data.data(), data.size()));
  // 3 + 5 + 1 bytes from the short reads, then the remaining 7 at once:
  // every byte written exactly once, in order, none skipped.
  for (std::size_t i = 0; i < data.size(); ++i) {
    CHECK(data[i] == i + 1);
  }
  CHECK(g_calls == 6);
}

TEST_CASE("fill_from fails on any other error and on an empty answer")
{
  std::array<std::uint8_t, 8> data{};
  start({{2}, {-1, ENOSYS}});
  CHECK_FALSE(fill_from(scripted, data.data(), data.size()));
  start({{-1, EPERM}});
  CHECK_FALSE(fill_from(scripted, data.data(), data.size()));
  // A call that returns nothing would otherwise loop for ever.
  start({{4}, {0}});
  CHECK_FALSE(fill_from(scripted, data.data(), data.size()));
  CHECK(g_calls == 2);
}

TEST_CASE("SystemRandom fills exactly the bytes asked for")
{
  SystemRandom random;
  // Guard bytes on both sides stay untouched; a large request (more than
  // getrandom's 256-byte atomic size) is filled completely.
  std::vector<std::uint8_t> buffer(16 + 100000 + 16, 0xa5);
  REQUIRE(random.fill(buffer.data() + 16, 100000));
  CHECK(std::all_of(
      buffer.begin(), buffer.begin() + 16, [](auto b) { return b == 0xa5; }));
  CHECK(std::all_of(
      buffer.end() - 16, buffer.end(), [](auto b) { return b == 0xa5; }));
  // 100000 random bytes take all 256 values; a buffer left as it was, or
  // filled with one repeated byte, does not.
  const std::set<std::uint8_t> values(buffer.begin() + 16, buffer.end() - 16);
  CHECK(values.size() == 256);
  CHECK(random.fill(buffer.data(), 0));
}

TEST_CASE("SystemRandom gives different bytes every time")
{
  SystemRandom random;
  std::set<std::array<std::uint8_t, 16>> seen;
  for (int i = 0; i < 1000; ++i) {
    std::array<std::uint8_t, 16> draw{};
    REQUIRE(random.fill(draw.data(), draw.size()));
    seen.insert(draw);
  }
  CHECK(seen.size() == 1000);
}

TEST_CASE("codes from SystemRandom are distinct and use every digit")
{
  SystemRandom random;
  std::set<std::string> codes;
  std::set<char> digits;
  for (int i = 0; i < 200; ++i) {
    const auto code = smsotp::core::generate_code(random, 10);
    REQUIRE(code.size() == 10);
    codes.insert(code);
    digits.insert(code.begin(), code.end());
  }
  // 10-digit codes: a repeat among 200 has probability about 2e-6.
  CHECK(codes.size() == 200);
  CHECK(digits.size() == 10);
}
