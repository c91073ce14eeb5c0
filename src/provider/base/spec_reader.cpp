#include "provider/base/spec_reader.hpp"

#include "core/duration.hpp"
#include "core/error.hpp"
#include "util/fs.hpp"
#include "util/string.hpp"

#include <algorithm>

namespace smsotp::provider {

SpecReader::SpecReader(const core::ProviderSpec& spec,
                       std::vector<std::string> known)
    : m_spec(spec)
{
  for (const auto& [key, value] : spec.values) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string message = value.where + ": provider." + spec.name
                            + ": unknown key '" + util::escape_for_display(key)
                            + "' for kind " + spec.kind;
      if (const auto hint = util::closest_match(key, known); !hint.empty()) {
        message += " (did you mean '" + hint + "'?)";
      }
      throw Error(core::ExitCode::config, message);
    }
  }
}

std::optional<std::string> SpecReader::string(const std::string& key) const
{
  const auto it = m_spec.values.find(key);
  if (it == m_spec.values.end()) {
    return std::nullopt;
  }
  if (it->second.type != core::ProviderValue::Type::string) {
    fail(key, "expected a string");
  }
  return it->second.text;
}

std::string SpecReader::string_or(const std::string& key,
                                  const std::string& fallback) const
{
  return string(key).value_or(fallback);
}

std::string SpecReader::required_string(const std::string& key,
                                        const std::string& hint) const
{
  auto value = string(key);
  if (!value || value->empty()) {
    throw Error(core::ExitCode::config,
                m_spec.where + ": provider." + m_spec.name + ": " + key
                    + " is required (" + hint + ")");
  }
  return *value;
}

std::pair<std::string, std::string> SpecReader::exactly_one(
    const std::string& a, const std::string& b, const std::string& hint) const
{
  auto pair = std::make_pair(string_or(a, ""), string_or(b, ""));
  if (pair.first.empty() == pair.second.empty()) {
    throw Error(core::ExitCode::config,
                m_spec.where + ": provider." + m_spec.name
                    + ": set exactly one of " + a + " or " + b + " (" + hint
                    + ")");
  }
  return pair;
}

std::int64_t SpecReader::duration_ms_or(const std::string& key,
                                        std::int64_t fallback_ms) const
{
  const auto it = m_spec.values.find(key);
  if (it == m_spec.values.end()) {
    return fallback_ms;
  }
  std::optional<std::int64_t> seconds;
  if (it->second.type == core::ProviderValue::Type::integer) {
    seconds = it->second.integer;
  } else if (it->second.type == core::ProviderValue::Type::string) {
    seconds = core::parse_duration(it->second.text);
  }
  if (!seconds || *seconds < 1 || *seconds > 300) {
    fail(key, "expected a duration from 1s to 5m, e.g. \"10s\"");
  }
  return *seconds * 1000;
}

std::int64_t SpecReader::integer_or(const std::string& key,
                                    std::int64_t fallback,
                                    std::int64_t min,
                                    std::int64_t max) const
{
  const auto it = m_spec.values.find(key);
  if (it == m_spec.values.end()) {
    return fallback;
  }
  if (it->second.type != core::ProviderValue::Type::integer
      || it->second.integer < min || it->second.integer > max) {
    fail(key,
         "expected an integer from " + std::to_string(min) + " to "
             + std::to_string(max));
  }
  return it->second.integer;
}

std::string SpecReader::path_or(const std::string& key,
                                const std::string& fallback) const
{
  const auto value = string(key);
  if (!value) {
    return fallback;
  }
  return util::resolve_relative(m_spec.base_directory, *value);
}

void SpecReader::fail(const std::string& key, const std::string& message) const
{
  const auto it = m_spec.values.find(key);
  const std::string where =
      it != m_spec.values.end() ? it->second.where : m_spec.where;
  throw Error(core::ExitCode::config,
              where + ": provider." + m_spec.name + "." + key + ": " + message);
}

const core::ProviderSpec& SpecReader::spec() const
{
  return m_spec;
}

} // namespace smsotp::provider
