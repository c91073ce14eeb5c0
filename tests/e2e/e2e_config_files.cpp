// The config file as hostile input and as a secret: nesting that would
// crash a recursive parser, and the permission rules (DESIGN §4) checked by
// every command that loads it.

#include "steps.hpp"

using namespace e2e;

namespace {

std::string joined(const std::string& part, int count, char separator)
{
  std::string text;
  for (int i = 0; i < count; ++i) {
    text += (i > 0 ? std::string(1, separator) : std::string()) + part;
  }
  return text;
}

std::string repeated(const std::string& part, int count)
{
  std::string text;
  for (int i = 0; i < count; ++i) {
    text += part;
  }
  return text;
}

} // namespace

TEST_CASE("50000 levels of nesting in the config exit 78 with file:line")
{
  const Sandbox box;
  constexpr int k_levels = 50000;
  const std::vector<std::pair<std::string, std::string>> shapes{
      {"header.toml", "[" + joined("k", k_levels, '.') + "]\n"},
      {"dotted.toml", joined("a", k_levels, '.') + " = 1\n"},
      {"arrays.toml",
       "a = " + repeated("[", k_levels) + repeated("]", k_levels) + "\n"},
      {"inline.toml",
       "a = " + repeated("{b = ", k_levels) + "1" + repeated("}", k_levels)
           + "\n"},
  };
  for (const auto& [name, body] : shapes) {
    CAPTURE(name);
    // Under the 1 MiB size cap, and after a comment line that holds
    // brackets and dots of its own.
    const std::string path =
        box.write_file(name, "# [[ a.b.c {{\n" + body, 0600);
    for (const auto& command : std::vector<std::vector<std::string>>{
             {"providers"},
             {"send", "--to", k_to},
             {"verify", "--to", k_to, "123456"}}) {
      std::vector<std::string> args{"-c", path};
      args.insert(args.end(), command.begin(), command.end());
      const auto result = box.run(args);
      CHECK(result.term_signal == 0);
      CHECK(result.exit_code == 78);
      CHECK(contains(result.err, path + ":2:"));
      CHECK(contains(result.err, "nested deeper than 16 levels"));
    }
  }
  CHECK(box.outbox_count() == 0);
}
