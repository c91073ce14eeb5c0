#pragma once

// `smsotp --version` (-V): what a bug report needs to know about this
// build. Text: "smsotp VERSION" on the first line (what scripts that read
// a version expect), then one "name: value" line each. Under --json, one
// object. Reads no config and loads no module.

#include "cli/output.hpp"

namespace smsotp::cli {

void print_version(const Output& out);

} // namespace smsotp::cli
