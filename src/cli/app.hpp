#pragma once

// The entry point: parses argv, runs one command, maps every failure to the
// exit table (core/exit_code.hpp) exactly once.

#include "util/clock.hpp"

namespace smsotp::cli {

int main(int argc, char** argv, const util::Clock& clock);

} // namespace smsotp::cli
