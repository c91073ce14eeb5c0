#pragma once

// Reads typed values out of a [provider.NAME] table and rejects keys the
// kind does not know. Every error names the key's file:line:col.

#include "core/config.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace smsotp::provider {

class SpecReader
{
public:
  // `known` lists the keys the kind accepts besides "kind"; for each secret
  // name S, also list S, S_file and S_env.
  SpecReader(const core::ProviderSpec& spec, std::vector<std::string> known);

  std::optional<std::string> string(const std::string& key) const;
  std::string string_or(const std::string& key,
                        const std::string& fallback) const;
  std::string required_string(const std::string& key,
                              const std::string& hint) const;
  // For two keys of which exactly one must be set (e.g. a sender number or
  // a service id): returns {value of a, value of b}, one of them empty.
  std::pair<std::string, std::string>
  exactly_one(const std::string& a,
              const std::string& b,
              const std::string& hint) const;
  // Duration keys accept "10s" or a number of seconds; returns milliseconds.
  std::int64_t duration_ms_or(const std::string& key,
                              std::int64_t fallback_ms) const;
  // An integer within [min, max].
  std::int64_t integer_or(const std::string& key,
                          std::int64_t fallback,
                          std::int64_t min,
                          std::int64_t max) const;
  // Paths are resolved against the config file's directory.
  std::string path_or(const std::string& key,
                      const std::string& fallback) const;

  // Throws Error(config) for a value that is present but wrong.
  [[noreturn]] void fail(const std::string& key,
                         const std::string& message) const;

  const core::ProviderSpec& spec() const;

private:
  const core::ProviderSpec& m_spec;
};

} // namespace smsotp::provider
