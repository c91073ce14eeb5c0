#pragma once

// Time source. Logic takes a Clock so tests can fix "now"; the release
// binary only ever uses SystemClock (see src/main.cpp).

#include <chrono>
#include <cstdint>

namespace smsotp::util {

class Clock
{
public:
  virtual ~Clock() = default;
  // Seconds since the Unix epoch, UTC.
  virtual std::int64_t now() const = 0;
  // True if now() is set by a test rather than read from the system: a
  // store with its own clock (the PostgreSQL server's) must then follow it.
  virtual bool fixed() const
  {
    return false;
  }
};

class SystemClock : public Clock
{
public:
  std::int64_t now() const override
  {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

} // namespace smsotp::util
