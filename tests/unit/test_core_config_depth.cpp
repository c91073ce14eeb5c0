// Tests for src/core/config_depth.cpp: the nesting bound checked before the
// TOML parser runs (issue 7 defect 4: deep configs crashed the parser).

#include "config_parse.hpp"
#include "core/config.hpp"
#include "core/config_depth.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using smsotp::core::ExitCode;
using smsotp::core::find_excess_nesting;
using smsotp::core::k_max_config_nesting;
using smsotp::test::parse_error;

namespace {

std::string repeat_joined(const std::string& part, int count, char separator)
{
  std::string text;
  for (int i = 0; i < count; ++i) {
    if (i > 0) {
      text += separator;
    }
    text += part;
  }
  return text;
}

std::string repeat(const std::string& part, int count)
{
  std::string text;
  for (int i = 0; i < count; ++i) {
    text += part;
  }
  return text;
}

// One config shape nested `depth` levels deep (as find_excess_nesting
// counts), and the byte column of its level `limit + 1` on its line.
struct Shape
{
  const char* name;
  std::string (*text)(int depth);
  int (*column_of_level)(int level);
};

const std::vector<Shape>& shapes()
{
  static const std::vector<Shape> k_shapes{
      {"table header",
       [](int depth) { return "[" + repeat_joined("k", depth, '.') + "]\n"; },
       [](int level) { return 2 + 2 * (level - 1); }},
      {"array of tables header",
       [](int depth) { return "[[" + repeat_joined("k", depth, '.') + "]]\n"; },
       [](int level) { return 3 + 2 * (level - 1); }},
      {"dotted key",
       [](int depth) { return repeat_joined("a", depth, '.') + " = 1\n"; },
       [](int level) { return 1 + 2 * (level - 1); }},
      {"arrays",
       [](int depth) {
         return "a = " + repeat("[", depth - 1) + repeat("]", depth - 1) + "\n";
       },
       // key a is level 1, the first '[' (column 5) level 2
       [](int level) { return 5 + (level - 2); }},
      {"inline tables",
       [](int depth) {
         return "a = " + repeat("{b = ", depth - 1) + "1"
                + repeat("}", depth - 1) + "\n";
       },
       // key a is level 1, each "b" inside "{b = " one more
       [](int level) { return 6 + 5 * (level - 2); }},
      {"dotted key in an inline table",
       [](int depth) {
         return "a = {" + repeat_joined("b", depth - 1, '.') + " = 1}\n";
       },
       [](int level) { return 6 + 2 * (level - 2); }},
  };
  return k_shapes;
}

} // namespace

TEST_CASE("each deep shape is refused at the first level over the limit")
{
  // A first line that would mislead a scanner ignoring comments.
  const std::string first = "# [[[ {{{ a.b.c.d \"'\n";
  for (const auto& shape : shapes()) {
    CAPTURE(shape.name);
    const auto problem =
        find_excess_nesting(first + shape.text(k_max_config_nesting + 1));
    REQUIRE(problem);
    CHECK(problem->line == 2);
    CHECK(problem->column == shape.column_of_level(k_max_config_nesting + 1));

    const auto caught =
        parse_error(first + shape.text(k_max_config_nesting + 1));
    CHECK(caught.code == ExitCode::config);
    CHECK_MESSAGE(
        caught.message.starts_with(
            "t.toml:2:"
            + std::to_string(shape.column_of_level(k_max_config_nesting + 1))
            + ": "),
        caught.message);
    CHECK_CONTAINS(caught.message, "nested deeper than 16 levels");
  }
}

TEST_CASE("each shape at the limit passes the nesting check")
{
  for (const auto& shape : shapes()) {
    CAPTURE(shape.name);
    const std::string text = shape.text(k_max_config_nesting);
    CHECK_FALSE(find_excess_nesting(text));
    // The parser then refuses it for what it is (an unknown key), or
    // accepts it; never a nesting error, never a crash.
    const auto caught = parse_error(text);
    CHECK_NOT_CONTAINS(caught.message, "nested deeper");
  }
}

TEST_CASE("50000 levels of each shape are a config error, not a crash")
{
  for (const auto& shape : shapes()) {
    CAPTURE(shape.name);
    const auto caught = parse_error(shape.text(50000));
    CHECK(caught.code == ExitCode::config);
    CHECK_MESSAGE(caught.message.starts_with("t.toml:1:"), caught.message);
    CHECK_CONTAINS(caught.message, "nested deeper than 16 levels");
  }
}

TEST_CASE("a key's depth adds to its table's depth")
{
  const std::string header = "[" + repeat_joined("t", 10, '.') + "]\n";
  const auto deep = find_excess_nesting(header + "a.b.c.d.e.f.g = 1\n");
  REQUIRE(deep);
  CHECK(deep->line == 2);
  CHECK(deep->column == 13); // "g", level 17
  CHECK_FALSE(find_excess_nesting(header + "a.b.c.d.e.f = 1\n"));
  // A new header starts from its own depth.
  CHECK_FALSE(
      find_excess_nesting(header + "[x]\na.b.c.d.e.f.g.h.i.j.k.l.m.n.o = 1\n"));
  // After a comma in an inline table the depth is the table's again.
  CHECK_FALSE(find_excess_nesting("a = {" + repeat_joined("b", 14, '.')
                                  + " = 1, " + repeat_joined("c", 15, '.')
                                  + " = 2}\n"));
}

TEST_CASE("brackets dots and quotes inside strings and comments do not count")
{
  const std::string many = repeat("[{", 40);
  const std::vector<std::string> texts{
      "v = \"" + many + "\"\n",
      "v = '" + many + "'\n",
      "v = \"\\\"" + many + "\\\\\"\n", // escaped quote, escaped backslash
      "v = \"\"\"\n" + many + "\n\\\"\"\"" + many + "\"\"\"\n",
      "v = '''\n" + many + "\"\n'''\n",
      "v = \"\"\"x\"\"\"\"\"\n", // content x"", then the closing quotes
      "v = [\"#\", '#', \"]]]\"] # " + many + "\n",
      "# " + many + "\n",
      "\"" + repeat_joined("q", 40, '.') + "\" = 1\n",
      "'" + repeat_joined("q", 40, '.') + "' = 1\n",
      "[\"" + repeat_joined("q", 40, '.') + "\"]\n",
      "a.\"" + repeat_joined("q", 40, '.') + "\".b = 1\n",
  };
  for (const auto& text : texts) {
    CAPTURE(text);
    CHECK_FALSE(find_excess_nesting(text));
    // The same text followed by a line over the limit: the scan is back in
    // step after the string, so the deep line is found where it is.
    const auto deep = find_excess_nesting(
        text + "z = " + repeat("[", k_max_config_nesting) + "\n");
    REQUIRE(deep);
    CHECK(deep->line
          == 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n')));
  }
}

TEST_CASE("arrays over several lines report the line of the deep one")
{
  std::string text = "a = [\n";
  for (int i = 0; i < k_max_config_nesting; ++i) {
    text += "  [ # comment ]]]\n";
  }
  const auto deep = find_excess_nesting(text);
  REQUIRE(deep);
  // "a" is level 1, the "[" on line 1 level 2, the one on line N level N+1.
  CHECK(deep->line == k_max_config_nesting);
  CHECK(deep->column == 3);
}

TEST_CASE("a realistic config passes the nesting check")
{
  const auto sample =
      smsotp::test::read_file(smsotp::test::source_path("sample.toml"));
  REQUIRE_FALSE(sample.empty());
  CHECK_FALSE(find_excess_nesting(sample));
  CHECK_FALSE(find_excess_nesting(
      "[provider.gw]\nkind = \"http\"\nheaders = { \"X-Key\" = \"v\" }\n"
      "success = { status = [200, 201], json = { path = \"/ok\" } }\n"));
  CHECK_FALSE(find_excess_nesting(""));
  CHECK_FALSE(find_excess_nesting("\"unterminated\n[a"));
}
