#pragma once

// Parses config text as the file "t.toml" in /etc/smsotp and returns what
// it threw: for the tests of config_file.cpp and config_keys.cpp.

#include "core/config.hpp"
#include "testutil.hpp"

#include <string>

namespace smsotp::test {

inline Caught parse_error(const std::string& text)
{
  core::Config config;
  return catch_error(
      [&] { core::parse_config_text(config, text, "t.toml", "/etc/smsotp"); });
}

} // namespace smsotp::test
