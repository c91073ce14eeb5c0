#include "core/config.hpp"
#include "core/config_depth.hpp"
#include "core/config_keys.hpp"
#include "core/database_location.hpp"
#include "core/error.hpp"
#include "util/fs.hpp"
#include "util/fs_dir.hpp"
#include "util/string.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <set>

namespace smsotp::core {

namespace {

constexpr std::size_t k_max_config_size = std::size_t{1024} * 1024;

std::string location(const std::string& source_name,
                     const toml::source_region& region)
{
  return source_name + ":" + std::to_string(region.begin.line) + ":"
         + std::to_string(region.begin.column);
}

[[noreturn]] void unknown_key(const std::string& where,
                              const std::string& shown_key,
                              const std::string& key,
                              const std::vector<std::string>& candidates)
{
  std::string message =
      where + ": unknown key '" + util::escape_for_display(shown_key) + "'";
  if (const auto hint = util::closest_match(key, candidates); !hint.empty()) {
    message += " (did you mean '" + hint + "'?)";
  } else {
    message += " (known: " + util::join(candidates, ", ") + ")";
  }
  throw Error(ExitCode::config, message);
}

detail::RawValue raw_from_node(const toml::node& node)
{
  detail::RawValue raw;
  if (const auto integer = node.value<std::int64_t>();
      integer && node.is_integer()) {
    raw.integer = *integer;
  } else if (node.is_string()) {
    raw.text = *node.value<std::string>();
  } else if (node.is_boolean()) {
    raw.boolean = *node.value<bool>();
  } else if (const auto* array = node.as_array()) {
    std::vector<std::string> items;
    for (const auto& item : *array) {
      if (!item.is_string()) {
        return {};
      }
      items.push_back(*item.value<std::string>());
    }
    raw.list = items;
  }
  return raw;
}

ProviderValue provider_value(const toml::node& node, const std::string& where)
{
  ProviderValue value;
  value.where = where;
  if (node.is_string()) {
    value.type = ProviderValue::Type::string;
    value.text = *node.value<std::string>();
  } else if (node.is_integer()) {
    value.type = ProviderValue::Type::integer;
    value.integer = *node.value<std::int64_t>();
    value.text = std::to_string(value.integer);
  } else if (node.is_boolean()) {
    value.type = ProviderValue::Type::boolean;
    value.boolean = *node.value<bool>();
    value.text = value.boolean ? "true" : "false";
  } else if (const auto raw = raw_from_node(node); raw.list) {
    value.type = ProviderValue::Type::string_list;
    value.list = *raw.list;
  } else {
    throw Error(
        ExitCode::config,
        where + ": expected a string, integer, boolean or list of strings");
  }
  return value;
}

void parse_providers(Config& config,
                     const toml::node& node,
                     const std::string& source_name,
                     const std::string& base_directory)
{
  const auto* table = node.as_table();
  if (table == nullptr) {
    throw Error(ExitCode::config,
                location(source_name, node.source())
                    + ": provider must be a table of named providers, e.g. "
                      "[provider.sms]");
  }
  for (const auto& [name_key, provider_node] : *table) {
    const std::string name(name_key.str());
    const std::string where = location(source_name, name_key.source());
    const auto* provider_table = provider_node.as_table();
    if (provider_table == nullptr) {
      throw Error(ExitCode::config,
                  where + ": provider." + name + " must be a table");
    }
    ProviderSpec spec{name, name, where, base_directory, {}};
    for (const auto& [key, value_node] : *provider_table) {
      const std::string value_where =
          location(source_name, value_node.source());
      auto value = provider_value(value_node, value_where);
      if (key.str() == "kind") {
        if (value.type != ProviderValue::Type::string) {
          throw Error(ExitCode::config,
                      value_where + ": provider." + name
                          + ".kind: expected a string");
        }
        spec.kind = value.text;
      } else {
        spec.values.emplace(std::string(key.str()), std::move(value));
      }
    }
    config.providers.push_back(std::move(spec));
  }
}

// [message.templates] and [message.country_locales]: a string under any key
// (src/message/compose.cpp checks the keys and values).
void parse_string_table(std::map<std::string, Setting<std::string>>& out,
                        const std::string& name,
                        const toml::node& node,
                        const std::string& source_name)
{
  const auto* table = node.as_table();
  if (table == nullptr) {
    throw Error(ExitCode::config,
                location(source_name, node.source()) + ": " + name
                    + " must be a table ([" + name + "])");
  }
  for (const auto& [key, value] : *table) {
    const std::string where = location(source_name, value.source());
    if (!value.is_string()) {
      throw Error(ExitCode::config,
                  where + ": " + name + "."
                      + util::escape_for_display(key.str())
                      + ": expected a string");
    }
    out.insert_or_assign(
        std::string(key.str()),
        Setting<std::string>{*value.value<std::string>(), Origin::file, where});
  }
}

// The keys of [section], for "did you mean".
std::vector<std::string> section_keys(const std::string& section)
{
  std::vector<std::string> names;
  for (const auto& def : detail::key_table()) {
    if (def.name.starts_with(section + ".")) {
      names.push_back(def.name.substr(section.size() + 1));
    }
  }
  return names;
}

} // namespace

void parse_config_text(Config& config,
                       const std::string& text,
                       const std::string& source_name,
                       const std::string& base_directory)
{
  // toml++ recurses once per level: bound the depth before it can run out
  // of stack (a 100 KB `[k.k.k...]` crashed it).
  if (const auto deep = find_excess_nesting(text)) {
    throw Error(ExitCode::config,
                source_name + ":" + std::to_string(deep->line) + ":"
                    + std::to_string(deep->column) + ": nested deeper than "
                    + std::to_string(k_max_config_nesting)
                    + " levels (tables, dotted keys, arrays, inline tables); "
                      "smsotp's settings need at most 4, so this is not an "
                      "smsotp config");
  }
  toml::table root;
  try {
    root = toml::parse(text, source_name);
  } catch (const toml::parse_error& error) {
    throw Error(ExitCode::config,
                location(source_name, error.source()) + ": "
                    + std::string(error.description()));
  }
  // Every section that has a key in the table, plus the provider tables.
  static const std::vector<std::string> k_sections = [] {
    std::vector<std::string> sections;
    for (const auto& def : detail::key_table()) {
      const std::string section = def.name.substr(0, def.name.find('.'));
      if (std::find(sections.begin(), sections.end(), section)
          == sections.end()) {
        sections.push_back(section);
      }
    }
    sections.emplace_back("provider");
    return sections;
  }();
  for (const auto& [section_key, section_node] : root) {
    const std::string section(section_key.str());
    const std::string where = location(source_name, section_key.source());
    if (section == "provider") {
      parse_providers(config, section_node, source_name, base_directory);
      continue;
    }
    if (std::find(k_sections.begin(), k_sections.end(), section)
        == k_sections.end()) {
      unknown_key(where, section, section, k_sections);
    }
    const auto* table = section_node.as_table();
    if (table == nullptr) {
      throw Error(ExitCode::config,
                  where + ": " + section + " must be a table ([" + section
                      + "])");
    }
    for (const auto& [key, value_node] : *table) {
      const std::string dotted = section + "." + std::string(key.str());
      const auto* def = detail::find_key(dotted);
      if (def == nullptr) {
        unknown_key(location(source_name, key.source()),
                    dotted,
                    std::string(key.str()),
                    section_keys(section));
      }
      if (def->table != nullptr) {
        parse_string_table(
            config.*def->table, def->name, value_node, source_name);
        continue;
      }
      auto raw = raw_from_node(value_node);
      // A PostgreSQL location in store.database is not a file path.
      if (def->is_path && raw.text && !is_postgres_location(*raw.text)) {
        raw.text = util::resolve_relative(base_directory, *raw.text);
      }
      // Config priority 3: the file.
      def->store(config,
                 raw,
                 Origin::file,
                 location(source_name, value_node.source()),
                 ExitCode::config);
    }
  }
}

std::vector<std::string> config_search_paths()
{
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  std::vector<std::string> paths;
  if (xdg != nullptr && xdg[0] == '/') {
    paths.push_back(std::string(xdg) + "/smsotp/config.toml");
  } else if (home != nullptr && home[0] == '/') {
    paths.push_back(std::string(home) + "/.config/smsotp/config.toml");
  }
  paths.emplace_back("/etc/smsotp/config.toml");
  return paths;
}

std::string find_config_path(const std::string& flag_path)
{
  if (!flag_path.empty()) {
    return flag_path;
  }
  if (const char* env = std::getenv("SMSOTP_CONFIG");
      env != nullptr && env[0] != '\0') {
    return env;
  }
  for (const auto& path : config_search_paths()) {
    if (util::path_exists(path)) {
      return path;
    }
  }
  return {};
}

Config load_config(const std::string& flag_path)
{
  // Config priority 4: defaults (the member initialisers of Config).
  Config config;
  const std::string path = find_config_path(flag_path);
  if (!path.empty()) {
    std::string text;
    try {
      auto file = util::open_regular(path);
      if (const auto problem = util::foreign_writable_problem(file.info);
          !problem.empty()) {
        throw Error(ExitCode::permission,
                    "config: " + path + ": " + problem
                        + (problem.starts_with("owned by")
                               ? "; chown it, or use a config of your own"
                               : " (chmod go-w " + path + ")"));
      }
      // Whoever can write a directory above the file can put another file
      // in its place (a sticky /tmp, where only the owner can, is fine).
      if (const auto problem = util::unsafe_directory_above(path);
          !problem.empty()) {
        throw Error(ExitCode::permission,
                    "config: " + path + ": " + problem
                        + " (chmod go-w, or chmod +t for a shared directory "
                          "like /tmp); or move the config to a directory only "
                          "you (or root) can write");
      }
      config.file_private = (file.info.st_mode & 077U) == 0;
      text = util::read_all(file.fd.get(), k_max_config_size);
    } catch (const util::FsError& error) {
      throw Error(ExitCode::config, "config: " + std::string(error.what()));
    }
    config.path = path;
    parse_config_text(config, text, path, util::parent_directory(path));
  }
  apply_environment(config);
  return config;
}

} // namespace smsotp::core
