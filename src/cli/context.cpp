#include "cli/context.hpp"

#include "cli/audit.hpp"
#include "core/database_location.hpp"
#include "core/error.hpp"
#include "core/module.hpp"
#include "message/compose.hpp"
#include "provider/base/provider.hpp"
#include "util/fs.hpp"
#include "util/string.hpp"

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
                    + config.database.where + ") holds a password; chmod 600 "
                    + config.path
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

// `path` as one shell word, for a command the user may paste.
std::string shell_word(const std::string& path)
{
  if (path.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuv"
                             "wxyz0123456789/._+-")
      == std::string::npos) {
    return path;
  }
  std::string quoted = "'";
  for (const char c : path) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

} // namespace

void require_config_file(const GlobalOptions& options)
{
  if (!core::find_config_path(options.config_path).empty()) {
    return;
  }
  const auto searched = core::config_search_paths();
  std::string example;
  try {
    example = core::beside_executable(SMSOTP_EXAMPLE_DIR "/sample.toml");
  } catch (const Error&) { // NOLINT(bugprone-empty-catch): no example then
  }
  const std::string start = !example.empty() && util::path_exists(example)
                                ? "install -D -m 600 " + shell_word(example)
                                      + " " + shell_word(searched.front())
                                : "copy sample.toml from the smsotp sources to "
                                      + shell_word(searched.front());
  throw Error(core::ExitCode::config,
              "no config file found (looked for --config, $SMSOTP_CONFIG, "
                  + util::join(searched, ", ")
                  + "); to start, copy the example configuration, which "
                    "writes messages to standard error instead of sending "
                    "them: "
                  + start
                  + "; then list your countries in [policy] "
                    "allowed_countries and add a real [provider.NAME] "
                    "(smsotp(1), CONFIGURATION), or pass --config FILE");
}

Context make_context(const GlobalOptions& options,
                     const Output& out,
                     const util::Clock& clock,
                     const std::vector<KeyFlag>& key_flags)
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
  auto flags = options.key_flags();
  flags.insert(flags.end(), key_flags.begin(), key_flags.end());
  for (const auto& flag : flags) {
    if (flag.value) {
      core::apply_text_value(
          context.config, flag.key, *flag.value, core::Origin::flag, flag.flag);
    }
  }
  audit::configure(context.config);
  refuse_exposed_secrets(context.config);
  message::validate_config(context.config);
  // Every setting's origin is long (one line per key): -vv, so that -v
  // leads with what went wrong.
  out.settings(
      "config file: "
      + (context.config.path.empty() ? "(none found)" : context.config.path));
  for (const auto& line : core::describe_settings(context.config)) {
    out.settings("  " + line);
  }
  return context;
}

} // namespace smsotp::cli
