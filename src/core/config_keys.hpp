#pragma once

// Internal to core/config*.cpp: the table of settable keys. Each entry is
// the one place that knows its key: the Config member it fills, how a value
// is parsed and checked, and how --verbose shows it. The file, the
// environment, flags and the listing all go through the table.

#include "core/config.hpp"
#include "core/exit_code.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace smsotp::core::detail {

// A value as found in a file (typed) or given as text (env, flag).
struct RawValue
{
  std::optional<std::int64_t> integer;
  std::optional<std::string> text;
  std::optional<std::vector<std::string>> list;
  std::optional<bool> boolean;
};

// A table whose keys the user names ([message.templates]): a string each.
using StringTable = std::map<std::string, Setting<std::string>>;

struct KeyDef
{
  std::string name; // "section.key"
  // A file path: relative ones in a file resolve against its directory.
  bool is_path = false;
  // Checks a value and stores it with its origin; a bad value throws
  // Error(`error_class`) prefixed "where: name: ". Empty for a StringTable,
  // which only a file can fill (see `table`).
  std::function<void(Config& config,
                     const RawValue& value,
                     Origin origin,
                     const std::string& where,
                     ExitCode error_class)>
      store;
  // Appends this key's "key = value (origin)" lines for --verbose.
  std::function<void(const Config& config, std::vector<std::string>& lines)>
      describe;
  // The member of a StringTable key, else nullptr.
  StringTable Config::*table = nullptr;
};

// Every key, in the order --verbose lists them.
const std::vector<KeyDef>& key_table();
// The entry named "section.key", or nullptr.
const KeyDef* find_key(const std::string& dotted_key);

} // namespace smsotp::core::detail
