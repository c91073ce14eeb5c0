#pragma once

// smsotp::Error is the one exception type for operational failures. It
// carries the exit class; cli::main catches it once and maps it to the exit
// status. Expected outcomes (a wrong code, a provider's "try later") are
// values, not exceptions. A failure may also carry fields of the command's
// own JSON result that apply to it (with_fields), so that every command
// leaves through that one catch, --json or not.

#include "core/exit_code.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

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

  // Fields of the command's JSON result that hold for this failure too (the
  // challenge id of a send whose outcome is unknown, a locked verify's
  // verified/reason/locked): under --json, cli prints them at the top level
  // of the one object, beside "error". For
  // `throw Error(...).with_fields(...)`: the failure is moved into the result.
  [[nodiscard]] Error
  with_fields(std::shared_ptr<const nlohmann::json> fields) &&
  {
    m_fields = std::move(fields);
    return std::move(*this);
  }

  // Null when the failure carries no command fields.
  [[nodiscard]] const nlohmann::json* fields() const
  {
    return m_fields.get();
  }

private:
  core::ExitCode m_code;
  std::optional<std::int64_t> m_retry_after;
  // Shared, so that copying the exception cannot throw (cert-err60-cpp).
  std::shared_ptr<const nlohmann::json> m_fields;
};

} // namespace smsotp
