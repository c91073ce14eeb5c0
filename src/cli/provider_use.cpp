#include "cli/provider_use.hpp"

#include "core/error.hpp"
#include "util/string.hpp"

namespace smsotp::cli {

// The exit status for a provider's answer (DESIGN §2).
core::ExitCode exit_for_send(core::SendStatus status)
{
  switch (status) {
    case core::SendStatus::sent:
      return core::ExitCode::success;
    case core::SendStatus::temporary:
      return core::ExitCode::temporary;
    case core::SendStatus::unknown:
      return core::ExitCode::unknown_outcome;
    case core::SendStatus::permanent:
      return core::ExitCode::refused;
    case core::SendStatus::auth:
      return core::ExitCode::permission;
  }
  return core::ExitCode::internal;
}

std::vector<std::unique_ptr<provider::Provider>>
make_providers(const Context& context,
               const std::optional<std::string>& only,
               const std::string& named_by,
               const util::Gate* hold)
{
  const auto& config = context.config;
  std::vector<std::string> names =
      only ? std::vector<std::string>{*only} : config.ordered_providers();
  if (names.empty()) {
    if (config.providers.empty()) {
      throw Error(
          core::ExitCode::config,
          "no provider configured"
              + (config.path.empty() ? std::string(" and no config file found")
                                     : " in " + config.path)
              + "; add a [provider.NAME] table (see sample.toml) or pass "
                "--config");
    }
    throw Error(core::ExitCode::config,
                "several providers are configured; list their order in "
                "send.providers or pass "
                "--provider");
  }
  provider::ProviderContext provider_context;
  provider_context.config_private = config.file_private;
  provider_context.hold = hold;
  std::vector<std::unique_ptr<provider::Provider>> providers;
  for (const auto& name : names) {
    const auto* spec = config.find_provider(name);
    if (spec == nullptr) {
      std::vector<std::string> known;
      for (const auto& candidate : config.providers) {
        known.push_back(candidate.name);
      }
      std::string message =
          "provider '" + util::escape_for_display(name) + "' is not configured";
      if (const auto hint = util::closest_match(name, known); !hint.empty()) {
        message += " (did you mean '" + hint + "'?)";
      } else if (!known.empty()) {
        message += " (configured: " + util::join(known, ", ") + ")";
      }
      // A name typed on the command line is a usage error; one in the file is
      // config.
      throw Error(only ? core::ExitCode::usage : core::ExitCode::config,
                  (only ? named_by + ": " : config.provider_order.where + ": ")
                      + message);
    }
    providers.push_back(provider::make_provider(*spec, provider_context));
  }
  return providers;
}

} // namespace smsotp::cli
