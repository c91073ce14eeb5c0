#include "message/compose.hpp"

#include "core/error.hpp"
#include "util/string.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace smsotp::message {

namespace {

using TemplateEntry = std::pair<const std::string, core::Setting<std::string>>;

bool is_alpha(char c)
{
  return std::isalpha(static_cast<unsigned char>(c)) != 0;
}

bool is_alnum(char c)
{
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

[[noreturn]] void fail(const std::string& where,
                       const std::string& key,
                       const std::string& message)
{
  throw Error(core::ExitCode::config,
              (where.empty() ? "" : where + ": ") + key + ": " + message);
}

// The [message.templates] entry for `tag`: exact, then without its last
// subtag, and so on. nullptr if none.
const TemplateEntry* find_template(const core::Config& config,
                                   const std::string& tag)
{
  std::string wanted = canonical_locale(tag);
  while (!wanted.empty()) {
    for (const auto& entry : config.message_templates) {
      if (canonical_locale(entry.first) == wanted) {
        return &entry;
      }
    }
    const auto dash = wanted.rfind('-');
    wanted = dash == std::string::npos ? "" : wanted.substr(0, dash);
  }
  return nullptr;
}

std::string known_tags(const core::Config& config)
{
  if (config.message_templates.empty()) {
    return "[message.templates] is empty";
  }
  std::vector<std::string> tags;
  for (const auto& entry : config.message_templates) {
    tags.push_back(entry.first);
  }
  return "known: " + util::join(tags, ", ");
}

Selected selected_entry(const TemplateEntry& entry)
{
  return {entry.first,
          "message.templates." + entry.first,
          entry.second.value,
          entry.second.where};
}

bool valid_app_hash(const std::string& hash)
{
  return hash.size() == 11 && std::all_of(hash.begin(), hash.end(), [](char c) {
           return is_alnum(c) || c == '+' || c == '/';
         });
}

void validate_country_locales(const core::Config& config)
{
  std::map<std::string, std::string> regions;
  for (const auto& [region, setting] : config.country_locales) {
    const std::string key = "message.country_locales." + region;
    if (region.size() != 2 || !is_alpha(region[0]) || !is_alpha(region[1])) {
      fail(setting.where,
           key,
           "\"" + util::escape_for_display(region)
               + "\" is not an ISO 3166 region like \"DE\"");
    }
    if (const auto [it, added] =
            regions.emplace(util::to_upper(region), region);
        !added) {
      fail(setting.where, key, "the same region as " + it->second);
    }
    if (find_template(config, setting.value) == nullptr) {
      fail(setting.where,
           key,
           "locale \"" + util::escape_for_display(setting.value)
               + "\" has no template (" + known_tags(config) + ")");
    }
  }
}

} // namespace

std::string canonical_locale(const std::string& tag)
{
  std::string canonical = util::to_lower(tag);
  std::replace(canonical.begin(), canonical.end(), '_', '-');
  const auto parts = util::split(canonical, '-');
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& part = parts[i];
    const bool ok =
        i == 0 ? part.size() >= 2 && part.size() <= 3
                     && std::all_of(part.begin(), part.end(), is_alpha)
               : !part.empty() && part.size() <= 8
                     && std::all_of(part.begin(), part.end(), is_alnum);
    if (!ok) {
      return {};
    }
  }
  return canonical;
}

bool valid_hostname(const std::string& name)
{
  if (name.empty() || name.size() > 253) {
    return false;
  }
  for (const auto& label : util::split(name, '.')) {
    if (label.empty() || label.size() > 63 || label.front() == '-'
        || label.back() == '-'
        || !std::all_of(label.begin(), label.end(), [](char c) {
             return is_alnum(c) || c == '-';
           })) {
      return false;
    }
  }
  return true;
}

void validate_config(const core::Config& config)
{
  validate_template(config.message_template.value,
                    config.message_template.where);
  std::map<std::string, std::string> seen;
  for (const auto& [tag, setting] : config.message_templates) {
    const std::string key = "message.templates." + tag;
    const auto canonical = canonical_locale(tag);
    if (canonical.empty()) {
      fail(setting.where,
           key,
           "\"" + util::escape_for_display(tag)
               + "\" is not a locale tag like \"de\" or \"pt-BR\"");
    }
    if (const auto [it, added] = seen.emplace(canonical, tag); !added) {
      fail(setting.where, key, "the same locale as " + it->second);
    }
    validate_template(setting.value, setting.where, key);
  }
  validate_country_locales(config);
  const auto& domain = config.webotp_domain;
  if (!domain.value.empty() && !valid_hostname(domain.value)) {
    fail(domain.where,
         "message.webotp_domain",
         "expected a host name like \"example.com\" (no scheme, port or "
         "path), got \""
             + util::escape_for_display(domain.value) + "\"");
  }
  const auto& hash = config.android_app_hash;
  if (!hash.value.empty() && !valid_app_hash(hash.value)) {
    fail(hash.where,
         "message.android_app_hash",
         "expected the 11-character app hash (letters, digits, '+' and "
         "'/'), got \""
             + util::escape_for_display(hash.value) + "\"");
  }
}

Selected select_template(const core::Config& config,
                         const std::optional<std::string>& locale,
                         const std::string& region)
{
  if (locale) {
    const std::string shown = util::escape_for_display(*locale);
    if (canonical_locale(*locale).empty()) {
      throw Error(core::ExitCode::usage,
                  "--locale: \"" + shown
                      + "\" is not a locale tag like \"de\" or \"pt-BR\"");
    }
    const auto* entry = find_template(config, *locale);
    if (entry == nullptr) {
      throw Error(core::ExitCode::usage,
                  "--locale " + shown + ": no template for this locale ("
                      + known_tags(config) + ")");
    }
    return selected_entry(*entry);
  }
  if (!region.empty()) {
    for (const auto& [mapped, setting] : config.country_locales) {
      if (util::to_upper(mapped) == region) {
        if (const auto* entry = find_template(config, setting.value)) {
          return selected_entry(*entry);
        }
      }
    }
  }
  return {"",
          "message.template",
          config.message_template.value,
          config.message_template.where};
}

Composed compose(const core::Config& config,
                 const Selected& selected,
                 const TemplateValues& values)
{
  TemplateValues shown = values;
  if (config.group_code.value) {
    shown.code = group_code(values.code);
  }
  Composed composed;
  composed.text = render(selected.text, shown);
  std::string extras;
  if (!config.android_app_hash.value.empty()) {
    composed.text += "\n" + config.android_app_hash.value;
    extras = " with the app hash line";
  }
  if (!config.webotp_domain.value.empty()) {
    // The WebOTP line always carries the code as typed into a form.
    composed.text +=
        "\n@" + util::to_lower(config.webotp_domain.value) + " #" + values.code;
    extras += extras.empty() ? " with the WebOTP line" : " and WebOTP line";
  }
  try {
    composed.info = measure(composed.text);
  } catch (const Error& failure) {
    fail(selected.where,
         selected.key,
         std::string("the rendered message is ") + failure.what());
  }
  const auto& info = composed.info;
  const auto limit = config.max_segments.value;
  if (static_cast<std::int64_t>(info.segments) > limit) {
    fail(selected.where,
         selected.key,
         "the rendered message" + extras + " is "
             + std::string(encoding_name(info.encoding)) + ", "
             + std::to_string(info.units) + " "
             + std::string(unit_name(info.encoding)) + " = "
             + std::to_string(info.segments) + " segments ("
             + std::to_string(info.per_segment_limit)
             + " per part), above message.max_segments = "
             + std::to_string(limit)
             + (config.max_segments.where.empty()
                    ? ""
                    : " (" + config.max_segments.where + ")")
             + "; shorten the template or raise message.max_segments");
  }
  return composed;
}

} // namespace smsotp::message
