#pragma once

// One function per command; each returns the exit status or throws
// smsotp::Error, which cli::main reports.

#include "cli/options.hpp"
#include "cli/output.hpp"
#include "util/clock.hpp"

namespace smsotp::cli {

int run_send(const GlobalOptions& global,
             const SendOptions& options,
             const Output& out,
             const util::Clock& clock);
int run_verify(const GlobalOptions& global,
               const VerifyOptions& options,
               const Output& out,
               const util::Clock& clock);
int run_purge(const GlobalOptions& global,
              const PurgeOptions& options,
              const Output& out,
              const util::Clock& clock);
// `providers`: lists them (options unused).
int run_providers(const GlobalOptions& global,
                  const ProvidersOptions& options,
                  const Output& out,
                  const util::Clock& clock);
// `providers check [NAME...]` and `providers test NAME --to NUMBER`
// (provider_check.cpp).
int run_providers_check(const GlobalOptions& global,
                        const ProvidersOptions& options,
                        const Output& out,
                        const util::Clock& clock);
int run_providers_test(const GlobalOptions& global,
                       const ProvidersOptions& options,
                       const Output& out,
                       const util::Clock& clock);

// `_complete providers|locales` (hidden; complete.cpp): the configured
// provider names or [message.templates] locale tags, one a line, for the
// shell completions in completions/.
int run_complete(const GlobalOptions& global,
                 const std::string& what,
                 const Output& out,
                 const util::Clock& clock);

} // namespace smsotp::cli
