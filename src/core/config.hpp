#pragma once

// Configuration: defaults -> file -> environment -> flags, each value
// remembering where it came from. Loading is in config_file.cpp; the key
// table (config_keys.cpp) is the one place that binds each "section.key" to
// its member here, its parser and its formatter.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace smsotp::core {

enum class Origin
{
  default_value,
  file,
  environment,
  flag,
};

template<typename T> struct Setting
{
  Setting() = default;
  Setting(
      T initial) // NOLINT(google-explicit-constructor): defaults read naturally
      : value(std::move(initial))
  {}
  Setting(T initial, Origin from, std::string location)
      : value(std::move(initial)), origin(from), where(std::move(location))
  {}

  T value{};
  Origin origin = Origin::default_value;
  std::string where; // "file:line:col", "SMSOTP_X" or "--flag"; "" for defaults
};

// A value from a [provider.NAME] table, kept raw: each provider kind knows
// its own keys (src/provider/) and validates them.
struct ProviderValue
{
  enum class Type
  {
    string,
    integer,
    boolean,
    string_list,
  };
  Type type = Type::string;
  std::string text; // string value, or the integer/boolean as written
  std::int64_t integer = 0;
  bool boolean = false;
  std::vector<std::string> list;
  std::string where; // file:line:col
};

struct ProviderSpec
{
  std::string name;
  std::string kind;
  std::string where;          // where the table starts
  std::string base_directory; // relative paths in values resolve here
  std::map<std::string, ProviderValue> values;
};

struct Config
{
  // The file that was read, "" if none was found.
  std::string path;
  // True if that file is readable by its owner only, which is the condition
  // for keeping secrets inline (DESIGN §4).
  bool file_private = false;

  Setting<std::int64_t> code_length{6};
  Setting<std::int64_t> ttl{300};
  Setting<std::int64_t> max_attempts{5};
  Setting<std::int64_t> lockout_after{20};
  Setting<std::int64_t> lockout_duration{3600};
  Setting<std::string> purpose{"login"};
  Setting<std::string> database;
  Setting<std::string> key_file;
  // PostgreSQL store only (see store::StoreOptions).
  Setting<std::string> schema{"smsotp"};
  Setting<std::int64_t> connect_timeout{5};
  Setting<std::int64_t> statement_timeout{10};
  Setting<std::int64_t> lock_timeout{5};
  Setting<std::string> app_name{"smsotp"};
  Setting<std::string> message_template{
      "{app}: your code is {code}. It expires in {ttl_minutes} min. Do not "
      "share it."};
  // More of [message] (src/message/compose.hpp; validated at load there).
  Setting<std::int64_t> max_segments{1};
  Setting<std::string> webotp_domain;    // "" = no WebOTP line
  Setting<std::string> android_app_hash; // "" = no SMS Retriever line
  Setting<bool> group_code{false};
  // [message.templates] (locale tag -> template) and
  // [message.country_locales] (ISO region -> locale tag), keys as written.
  std::map<std::string, Setting<std::string>> message_templates;
  std::map<std::string, Setting<std::string>> country_locales;
  Setting<std::vector<std::string>> provider_order;
  Setting<std::int64_t> provider_cooldown{60};
  // Sending limits (DESIGN §4), checked before any HTTP call.
  Setting<std::int64_t> limit_per_recipient{3};
  Setting<std::int64_t> limit_per_recipient_window{600};
  Setting<std::int64_t> limit_min_interval{30};
  Setting<std::int64_t> limit_per_recipient_daily{10};
  Setting<std::int64_t> limit_per_prefix_hourly{10};
  Setting<std::int64_t> limit_global_hourly{100};
  Setting<std::int64_t> limit_global_daily{1000};
  // [policy] (src/phone/policy.hpp). allowed_countries has no default: send
  // refuses to run until it is set (["*"] allows every country).
  Setting<std::string> default_region; // "" = international input only
  Setting<std::vector<std::string>> allowed_countries;
  Setting<std::vector<std::string>> blocked_prefixes;
  Setting<bool> require_mobile{false};
  std::vector<ProviderSpec> providers;
  // [log]: the audit trail in syslog (src/cli/audit.hpp).
  Setting<bool> log_syslog{true};
  Setting<std::string> log_facility{"authpriv"};

  // The database: store.database (a path or a PostgreSQL location), else
  // state.db in the state directory. Throws Error(config) if none could be
  // derived.
  std::string database_path() const;
  // The key file: store.key_file, else smsotp.key next to the SQLite
  // database, or in the state directory for a PostgreSQL store.
  std::string key_path() const;
  // The provider table called `name`, or nullptr.
  const ProviderSpec* find_provider(const std::string& name) const;
  // Provider names in failover order: send.providers, or the only one.
  std::vector<std::string> ordered_providers() const;
};

// "key = value (origin)" lines for --verbose, one per setting (one per
// entry of [message.templates] and [message.country_locales]), in the order
// of the key table (core/config_keys.cpp). Secrets are masked.
std::vector<std::string> describe_settings(const Config& config);

// Applies one value given as text (environment or flag) to the setting
// named "section.key", e.g. "otp.ttl". Range and format errors throw
// Error(config) for the environment and Error(usage) for flags.
void apply_text_value(Config& config,
                      const std::string& dotted_key,
                      const std::string& text,
                      Origin origin,
                      const std::string& where);

// All "section.key" names that text (environment, flags) can set, for "did
// you mean" and documentation: every key but the tables of user-named keys.
std::vector<std::string> setting_names(const std::string& section);

// The environment variable for a setting: "otp.ttl" -> "SMSOTP_OTP_TTL".
std::string env_name(const std::string& dotted_key);

// Applies SMSOTP_* environment overrides for every non-secret setting.
void apply_environment(Config& config);

// The files load_config looks for when neither --config nor $SMSOTP_CONFIG
// names one, in order: $XDG_CONFIG_HOME/smsotp/config.toml (or
// ~/.config/smsotp/config.toml; neither without an absolute XDG_CONFIG_HOME
// or HOME), then /etc/smsotp/config.toml.
std::vector<std::string> config_search_paths();

// The file load_config reads for `flag_path`: `flag_path`, else
// $SMSOTP_CONFIG, else the first of config_search_paths() that exists;
// "" if there is none.
std::string find_config_path(const std::string& flag_path);

// Finds the config file (`flag_path`, else $SMSOTP_CONFIG, else
// $XDG_CONFIG_HOME/smsotp/config.toml or ~/.config/smsotp/config.toml, else
// /etc/smsotp/config.toml), reads it and applies the environment. A path
// given explicitly must exist; the implicit ones are skipped when absent.
// Throws Error(config) with "file:line:col" for any problem in the file and
// Error(permission) if the file is writable by others.
Config load_config(const std::string& flag_path);

// Parses TOML text as if read from `source_name` (in directory
// `base_directory`) on top of `config`. Used by load_config and tests.
void parse_config_text(Config& config,
                       const std::string& text,
                       const std::string& source_name,
                       const std::string& base_directory);

} // namespace smsotp::core
