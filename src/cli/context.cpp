#include "cli/context.hpp"

#include "core/database_location.hpp"
#include "core/error.hpp"
#include "message/compose.hpp"
#include "util/string.hpp"

#include <unistd.h>

namespace smsotp::cli {

namespace {

// The keys of `spec` that hold a secret inline. The names come from the
// provider registry, which reads the lists the kinds declare; nothing is
// constructed, so a table that fails to load for another reason (reported
// by the command that uses it) is judged all the same. A table of unknown
// kind is judged by the names no kind uses for a plain value.
std::vector<std::string> inline_secrets(const core::ProviderSpec& spec)
{
  const auto names = provider::secret_names(spec.kind).value_or(
      provider::unambiguous_secret_names());
  std::vector<std::string> found;
  for (const auto& name : names) {
    if (spec.values.contains(name)) {
      found.push_back(name);
    }
  }
  return found;
}

// DESIGN §4: a config that holds a secret inline must be private. Every
// command refuses such a file when others can read it (the secret is
// exposed whether or not this command uses it).
void refuse_exposed_secrets(const core::Config& config)
{
  if (config.path.empty() || config.file_private) {
    return;
  }
  if (config.database.origin == core::Origin::file
      && core::has_password(config.database.value)) {
    throw Error(core::ExitCode::permission,
                "config " + config.path
                    + " can be read by group or others but store.database ("
                    + config.database.where
                    + ") holds a password; chmod 600 " + config.path
                    + ", or move the password to ~/.pgpass (or passfile=) "
                      "or PGPASSWORD; change a password that others may "
                      "have read");
  }
  std::vector<std::string> found;
  std::string example;
  for (const auto& spec : config.providers) {
    for (const auto& name : inline_secrets(spec)) {
      found.push_back("provider." + spec.name + "." + name + " ("
                      + spec.values.at(name).where + ")");
      example = name;
    }
  }
  if (found.empty()) {
    return;
  }
  throw Error(
      core::ExitCode::permission,
      "config " + config.path
          + " can be read by group or others but holds secrets "
            "inline: "
          + util::join(found, ", ") + "; chmod 600 " + config.path
          + ", or move each secret to a *_file key (a chmod 600 file, e.g. "
          + example
          + "_file) or a *_env key (an environment variable); rotate "
            "a secret that others may have read");
}

} // namespace

Context make_context(const GlobalOptions& options,
                     const Output& out,
                     const util::Clock& clock)
{
  // Every user on the host can read argv (ps, /proc): refused before
  // anything else, and the string is not repeated.
  if (core::has_password(options.db_path)) {
    throw Error(core::ExitCode::usage,
                "--db holds a password, which any user on this host can read "
                "in the process list; put the password in ~/.pgpass (or "
                "passfile=), in PGPASSWORD, or set store.database in a chmod "
                "600 config or SMSOTP_STORE_DATABASE");
  }
  Context context{core::load_config(options.config_path), clock, out};
  // Config priority 1: flags.
  if (!options.db_path.empty()) {
    core::apply_text_value(context.config,
                           "store.database",
                           options.db_path,
                           core::Origin::flag,
                           "--db");
  }
  refuse_exposed_secrets(context.config);
  message::validate_config(context.config);
  out.detail(
      "config file: "
      + (context.config.path.empty() ? "(none found)" : context.config.path));
  for (const auto& line : context.config.describe()) {
    out.detail("  " + line);
  }
  return context;
}

store::StoreOptions store_options(const Context& context)
{
  const auto& config = context.config;
  store::StoreOptions options;
  options.database = config.database_path();
  options.schema = config.schema.value;
  options.connect_timeout = config.connect_timeout.value;
  options.statement_timeout = config.statement_timeout.value;
  options.lock_timeout = config.lock_timeout.value;
  options.server_time = !context.clock.fixed();
  return options;
}

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

void apply_flag(core::Config& config,
                const std::string& dotted_key,
                const std::optional<std::string>& value,
                const std::string& flag)
{
  if (value) {
    core::apply_text_value(
        config, dotted_key, *value, core::Origin::flag, flag);
  }
}

std::vector<std::unique_ptr<provider::Provider>>
make_providers(const Context& context,
               const std::optional<std::string>& only,
               const std::string& named_by)
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
  // Under --json stdout must hold exactly one JSON object, so the file
  // provider's "-" goes to stderr instead.
  provider_context.stdout_fd =
      context.out.json() ? STDERR_FILENO : STDOUT_FILENO;
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
