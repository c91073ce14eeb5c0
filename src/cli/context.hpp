#pragma once

// What every command needs: the effective configuration, the clock and the
// output. Built once per run, after argument parsing.

#include "cli/options.hpp"
#include "cli/output.hpp"
#include "core/config.hpp"
#include "util/clock.hpp"

#include <vector>

namespace smsotp::cli {

struct Context
{
  core::Config config;
  const util::Clock& clock;
  const Output& out;
};

// Throws Error(config) naming every place searched and the command that
// starts from the example configuration when no config file would be
// found: the commands that need providers, which only a file defines, call
// it before anything else.
void require_config_file(const GlobalOptions& options);

// Loads the config (file, environment), then applies the flags that set
// config keys, in one place: the global ones (--db), then the command's
// `key_flags` (a bad value is a usage error naming the flag). Then checks
// the rules across keys and, with -vv, shows each value's origin.
Context make_context(const GlobalOptions& options,
                     const Output& out,
                     const util::Clock& clock,
                     const std::vector<KeyFlag>& key_flags = {});

} // namespace smsotp::cli
