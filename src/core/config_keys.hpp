#pragma once

// Internal to core/config*.cpp: the table of settable keys and the one
// function that checks and stores a value, whatever its source.

#include "core/config.hpp"
#include "core/exit_code.hpp"

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

enum class KeyKind
{
  integer,
  duration,
  string,
  path,
  list,
  boolean,
};

struct KeyDef
{
  const char* name; // "section.key"
  KeyKind kind;
  std::int64_t min;
  std::int64_t max;
  const char* why_range; // appended to range errors, may be ""
};

const std::vector<KeyDef>& key_table();
const KeyDef* find_key(const std::string& dotted_key);

// Checks `value` against `def` and stores it. `where` prefixes error
// messages; errors throw Error(`error_class`).
void apply_raw(Config& config,
               const KeyDef& def,
               const RawValue& value,
               Origin origin,
               const std::string& where,
               ExitCode error_class);

} // namespace smsotp::core::detail
