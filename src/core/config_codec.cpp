#include "core/config_codec.hpp"

#include "core/duration.hpp"
#include "util/string.hpp"

#include <algorithm>

namespace smsotp::core::detail {

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

std::optional<std::int64_t> whole_number(const std::string& text)
{
  if (std::uint64_t parsed = 0;
      util::parse_uint(text, parsed) && parsed < (1ULL << 62U)) {
    return static_cast<std::int64_t>(parsed);
  }
  return std::nullopt;
}

Codec<std::int64_t> number(bool is_duration, Range range)
{
  const auto shown = [is_duration](std::int64_t value) {
    return is_duration ? format_duration(value) : std::to_string(value);
  };
  const auto parse = [is_duration, range, shown](const RawValue& value) {
    std::optional<std::int64_t> number = value.integer;
    if (!number && value.text) {
      number =
          is_duration ? parse_duration(*value.text) : whole_number(*value.text);
      if (!number) {
        throw BadValue{
            std::string(is_duration ? "expected a duration like 30s, 5m or 1h"
                                    : "expected a whole number")
            + ", got \"" + util::escape_for_display(*value.text) + "\""};
      }
    }
    if (!number) {
      throw BadValue{is_duration ? "expected a duration string like \"5m\""
                                 : "expected an integer"};
    }
    if (*number < range.min || *number > range.max) {
      throw BadValue{shown(*number) + " is out of range; allowed "
                     + shown(range.min) + " to " + shown(range.max)
                     + range.why};
    }
    return *number;
  };
  return {parse, [shown](const Setting<std::int64_t>& setting) {
            return shown(setting.value);
          }};
}

} // namespace

std::string describe_line(const std::string& name,
                          const std::string& shown,
                          Origin origin,
                          const std::string& where)
{
  return name + " = " + shown + " (" + origin_text(origin, where) + ")";
}

KeyDef table_key(const char* name, StringTable Config::*member, bool quoted)
{
  KeyDef def;
  def.name = name;
  def.table = member;
  def.describe = [name, member, quoted](const Config& config,
                                        std::vector<std::string>& lines) {
    for (const auto& [key, setting] : config.*member) {
      lines.push_back(
          describe_line(std::string(name) + "." + key,
                        quoted ? "\"" + setting.value + "\"" : setting.value,
                        setting.origin,
                        setting.where));
    }
  };
  return def;
}

Codec<std::int64_t> count(Range range)
{
  return number(false, range);
}

Codec<std::int64_t> duration(Range range)
{
  return number(true, range);
}

std::string as_is(const Setting<std::string>& setting)
{
  return setting.value;
}

std::string quoted(const Setting<std::string>& setting)
{
  return "\"" + setting.value + "\"";
}

Show or_else(const char* unset)
{
  return [unset](const Setting<std::string>& setting) {
    return setting.value.empty() ? std::string(unset) : setting.value;
  };
}

Codec<std::string> text(const Check& check, Show show)
{
  return {[check](const RawValue& value) {
            if (!value.text) {
              throw BadValue{"expected a string"};
            }
            return check ? check(*value.text) : *value.text;
          },
          std::move(show)};
}

KeyDef
path_key(const char* name, Setting<std::string> Config::*member, Show show)
{
  auto def = key(name, member, text(nullptr, std::move(show)));
  def.is_path = true;
  return def;
}

std::string bracketed(const Setting<std::vector<std::string>>& setting)
{
  return "[" + util::join(setting.value, ", ") + "]";
}

Codec<std::vector<std::string>> list(const ListCheck& check, ListShow show)
{
  return {[check](const RawValue& value) {
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
              throw BadValue{"expected a list of strings"};
            }
            return check ? check(std::move(items)) : items;
          },
          std::move(show)};
}

Codec<bool> boolean()
{
  return {
      [](const RawValue& value) {
        static const std::vector<std::string> k_true{"true", "1", "yes", "on"};
        static const std::vector<std::string> k_false{
            "false", "0", "no", "off"};
        if (value.boolean) {
          return *value.boolean;
        }
        if (value.text) {
          if (std::find(k_true.begin(), k_true.end(), *value.text)
              != k_true.end()) {
            return true;
          }
          if (std::find(k_false.begin(), k_false.end(), *value.text)
              != k_false.end()) {
            return false;
          }
        }
        throw BadValue{"expected true or false"};
      },
      [](const Setting<bool>& setting) {
        return std::string(setting.value ? "true" : "false");
      }};
}

} // namespace smsotp::core::detail
