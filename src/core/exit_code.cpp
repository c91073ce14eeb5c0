#include "core/exit_code.hpp"

#include <array>
#include <utility>

namespace smsotp::core {

namespace {

constexpr std::array<std::pair<ExitCode, std::string_view>, 13> k_classes{{
    {ExitCode::success, "success"},
    {ExitCode::verify_failed, "verification_failed"},
    {ExitCode::usage, "usage"},
    {ExitCode::database, "database"},
    {ExitCode::refused, "refused"},
    {ExitCode::internal, "internal"},
    {ExitCode::cant_create, "cant_create"},
    {ExitCode::io, "io"},
    {ExitCode::temporary, "temporary"},
    {ExitCode::unknown_outcome, "unknown_outcome"},
    {ExitCode::permission, "permission"},
    {ExitCode::config, "config"},
    {ExitCode::interrupted, "interrupted"},
}};

} // namespace

std::string_view exit_class_name(ExitCode code)
{
  for (const auto& [value, name] : k_classes) {
    if (value == code) {
      return name;
    }
  }
  return "internal";
}

std::optional<ExitCode> exit_code_from_class(std::string_view name)
{
  for (const auto& [value, class_name] : k_classes) {
    if (class_name == name) {
      return value;
    }
  }
  return std::nullopt;
}

} // namespace smsotp::core
