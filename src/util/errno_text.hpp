#pragma once

// The text of an errno value, for error messages.

#include <array>
#include <cstring>
#include <string>

namespace smsotp::util {

// Like std::strerror, but safe while another thread runs (send sets up
// its connection on a second thread): std::strerror may return a buffer
// that a call on another thread overwrites; GNU strerror_r returns either
// `buffer` or a static string, never shared state.
inline std::string errno_text(int error)
{
  std::array<char, 256> buffer{};
  return ::strerror_r(error, buffer.data(), buffer.size());
}

} // namespace smsotp::util
