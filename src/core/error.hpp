#pragma once

// smsotp::Error is the one exception type for operational failures. It
// carries the exit class; cli::main catches it once and maps it to the exit
// status. Expected outcomes (a wrong code, a provider's "try later") are
// values, not exceptions.

#include "core/exit_code.hpp"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace smsotp {

// Default visibility: modules (core/module.hpp) throw it to the executable.
class __attribute__((visibility("default"))) Error : public std::runtime_error
{
public:
  Error(core::ExitCode code, const std::string& message)
      : std::runtime_error(message), m_code(code)
  {}

  Error(core::ExitCode code,
        const std::string& message,
        std::int64_t retry_after)
      : std::runtime_error(message), m_code(code), m_retry_after(retry_after)
  {}

  [[nodiscard]] core::ExitCode code() const
  {
    return m_code;
  }

  // Seconds after which a retry makes sense (75 and 76 only).
  [[nodiscard]] std::optional<std::int64_t> retry_after() const
  {
    return m_retry_after;
  }

private:
  core::ExitCode m_code;
  std::optional<std::int64_t> m_retry_after;
};

} // namespace smsotp
