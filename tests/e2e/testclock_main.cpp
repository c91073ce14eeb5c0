// smsotp-testclock: the smsotp CLI with an injectable clock, for the e2e
// tests only (expiry at exactly expires_at, lockout windows).
//
// It reads SMSOTP_TEST_NOW (seconds since the Unix epoch) from the
// environment: a fixed time, which every store follows. SMSOTP_TEST_SKEW
// (seconds, may be negative) instead shifts the system time, like a host
// whose clock is wrong: a store with its own clock (PostgreSQL) ignores it. The
// shipped `smsotp` binary (src/main.cpp) uses util::SystemClock and never reads
// that variable; only this test binary, which is never installed, does.

#include "cli/app.hpp"
#include "core/otp.hpp"
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
  EnvironmentClock(std::optional<std::int64_t> fixed, std::int64_t skew)
      : m_fixed(fixed), m_skew(skew)
  {}

  std::int64_t now() const override
  {
    return m_fixed ? *m_fixed : m_system.now() + m_skew;
  }

  bool fixed() const override
  {
    return m_fixed.has_value();
  }

private:
  std::optional<std::int64_t> m_fixed;
  std::int64_t m_skew = 0;
  smsotp::util::SystemClock m_system;
};

// Unset or empty: nullopt. Anything but a whole number is a
// mistake in a test, reported loudly rather than silently ignored.
bool read_seconds(const char* name, std::optional<std::int64_t>& seconds)
{
  const char* text = std::getenv(name);
  if (text == nullptr || text[0] == '\0') {
    return true;
  }
  try {
    std::size_t used = 0;
    const long long value = std::stoll(text, &used);
    if (used == std::string(text).size()) {
      seconds = static_cast<std::int64_t>(value);
      return true;
    }
  } catch (const std::exception&) { // NOLINT(bugprone-empty-catch)
  }
  return false;
}

} // namespace

int main(int argc, char** argv)
{
  smsotp::core::init_openssl(); // as src/main.cpp does
  std::optional<std::int64_t> fixed;
  std::optional<std::int64_t> skew;
  if (!read_seconds("SMSOTP_TEST_NOW", fixed)
      || !read_seconds("SMSOTP_TEST_SKEW", skew)) {
    std::fputs("smsotp-testclock: SMSOTP_TEST_NOW or SMSOTP_TEST_SKEW is not "
               "a whole number\n",
               stderr);
    return 70;
  }
  const EnvironmentClock clock(fixed, skew.value_or(0));
  return smsotp::cli::main(argc, argv, clock);
}
