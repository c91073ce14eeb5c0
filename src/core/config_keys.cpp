// The table of settable keys and the one function that checks and stores a
// value, whatever its source (file, environment, flag).

#include "core/config_keys.hpp"

#include "core/duration.hpp"
#include "core/error.hpp"
#include "util/fs.hpp"
#include "util/string.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace smsotp::core {

namespace detail {

namespace {

Setting<std::int64_t> Config::*int_member(const std::string& name)
{
  if (name == "otp.length") {
    return &Config::code_length;
  }
  if (name == "otp.ttl") {
    return &Config::ttl;
  }
  if (name == "otp.max_attempts") {
    return &Config::max_attempts;
  }
  if (name == "otp.lockout_after") {
    return &Config::lockout_after;
  }
  if (name == "send.provider_cooldown") {
    return &Config::provider_cooldown;
  }
  if (name == "message.max_segments") {
    return &Config::max_segments;
  }
  if (name == "limits.per_recipient") {
    return &Config::limit_per_recipient;
  }
  if (name == "limits.per_recipient_window") {
    return &Config::limit_per_recipient_window;
  }
  if (name == "limits.min_interval") {
    return &Config::limit_min_interval;
  }
  if (name == "limits.per_recipient_daily") {
    return &Config::limit_per_recipient_daily;
  }
  if (name == "limits.per_prefix_hourly") {
    return &Config::limit_per_prefix_hourly;
  }
  if (name == "limits.global_hourly") {
    return &Config::limit_global_hourly;
  }
  if (name == "limits.global_daily") {
    return &Config::limit_global_daily;
  }
  if (name == "otp.lockout_duration") {
    return &Config::lockout_duration;
  }
  if (name == "store.connect_timeout") {
    return &Config::connect_timeout;
  }
  if (name == "store.statement_timeout") {
    return &Config::statement_timeout;
  }
  if (name == "store.lock_timeout") {
    return &Config::lock_timeout;
  }
  return nullptr;
}

Setting<std::string> Config::*string_member(const std::string& name)
{
  if (name == "otp.purpose") {
    return &Config::purpose;
  }
  if (name == "store.database") {
    return &Config::database;
  }
  if (name == "store.key_file") {
    return &Config::key_file;
  }
  if (name == "store.schema") {
    return &Config::schema;
  }
  if (name == "message.app") {
    return &Config::app_name;
  }
  if (name == "message.template") {
    return &Config::message_template;
  }
  if (name == "message.webotp_domain") {
    return &Config::webotp_domain;
  }
  if (name == "message.android_app_hash") {
    return &Config::android_app_hash;
  }
  if (name == "policy.default_region") {
    return &Config::default_region;
  }
  return nullptr;
}

Setting<std::vector<std::string>> Config::*list_member(const std::string& name)
{
  if (name == "policy.allowed_countries") {
    return &Config::allowed_countries;
  }
  if (name == "policy.blocked_prefixes") {
    return &Config::blocked_prefixes;
  }
  return &Config::provider_order;
}

// Checks the format of a policy.* value and returns it canonical (regions
// upper-case); whether libphonenumber knows a region is checked on use, in
// src/phone/policy.cpp. Sets `problem` if the value is malformed.
std::string policy_value(const std::string& name,
                         const std::string& item,
                         std::string& problem)
{
  if (name == "policy.blocked_prefixes") {
    if (item.size() < 2 || item.size() > 16 || item.front() != '+'
        || !std::all_of(item.begin() + 1, item.end(), [](char c) {
             return c >= '0' && c <= '9';
           })) {
      problem = "expected E.164 prefixes like \"+88\", got \""
                + util::escape_for_display(item) + "\"";
    }
    return item;
  }
  std::string region = item;
  for (auto& c : region) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  const bool empty_ok = name == "policy.default_region" && item.empty();
  const bool letters =
      item.size() == 2 && std::isalpha(static_cast<unsigned char>(item[0])) != 0
      && std::isalpha(static_cast<unsigned char>(item[1])) != 0;
  const bool special =
      name != "policy.default_region" && (item == "001" || item == "*");
  if (!empty_ok && !letters && !special) {
    problem = "expected an ISO 3166 region like \"GB\""
              + std::string(name == "policy.default_region"
                                ? ""
                                : ", \"001\" (non-geographic) or \"*\"")
              + ", got \"" + util::escape_for_display(item) + "\"";
  }
  return region;
}

std::string describe_range(const KeyDef& def)
{
  if (def.kind == KeyKind::duration) {
    return format_duration(def.min) + " to " + format_duration(def.max);
  }
  return std::to_string(def.min) + " to " + std::to_string(def.max);
}

bool valid_purpose(const std::string& text)
{
  return !text.empty() && text.size() <= 64
         && std::all_of(text.begin(), text.end(), [](char c) {
              return std::isalnum(static_cast<unsigned char>(c)) != 0
                     || c == '-' || c == '_' || c == '.';
            });
}

// Lower case only: PostgreSQL folds unquoted names, and a name that needs
// quoting in psql would surprise the operator granting privileges on it.
bool valid_schema_name(const std::string& text)
{
  return !text.empty() && text.size() <= 63
         && std::isdigit(static_cast<unsigned char>(text[0])) == 0
         && std::all_of(text.begin(), text.end(), [](char c) {
              return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                     || c == '_';
            });
}

} // namespace

const std::vector<KeyDef>& key_table()
{
  // TTL bounds: 30 s is the least a person can type a code in; 10 min is the
  // NIST SP 800-63B limit for out-of-band secrets. The lockout ceiling of 100
  // is the NIST limit on consecutive failures.
  static const std::vector<KeyDef> k_keys{
      {"otp.length", KeyKind::integer, 6, 10, ""},
      {"otp.ttl",
       KeyKind::duration,
       30,
       600,
       " (NIST SP 800-63B allows at most 10 minutes)"},
      {"otp.max_attempts", KeyKind::integer, 1, 10, ""},
      {"otp.lockout_after",
       KeyKind::integer,
       1,
       100,
       " (NIST SP 800-63B: at most 100)"},
      {"otp.lockout_duration", KeyKind::duration, 60, 7 * 86400, ""},
      {"otp.purpose", KeyKind::string, 0, 0, ""},
      {"store.database", KeyKind::path, 0, 0, ""},
      {"store.key_file", KeyKind::path, 0, 0, ""},
      // PostgreSQL store: its schema, and how long a command may wait for
      // a connection, one statement, and a lock another host holds.
      {"store.schema", KeyKind::string, 0, 0, ""},
      {"store.connect_timeout", KeyKind::duration, 1, 300, ""},
      {"store.statement_timeout", KeyKind::duration, 1, 3600, ""},
      {"store.lock_timeout", KeyKind::duration, 1, 600, ""},
      {"message.app", KeyKind::string, 0, 0, ""},
      {"message.template", KeyKind::string, 0, 0, ""},
      {"message.max_segments", KeyKind::integer, 1, 10, ""},
      {"message.webotp_domain", KeyKind::string, 0, 0, ""},
      {"message.android_app_hash", KeyKind::string, 0, 0, ""},
      {"message.group_code", KeyKind::boolean, 0, 0, ""},
      {"send.providers", KeyKind::list, 0, 0, ""},
      {"send.provider_cooldown", KeyKind::duration, 0, 3600, ""},
      // Sending limits; 0 turns one off.
      {"limits.per_recipient", KeyKind::integer, 0, 1000, ""},
      {"limits.per_recipient_window", KeyKind::duration, 60, 86400, ""},
      {"limits.min_interval", KeyKind::duration, 0, 3600, ""},
      {"limits.per_recipient_daily", KeyKind::integer, 0, 10000, ""},
      {"limits.per_prefix_hourly", KeyKind::integer, 0, 100000, ""},
      {"limits.global_hourly", KeyKind::integer, 0, 1000000, ""},
      {"limits.global_daily", KeyKind::integer, 0, 10000000, ""},
      {"policy.default_region", KeyKind::string, 0, 0, ""},
      {"policy.allowed_countries", KeyKind::list, 0, 0, ""},
      {"policy.blocked_prefixes", KeyKind::list, 0, 0, ""},
      {"policy.require_mobile", KeyKind::boolean, 0, 0, ""},
  };
  return k_keys;
}

const KeyDef* find_key(const std::string& dotted_key)
{
  for (const auto& def : key_table()) {
    if (dotted_key == def.name) {
      return &def;
    }
  }
  return nullptr;
}

void apply_raw(Config& config,
               const KeyDef& def,
               const RawValue& value,
               Origin origin,
               const std::string& where,
               ExitCode error_class)
{
  const std::string prefix =
      (where.empty() ? std::string() : where + ": ") + def.name;
  const auto fail = [&](const std::string& message) {
    throw Error(error_class, prefix + ": " + message);
  };
  const std::string name = def.name;
  switch (def.kind) {
    case KeyKind::integer:
    case KeyKind::duration: {
      std::optional<std::int64_t> number = value.integer;
      if (!number && value.text) {
        if (def.kind == KeyKind::duration) {
          number = parse_duration(*value.text);
        } else if (std::uint64_t parsed = 0;
                   util::parse_uint(*value.text, parsed)
                   && parsed < (1ULL << 62U)) {
          number = static_cast<std::int64_t>(parsed);
        }
        if (!number) {
          fail(def.kind == KeyKind::duration
                   ? "expected a duration like 30s, 5m or 1h, got \""
                         + util::escape_for_display(*value.text) + "\""
                   : "expected a whole number, got \""
                         + util::escape_for_display(*value.text) + "\"");
        }
      }
      if (!number) {
        fail(def.kind == KeyKind::duration
                 ? "expected a duration string like \"5m\""
                 : "expected an integer");
      }
      if (*number < def.min || *number > def.max) {
        const std::string shown = def.kind == KeyKind::duration
                                      ? format_duration(*number)
                                      : std::to_string(*number);
        fail(shown + " is out of range; allowed " + describe_range(def)
             + def.why_range);
      }
      config.*int_member(name) = {*number, origin, where};
      return;
    }
    case KeyKind::string:
    case KeyKind::path: {
      if (!value.text) {
        fail("expected a string");
      }
      if (name == "otp.purpose" && !valid_purpose(*value.text)) {
        fail("expected 1 to 64 letters, digits, '-', '_' or '.'");
      }
      if (name == "store.schema" && !valid_schema_name(*value.text)) {
        fail("expected a PostgreSQL schema name: 1 to 63 lower-case letters, "
             "digits or '_', not starting with a digit");
      }
      std::string text = *value.text;
      if (name.starts_with("policy.")) {
        std::string problem;
        text = policy_value(name, text, problem);
        if (!problem.empty()) {
          fail(problem);
        }
      }
      config.*string_member(name) = {text, origin, where};
      return;
    }
    case KeyKind::list: {
      std::vector<std::string> items;
      if (value.list) {
        items = *value.list;
      } else if (value.text) {
        for (const auto& item : util::split(*value.text, ',')) {
          if (!util::trim(item).empty()) {
            items.emplace_back(util::trim(item));
          }
        }
      } else {
        fail("expected a list of strings");
      }
      if (name.starts_with("policy.")) {
        for (auto& item : items) {
          std::string problem;
          item = policy_value(name, item, problem);
          if (!problem.empty()) {
            fail(problem);
          }
        }
        if (items.size() > 1
            && std::find(items.begin(), items.end(), "*") != items.end()) {
          fail("\"*\" allows every country and cannot be combined with "
               "other entries");
        }
      }
      config.*list_member(name) = {items, origin, where};
      return;
    }
    case KeyKind::boolean: {
      static const std::vector<std::string> k_true{"true", "1", "yes", "on"};
      static const std::vector<std::string> k_false{"false", "0", "no", "off"};
      std::optional<bool> flag = value.boolean;
      if (!flag && value.text) {
        if (std::find(k_true.begin(), k_true.end(), *value.text)
            != k_true.end()) {
          flag = true;
        } else if (std::find(k_false.begin(), k_false.end(), *value.text)
                   != k_false.end()) {
          flag = false;
        }
      }
      if (!flag) {
        fail("expected true or false");
      }
      (name == "message.group_code"
           ? config.group_code
           : config.require_mobile) = {*flag, origin, where};
      return;
    }
  }
}

} // namespace detail

} // namespace smsotp::core
