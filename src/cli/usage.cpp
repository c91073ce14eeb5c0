#include "cli/usage.hpp"

#include "core/error.hpp"
#include "util/string.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace smsotp::cli {

namespace {

struct ValueHint
{
  std::string_view option; // its long name, or a positional's name
  std::string_view wants;  // "--to needs <wants>"
};

// What each option's value is, in the words of "--to needs ...". An option
// without an entry is described by its type name in --help.
constexpr std::array k_hints{
    ValueHint{"--to", "a number such as +12025550123"},
    ValueHint{"--purpose", "a purpose name such as login"},
    ValueHint{"--provider",
              "the name of a configured provider (smsotp providers lists "
              "them)"},
    ValueHint{"name",
              "the name of a configured provider (smsotp providers lists "
              "them)"},
    ValueHint{"--ttl", "a duration from 30s to 10m, such as 2m"},
    ValueHint{"--length", "a number of digits from 6 to 10, such as 8"},
    ValueHint{"--locale", "a locale tag such as de or pt-BR"},
    ValueHint{"--id", "a challenge id as send printed it (ch_...)"},
    ValueHint{"--older-than", "a duration such as 12h or 7d"},
    ValueHint{"--config", "a config file such as ~/.config/smsotp/config.toml"},
    ValueHint{"--db", "a database file or a postgresql:// URI"},
};

std::string wants(const CLI::Option& option)
{
  const std::string name = option.get_name();
  for (const auto& hint : k_hints) {
    if (hint.option == name) {
      return std::string(hint.wants);
    }
  }
  return "a value (" + option.get_type_name() + ")";
}

// The command the parse reached: the last subcommand given.
const CLI::App& reached(const CLI::App& root)
{
  const CLI::App* at = &root;
  while (!at->get_subcommands().empty()) {
    at = at->get_subcommands().front();
  }
  return *at;
}

std::string see_help(const CLI::App& command)
{
  return " (see " + command_path(command) + " --help)";
}

std::vector<std::string> subcommand_names(const CLI::App& command)
{
  std::vector<std::string> names;
  for (const auto* sub : command.get_subcommands({})) {
    // An empty group hides a command from --help (the shells' _complete):
    // never suggest it either.
    if (!sub->get_group().empty()) {
      names.push_back(sub->get_name());
    }
  }
  return names;
}

std::string unknown_command(const CLI::App& command, const std::string& word)
{
  const auto names = subcommand_names(command);
  const std::string prefix =
      command.get_parent() == nullptr ? "" : command.get_name() + " ";
  std::string message =
      "unknown command '" + prefix + util::escape_for_display(word, 32) + "'";
  if (const auto hint = util::closest_match(word, names); !hint.empty()) {
    return message + "; did you mean '" + prefix + hint + "'?";
  }
  return message + " (commands: " + util::join(names, ", ") + ")"
         + see_help(command);
}

// Every option accepted at `command`: its own and, as options fall through
// to the parent, its ancestors'.
std::vector<std::string> option_names(const CLI::App& command)
{
  std::vector<std::string> names;
  for (const CLI::App* at = &command; at != nullptr; at = at->get_parent()) {
    for (const auto* option : at->get_options()) {
      for (const auto& name : option->get_lnames()) {
        names.push_back("--" + name);
      }
      for (const auto& name : option->get_snames()) {
        names.push_back("-" + name);
      }
    }
  }
  return names;
}

bool looks_like_option(const std::string& argument)
{
  return argument.size() > 1 && argument[0] == '-' && argument != "--";
}

// A name that suggests its value is a credential.
bool secret_like(std::string_view name)
{
  static constexpr std::array<std::string_view, 5> k_words{
      "token", "secret", "key", "pass", "auth"};
  const auto lower = util::to_lower(name);
  return std::ranges::any_of(k_words, [&lower](std::string_view word) {
    return lower.find(word) != std::string::npos;
  });
}

std::string unknown_option(const CLI::App& command, const std::string& given)
{
  // "--name=value": the name only.
  const std::string name =
      util::escape_for_display(given.substr(0, given.find('=')), 40);
  std::string message = "unknown option " + name;
  if (const auto hint = util::closest_match(name, option_names(command));
      !hint.empty()) {
    message += "; did you mean " + hint + "?";
  } else {
    message += " for " + command_path(command) + see_help(command);
  }
  if (secret_like(name)) {
    message += "; secrets are read from files or the environment, never the "
               "command line (its value is not shown)";
  }
  return message;
}

// Arguments CLI11 could not place, in the order of the commands given.
std::vector<std::string> leftovers(const CLI::App& root)
{
  std::vector<std::string> found = root.remaining(false);
  for (const CLI::App* at = &root; !at->get_subcommands().empty();) {
    at = at->get_subcommands().front();
    const auto own = at->remaining(false);
    found.insert(found.end(), own.begin(), own.end());
  }
  return found;
}

std::string misplaced(const CLI::App& root)
{
  const auto& command = reached(root);
  const auto extra = leftovers(root);
  for (const auto& argument : extra) {
    if (looks_like_option(argument)) {
      return unknown_option(command, argument);
    }
  }
  if (extra.empty()) {
    return {};
  }
  if (!command.get_subcommands({}).empty()) {
    return unknown_command(command, extra.front());
  }
  return "unexpected argument for " + command_path(command)
         + " (not shown, in case it is a secret; secrets are read from files "
           "or the environment, never the command line)"
         + see_help(command);
}

// "--to: 1 required NUMBER missing": the option before the colon.
std::string missing_value(const CLI::App& root, const CLI::ParseError& error)
{
  const std::string text = error.what();
  const auto colon = text.find(':');
  if (colon == std::string::npos || text.find("missing") == std::string::npos) {
    return {};
  }
  const std::string name = text.substr(0, colon);
  for (const CLI::App* at = &reached(root); at != nullptr;
       at = at->get_parent()) {
    if (const auto* option = at->get_option_no_throw(name); option != nullptr) {
      return name + " needs " + wants(*option) + see_help(reached(root));
    }
  }
  return {};
}

std::string missing_requirement(const CLI::App& root)
{
  const auto& command = reached(root);
  if (command.get_require_subcommand_min() > 0
      && command.get_subcommands().empty()) {
    return command_path(command) + " needs a command: "
           + util::join(subcommand_names(command), ", ") + see_help(command);
  }
  for (const CLI::App* at = &command; at != nullptr; at = at->get_parent()) {
    for (const auto* option : at->get_options()) {
      if (option->get_required() && option->count() == 0) {
        const std::string shown =
            option->get_positional()
                ? option->get_type_name()
                : option->get_name() + " " + option->get_type_name();
        return command_path(command) + " needs " + shown + ", " + wants(*option)
               + see_help(command);
      }
    }
  }
  return {};
}

} // namespace

std::string command_path(const CLI::App& command)
{
  if (command.get_parent() == nullptr) {
    return command.get_name();
  }
  return command_path(*command.get_parent()) + " " + command.get_name();
}

std::string usage_message(const CLI::App& root, const CLI::ParseError& error)
{
  // An argument in the wrong place comes first: CLI11 checks requirements
  // before it looks at leftovers, so "smsotp sned" fails as "a subcommand
  // is required" although the typo is the problem.
  if (auto message = misplaced(root); !message.empty()) {
    return message;
  }
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr) {
    if (auto message = missing_value(root, error); !message.empty()) {
      return message;
    }
  }
  if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr) {
    if (auto message = missing_requirement(root); !message.empty()) {
      return message;
    }
  }
  return std::string(error.what()) + see_help(reached(root));
}

const CLI::App& find_command(const CLI::App& root,
                             const std::vector<std::string>& names)
{
  const CLI::App* at = &root;
  for (const auto& name : names) {
    const auto found = at->get_subcommands(
        [&name](const CLI::App* sub) { return sub->get_name() == name; });
    if (found.empty()) {
      throw Error(core::ExitCode::usage, unknown_command(*at, name));
    }
    at = found.front();
  }
  return *at;
}

std::string help_text(const CLI::App& command)
{
  return command.get_formatter()->make_help(
      &command, command_path(command), CLI::AppFormatMode::Normal);
}

} // namespace smsotp::cli
