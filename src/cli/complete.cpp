#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "core/error.hpp"

#include <set>

namespace smsotp::cli {

namespace {

// What the shell completions (completions/) may ask for.
constexpr std::string_view k_providers = "providers";
constexpr std::string_view k_locales = "locales";

} // namespace

int run_complete(const GlobalOptions& global,
                 const std::string& what,
                 const Output& out,
                 const util::Clock& clock)
{
  // Reads the configuration only: no database, no network, no secret (the
  // provider tables are not built, so one that would fail to load still
  // completes its name). The names are not secrets; each goes on its own
  // line, once, sorted, so a shell offers each name once.
  const auto context = make_context(global, out, clock);
  std::set<std::string> names;
  if (what == k_providers) {
    for (const auto& spec : context.config.providers) {
      names.insert(spec.name);
    }
  } else if (what == k_locales) {
    // The tags --locale accepts: each [message.templates] key as written.
    for (const auto& [tag, setting] : context.config.message_templates) {
      names.insert(tag);
    }
  } else {
    throw Error(core::ExitCode::usage,
                "_complete takes 'providers' or 'locales', not '" + what + "'");
  }
  for (const auto& name : names) {
    out.data(name);
  }
  out.result({{"names", names}});
  return 0;
}

} // namespace smsotp::cli
