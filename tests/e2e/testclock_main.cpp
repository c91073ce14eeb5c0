// smsotp-testclock: the smsotp CLI with an injectable clock, for the e2e
// tests only (expiry at exactly expires_at, lockout windows).
//
// It reads SMSOTP_TEST_NOW (seconds since the Unix epoch) from the
// environment. The shipped `smsotp` binary (src/main.cpp) uses
// util::SystemClock and never reads that variable; only this test binary,
// which is never installed, does.

#include "cli/app.hpp"
#include "util/clock.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

namespace {

class EnvironmentClock : public smsotp::util::Clock
{
public:
  explicit EnvironmentClock(std::optional<std::int64_t> fixed) : m_fixed(fixed)
  {}

  std::int64_t now() const override
  {
    return m_fixed ? *m_fixed : m_system.now();
  }

  bool fixed() const override
  {
    return m_fixed.has_value();
  }

private:
  std::optional<std::int64_t> m_fixed;
  smsotp::util::SystemClock m_system;
};

// Unset or empty: the system time. Anything but a whole number is a
// mistake in a test, reported loudly rather than silently ignored.
bool read_fixed_time(std::optional<std::int64_t>& fixed)
{
  const char* text = std::getenv("SMSOTP_TEST_NOW");
  if (text == nullptr || text[0] == '\0') {
    return true;
  }
  try {
    std::size_t used = 0;
    const long long value = std::stoll(text, &used);
    if (used == std::string(text).size()) {
      fixed = static_cast<std::int64_t>(value);
      return true;
    }
  } catch (const std::exception&) { // NOLINT(bugprone-empty-catch)
  }
  return false;
}

} // namespace

int main(int argc, char** argv)
{
  std::optional<std::int64_t> fixed;
  if (!read_fixed_time(fixed)) {
    std::fputs("smsotp-testclock: SMSOTP_TEST_NOW is not a whole number\n",
               stderr);
    return 70;
  }
  const EnvironmentClock clock(fixed);
  return smsotp::cli::main(argc, argv, clock);
}
