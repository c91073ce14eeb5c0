#pragma once

// A lexical pre-scan of config text that bounds nesting before toml++ sees
// it: the parser recurses once per table level, dotted-key part, array and
// inline table, so a 100 KB file of `[k.k.k...]` or `a.a.a... = 1` would
// overflow the stack. The scan knows TOML's strings and comments well enough
// that brackets, dots and quotes inside them are not counted.

#include <optional>
#include <string_view>

namespace smsotp::core {

// The deepest config smsotp accepts. Its own settings need at most 4 levels
// (`[provider.NAME]`, a key, an inline table or a list); anything deeper is
// not a smsotp config.
constexpr int k_max_config_nesting = 16;

// Where nesting first goes over the limit (1-based line and byte column).
struct NestingProblem
{
  int line = 0;
  int column = 0;
};

// Depth counts one level per part of a table header (`[a.b]` is 2), per
// part of a key on top of its table's depth (`c.d = 1` under `[a.b]` is 4),
// per array and per part of a key inside an inline table. Returns the
// position of the first token deeper than `limit`, nullopt if none is.
// Text that is not valid TOML is scanned as well as it can be; the parser
// reports what is wrong with it.
std::optional<NestingProblem>
find_excess_nesting(std::string_view text, int limit = k_max_config_nesting);

} // namespace smsotp::core
