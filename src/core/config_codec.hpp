#pragma once

// Internal to core/config*.cpp: the building blocks of the key table. A
// codec parses and checks one kind of value (a count, a duration, a string,
// a list, a boolean) and shows it for --verbose; key() binds a codec to a
// Config member under a name.

#include "core/config_keys.hpp"
#include "core/error.hpp"

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace smsotp::core::detail {

// What a codec throws for a malformed value; the key turns it into an Error
// that names where the value came from and the key.
struct BadValue
{
  std::string problem;
};

template<typename T> struct Codec
{
  std::function<T(const RawValue&)> parse; // throws BadValue
  std::function<std::string(const Setting<T>&)> show;
};

// "name = shown (origin)".
std::string describe_line(const std::string& name,
                          const std::string& shown,
                          Origin origin,
                          const std::string& where);

template<typename T>
KeyDef key(const char* name, Setting<T> Config::*member, Codec<T> codec)
{
  KeyDef def;
  def.name = name;
  def.store =
      [name, member, parse = std::move(codec.parse)](Config& config,
                                                     const RawValue& value,
                                                     Origin origin,
                                                     const std::string& where,
                                                     ExitCode error_class) {
        try {
          config.*member = {parse(value), origin, where};
        } catch (const BadValue& bad) {
          throw Error(error_class,
                      (where.empty() ? std::string() : where + ": ") + name
                          + ": " + bad.problem);
        }
      };
  def.describe = [name, member, show = std::move(codec.show)](
                     const Config& config, std::vector<std::string>& lines) {
    const auto& setting = config.*member;
    lines.push_back(
        describe_line(name, show(setting), setting.origin, setting.where));
  };
  return def;
}

// A table of user-named keys ([message.templates]), filled from the file
// only (config_file.cpp); each entry is listed as "name.key = value".
KeyDef table_key(const char* name, StringTable Config::*member, bool quoted);

// Counts and durations: a whole number (durations also as "5m" text) in
// [min, max]; `why` is appended to a range error.
struct Range
{
  std::int64_t min;
  std::int64_t max;
  const char* why = "";
};
Codec<std::int64_t> count(Range range);
Codec<std::int64_t> duration(Range range);

// A string; `check` returns the value to store (canonical) or throws
// BadValue.
using Check = std::function<std::string(const std::string&)>;
using Show = std::function<std::string(const Setting<std::string>&)>;
std::string as_is(const Setting<std::string>& setting);
std::string quoted(const Setting<std::string>& setting);
Show or_else(const char* unset); // shows `unset` for ""
Codec<std::string> text(const Check& check = nullptr, Show show = as_is);
// A string that is a file path: relative ones in a file resolve against its
// directory.
KeyDef
path_key(const char* name, Setting<std::string> Config::*member, Show show);

// A list of strings, or comma-separated text (empty items dropped).
using ListCheck =
    std::function<std::vector<std::string>(std::vector<std::string>)>;
using ListShow =
    std::function<std::string(const Setting<std::vector<std::string>>&)>;
std::string bracketed(const Setting<std::vector<std::string>>& setting);
Codec<std::vector<std::string>> list(const ListCheck& check = nullptr,
                                     ListShow show = bracketed);

// true/false; as text also 1/0, yes/no, on/off.
Codec<bool> boolean();

} // namespace smsotp::core::detail
