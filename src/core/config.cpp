#include "core/config.hpp"

#include "core/config_keys.hpp"
#include "core/database_location.hpp"
#include "core/duration.hpp"
#include "core/error.hpp"
#include "util/fs.hpp"
#include "util/string.hpp"

#include <algorithm>
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

namespace {

std::string origin_text(Origin origin, const std::string& where)
{
  switch (origin) {
    case Origin::default_value:
      return "default";
    case Origin::file:
      return "file " + where;
    case Origin::environment:
      return "environment " + where;
    case Origin::flag:
      return "flag " + where;
  }
  return "default";
}

} // namespace

std::vector<std::string> Config::describe() const
{
  std::vector<std::string> lines;
  const auto add = [&](const std::string& key,
                       const std::string& value,
                       const auto& setting) {
    lines.push_back(key + " = " + value + " ("
                    + origin_text(setting.origin, setting.where) + ")");
  };
  add("otp.length", std::to_string(code_length.value), code_length);
  add("otp.ttl", format_duration(ttl.value), ttl);
  add("otp.max_attempts", std::to_string(max_attempts.value), max_attempts);
  add("otp.lockout_after", std::to_string(lockout_after.value), lockout_after);
  add("otp.lockout_duration",
      format_duration(lockout_duration.value),
      lockout_duration);
  add("otp.purpose", purpose.value, purpose);
  add("store.database",
      database.value.empty() ? "(derived)" : masked_location(database.value),
      database);
  add("store.key_file",
      key_file.value.empty() ? "(derived)" : key_file.value,
      key_file);
  add("store.schema", schema.value, schema);
  add("store.connect_timeout",
      format_duration(connect_timeout.value),
      connect_timeout);
  add("store.statement_timeout",
      format_duration(statement_timeout.value),
      statement_timeout);
  add("store.lock_timeout", format_duration(lock_timeout.value), lock_timeout);
  add("message.app", app_name.value, app_name);
  add("message.template",
      "\"" + message_template.value + "\"",
      message_template);
  add("message.max_segments", std::to_string(max_segments.value), max_segments);
  add("message.webotp_domain",
      webotp_domain.value.empty() ? "(none)" : webotp_domain.value,
      webotp_domain);
  add("message.android_app_hash",
      android_app_hash.value.empty() ? "(none)" : android_app_hash.value,
      android_app_hash);
  add("message.group_code", group_code.value ? "true" : "false", group_code);
  for (const auto& [tag, text] : message_templates) {
    add("message.templates." + tag, "\"" + text.value + "\"", text);
  }
  for (const auto& [region, tag] : country_locales) {
    add("message.country_locales." + region, tag.value, tag);
  }
  add("send.providers",
      "[" + util::join(provider_order.value, ", ") + "]",
      provider_order);
  add("send.provider_cooldown",
      format_duration(provider_cooldown.value),
      provider_cooldown);
  add("limits.per_recipient",
      std::to_string(limit_per_recipient.value),
      limit_per_recipient);
  add("limits.per_recipient_window",
      format_duration(limit_per_recipient_window.value),
      limit_per_recipient_window);
  add("limits.min_interval",
      format_duration(limit_min_interval.value),
      limit_min_interval);
  add("limits.per_recipient_daily",
      std::to_string(limit_per_recipient_daily.value),
      limit_per_recipient_daily);
  add("limits.per_prefix_hourly",
      std::to_string(limit_per_prefix_hourly.value),
      limit_per_prefix_hourly);
  add("limits.global_hourly",
      std::to_string(limit_global_hourly.value),
      limit_global_hourly);
  add("limits.global_daily",
      std::to_string(limit_global_daily.value),
      limit_global_daily);
  add("policy.default_region",
      default_region.value.empty() ? "(none)" : default_region.value,
      default_region);
  add("policy.allowed_countries",
      allowed_countries.origin == Origin::default_value
          ? "(not set)"
          : "[" + util::join(allowed_countries.value, ", ") + "]",
      allowed_countries);
  add("policy.blocked_prefixes",
      "[" + util::join(blocked_prefixes.value, ", ") + "]",
      blocked_prefixes);
  add("policy.require_mobile",
      require_mobile.value ? "true" : "false",
      require_mobile);
  return lines;
}

void apply_text_value(Config& config,
                      const std::string& dotted_key,
                      const std::string& text,
                      Origin origin,
                      const std::string& where)
{
  const auto* def = detail::find_key(dotted_key);
  if (def == nullptr) {
    throw Error(ExitCode::internal, "unknown setting " + dotted_key);
  }
  const ExitCode error_class =
      origin == Origin::flag ? ExitCode::usage : ExitCode::config;
  detail::apply_raw(config,
                    *def,
                    {std::nullopt, text, std::nullopt, std::nullopt},
                    origin,
                    where,
                    error_class);
}

std::vector<std::string> setting_names(const std::string& section)
{
  std::vector<std::string> names;
  for (const auto& def : detail::key_table()) {
    const std::string name = def.name;
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
    const std::string variable = env_name(def.name);
    const char* value = std::getenv(variable.c_str());
    if (value != nullptr && value[0] != '\0') {
      apply_text_value(config, def.name, value, Origin::environment, variable);
    }
  }
}

} // namespace smsotp::core
