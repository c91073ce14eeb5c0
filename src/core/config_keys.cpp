// The table of settable keys: each entry binds a Config member to the codec
// that parses, checks and shows its value (core/config_codec.hpp), whatever
// the source (file, environment, flag). The checks only some keys need are
// here too.

#include "core/config_keys.hpp"

#include "core/config_codec.hpp"
#include "core/database_location.hpp"
#include "util/string.hpp"

#include <algorithm>
#include <cctype>

namespace smsotp::core::detail {

namespace {

std::string purpose(const std::string& text)
{
  if (text.empty() || text.size() > 64
      || !std::all_of(text.begin(), text.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-'
                  || c == '_' || c == '.';
         })) {
    throw BadValue{"expected 1 to 64 letters, digits, '-', '_' or '.'"};
  }
  return text;
}

// Lower case only: PostgreSQL folds unquoted names, and a name that needs
// quoting in psql would surprise the operator granting privileges on it.
std::string schema_name(const std::string& text)
{
  if (text.empty() || text.size() > 63
      || std::isdigit(static_cast<unsigned char>(text[0])) != 0
      || !std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
         })) {
    throw BadValue{"expected a PostgreSQL schema name: 1 to 63 lower-case "
                   "letters, digits or '_', not starting with a digit"};
  }
  return text;
}

// Policy values are checked for form and stored canonical (regions upper
// case); whether libphonenumber knows a region is checked on use, in
// src/phone/policy.cpp.
bool is_region(const std::string& text)
{
  return text.size() == 2
         && std::isalpha(static_cast<unsigned char>(text[0])) != 0
         && std::isalpha(static_cast<unsigned char>(text[1])) != 0;
}

std::string upper(std::string text)
{
  for (auto& c : text) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return text;
}

// policy.default_region: a region, or "" for international input only.
std::string default_region(const std::string& text)
{
  if (!text.empty() && !is_region(text)) {
    throw BadValue{"expected an ISO 3166 region like \"GB\", got \""
                   + util::escape_for_display(text) + "\""};
  }
  return upper(text);
}

std::vector<std::string> allowed_countries(std::vector<std::string> items)
{
  for (auto& item : items) {
    if (!is_region(item) && item != "001" && item != "*") {
      throw BadValue{"expected an ISO 3166 region like \"GB\", \"001\" "
                     "(non-geographic) or \"*\", got \""
                     + util::escape_for_display(item) + "\""};
    }
    item = upper(item);
  }
  if (items.size() > 1
      && std::find(items.begin(), items.end(), "*") != items.end()) {
    throw BadValue{"\"*\" allows every country and cannot be combined with "
                   "other entries"};
  }
  return items;
}

std::vector<std::string> blocked_prefixes(std::vector<std::string> items)
{
  for (const auto& item : items) {
    if (item.size() < 2 || item.size() > 16 || item.front() != '+'
        || !std::all_of(item.begin() + 1, item.end(), [](char c) {
             return c >= '0' && c <= '9';
           })) {
      throw BadValue{"expected E.164 prefixes like \"+88\", got \""
                     + util::escape_for_display(item) + "\""};
    }
  }
  return items;
}

// log.facility: the syslog facilities an audit trail belongs in (auth and
// authpriv are where sshd and sudo log; local0..local7 are the site's own).
// cli/audit.cpp maps each name to its code.
std::string syslog_facility(const std::string& text)
{
  static const std::vector<std::string> k_names{"auth",
                                                "authpriv",
                                                "daemon",
                                                "user",
                                                "local0",
                                                "local1",
                                                "local2",
                                                "local3",
                                                "local4",
                                                "local5",
                                                "local6",
                                                "local7"};
  if (std::find(k_names.begin(), k_names.end(), text) == k_names.end()) {
    throw BadValue{"expected a syslog facility: " + util::join(k_names, ", ")
                   + "; got \"" + util::escape_for_display(text) + "\""};
  }
  return text;
}

std::vector<KeyDef> make_table()
{
  // TTL bounds: 30 s is the least a person can type a code in; 10 min is the
  // NIST SP 800-63B limit for out-of-band secrets. The lockout ceiling of 100
  // is the NIST limit on consecutive failures.
  return {
      key("otp.length", &Config::code_length, count({6, 10})),
      key("otp.ttl",
          &Config::ttl,
          duration({30, 600, " (NIST SP 800-63B allows at most 10 minutes)"})),
      key("otp.max_attempts", &Config::max_attempts, count({1, 10})),
      key("otp.lockout_after",
          &Config::lockout_after,
          count({1, 100, " (NIST SP 800-63B: at most 100)"})),
      key("otp.lockout_duration",
          &Config::lockout_duration,
          duration({60, std::int64_t{7} * 86400})),
      key("otp.purpose", &Config::purpose, text(purpose)),
      path_key("store.database",
               &Config::database,
               [](const Setting<std::string>& setting) {
                 return setting.value.empty() ? std::string("(derived)")
                                              : masked_location(setting.value);
               }),
      path_key("store.key_file", &Config::key_file, or_else("(derived)")),
      // PostgreSQL store: its schema, and how long a command may wait for a
      // connection, one statement, and a lock another host holds.
      key("store.schema", &Config::schema, text(schema_name)),
      key("store.connect_timeout",
          &Config::connect_timeout,
          duration({1, 300})),
      key("store.statement_timeout",
          &Config::statement_timeout,
          duration({1, 3600})),
      key("store.lock_timeout", &Config::lock_timeout, duration({1, 600})),
      key("message.app", &Config::app_name, text()),
      key("message.template", &Config::message_template, text(nullptr, quoted)),
      key("message.max_segments", &Config::max_segments, count({1, 10})),
      key("message.webotp_domain",
          &Config::webotp_domain,
          text(nullptr, or_else("(none)"))),
      key("message.android_app_hash",
          &Config::android_app_hash,
          text(nullptr, or_else("(none)"))),
      key("message.group_code", &Config::group_code, boolean()),
      table_key("message.templates", &Config::message_templates, true),
      table_key("message.country_locales", &Config::country_locales, false),
      key("send.providers", &Config::provider_order, list()),
      key("send.provider_cooldown",
          &Config::provider_cooldown,
          duration({0, 3600})),
      // Sending limits; 0 turns one off.
      key("limits.per_recipient",
          &Config::limit_per_recipient,
          count({0, 1000})),
      key("limits.per_recipient_window",
          &Config::limit_per_recipient_window,
          duration({60, 86400})),
      key("limits.min_interval",
          &Config::limit_min_interval,
          duration({0, 3600})),
      key("limits.per_recipient_daily",
          &Config::limit_per_recipient_daily,
          count({0, 10000})),
      key("limits.per_prefix_hourly",
          &Config::limit_per_prefix_hourly,
          count({0, 100000})),
      key("limits.global_hourly",
          &Config::limit_global_hourly,
          count({0, 1000000})),
      key("limits.global_daily",
          &Config::limit_global_daily,
          count({0, 10000000})),
      key("policy.default_region",
          &Config::default_region,
          text(default_region, or_else("(none)"))),
      // No default: send refuses to run until it is set.
      key("policy.allowed_countries",
          &Config::allowed_countries,
          list(allowed_countries,
               [](const Setting<std::vector<std::string>>& setting) {
                 return setting.origin == Origin::default_value
                            ? std::string("(not set)")
                            : bracketed(setting);
               })),
      key("policy.blocked_prefixes",
          &Config::blocked_prefixes,
          list(blocked_prefixes)),
      key("policy.require_mobile", &Config::require_mobile, boolean()),
      key("log.syslog", &Config::log_syslog, boolean()),
      key("log.facility", &Config::log_facility, text(syslog_facility)),
  };
}

} // namespace

const std::vector<KeyDef>& key_table()
{
  static const std::vector<KeyDef> k_keys = make_table();
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

} // namespace smsotp::core::detail
