#include "core/config.hpp"

#include "core/config_keys.hpp"
#include "core/database_location.hpp"
#include "core/error.hpp"
#include "util/fs.hpp"

#include <cctype>
#include <cstdlib>

namespace smsotp::core {

namespace {

// $XDG_STATE_HOME/smsotp, else ~/.local/state/smsotp.
std::string state_directory()
{
  const char* state_home = std::getenv("XDG_STATE_HOME");
  if (state_home != nullptr && state_home[0] == '/') {
    return std::string(state_home) + "/smsotp";
  }
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] == '/') {
    return std::string(home) + "/.local/state/smsotp";
  }
  throw Error(ExitCode::config,
              "no state directory: HOME is not set; set store.database and "
              "store.key_file in the config, or pass --db");
}

} // namespace

std::string Config::database_path() const
{
  if (!database.value.empty()) {
    return database.value;
  }
  return state_directory() + "/state.db";
}

std::string Config::key_path() const
{
  if (!key_file.value.empty()) {
    return key_file.value;
  }
  if (is_postgres_location(database.value)) {
    return state_directory() + "/smsotp.key";
  }
  return util::parent_directory(database_path()) + "/smsotp.key";
}

const ProviderSpec* Config::find_provider(const std::string& name) const
{
  for (const auto& spec : providers) {
    if (spec.name == name) {
      return &spec;
    }
  }
  return nullptr;
}

std::vector<std::string> Config::ordered_providers() const
{
  if (!provider_order.value.empty()) {
    return provider_order.value;
  }
  if (providers.size() == 1) {
    return {providers.front().name};
  }
  return {};
}

std::vector<std::string> describe_settings(const Config& config)
{
  std::vector<std::string> lines;
  for (const auto& def : detail::key_table()) {
    def.describe(config, lines);
  }
  return lines;
}

void apply_text_value(Config& config,
                      const std::string& dotted_key,
                      const std::string& text,
                      Origin origin,
                      const std::string& where)
{
  const auto* def = detail::find_key(dotted_key);
  if (def == nullptr || !def->store) {
    throw Error(ExitCode::internal, "unknown setting " + dotted_key);
  }
  def->store(config,
             {std::nullopt, text, std::nullopt, std::nullopt},
             origin,
             where,
             origin == Origin::flag ? ExitCode::usage : ExitCode::config);
}

std::vector<std::string> setting_names(const std::string& section)
{
  std::vector<std::string> names;
  for (const auto& def : detail::key_table()) {
    if (!def.store) {
      continue; // a table of user-named keys: file only
    }
    const std::string& name = def.name;
    if (section.empty()) {
      names.push_back(name);
    } else if (name.starts_with(section + ".")) {
      names.push_back(name.substr(section.size() + 1));
    }
  }
  return names;
}

std::string env_name(const std::string& dotted_key)
{
  std::string name = "SMSOTP_";
  for (const char c : dotted_key) {
    name +=
        c == '.'
            ? '_'
            : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

void apply_environment(Config& config)
{
  // Config priority 2: environment (non-secret settings only; secrets have
  // their own *_env keys per provider).
  for (const auto& def : detail::key_table()) {
    if (!def.store) {
      continue; // a table of user-named keys: file only
    }
    const std::string variable = env_name(def.name);
    const char* value = std::getenv(variable.c_str());
    if (value != nullptr && value[0] != '\0') {
      def.store(config,
                {std::nullopt, value, std::nullopt, std::nullopt},
                Origin::environment,
                variable,
                ExitCode::config);
    }
  }
}

} // namespace smsotp::core
