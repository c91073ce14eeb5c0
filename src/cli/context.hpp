#pragma once

// What every command needs: the effective configuration, the clock and the
// output. Built once per run, after argument parsing.

#include "cli/options.hpp"
#include "cli/output.hpp"
#include "core/config.hpp"
#include "core/exit_code.hpp"
#include "provider/base/provider.hpp"
#include "store/store.hpp"
#include "util/clock.hpp"

#include <memory>
#include <vector>

namespace smsotp::cli {

struct Context
{
  core::Config config;
  const util::Clock& clock;
  const Output& out;
};

// Loads the config (file, environment), applies the global flags (--db),
// validates cross-key rules and, with --verbose, shows each value's origin.
Context make_context(const GlobalOptions& options,
                     const Output& out,
                     const util::Clock& clock);

// Where the state lives (store.*), for store::open_store.
store::StoreOptions store_options(const Context& context);

// The providers to try, in order: `only` if given, else send.providers.
// Throws Error(config) if none is configured or a name is unknown.
std::vector<std::unique_ptr<provider::Provider>>
make_providers(const Context& context,
               const std::optional<std::string>& only,
               const std::string& named_by = "--provider");

// `providers check` and `providers test` (provider_check.cpp).
int check_providers(const Context& context,
                    const std::vector<std::string>& names);
int test_provider(const Context& context,
                  const std::string& name,
                  const std::string& to);

// The exit status for a provider's answer to a send.
core::ExitCode exit_for_send(core::SendStatus status);

// Applies a flag value to a setting (e.g. --ttl to otp.ttl): errors are 64.
void apply_flag(core::Config& config,
                const std::string& dotted_key,
                const std::optional<std::string>& value,
                const std::string& flag);

} // namespace smsotp::cli
