#pragma once

// How commands use the configured providers: which ones to build, and what
// a provider's answer to a send means for the exit status.

#include "cli/context.hpp"
#include "core/exit_code.hpp"
#include "core/types.hpp"
#include "provider/base/provider.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace smsotp::cli {

// The providers to try, in order: `only` if given, else send.providers.
// Throws Error(config) if none is configured or a name in the file is
// unknown, Error(usage) naming `named_by` if `only` is unknown.
std::vector<std::unique_ptr<provider::Provider>>
make_providers(const Context& context,
               const std::optional<std::string>& only,
               const std::string& named_by = "--provider");

// The exit status for a provider's answer to a send (DESIGN §2).
core::ExitCode exit_for_send(core::SendStatus status);

} // namespace smsotp::cli
