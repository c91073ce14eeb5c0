#pragma once

// What the command line can hold, and the functions that declare each
// command's options on CLI11 (with the value type names --help shows).
// Internal to cli/app.cpp, which builds the command tree from them.

#include "cli/options.hpp"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace smsotp::cli::declare {

struct Options
{
  GlobalOptions global;
  SendOptions send;
  VerifyOptions verify;
  PurgeOptions purge;
  ProvidersOptions providers;
  std::vector<std::string> help_topic; // `smsotp help [COMMAND...]`
};

void add_global_options(CLI::App& app, Options& options);
void add_send_options(CLI::App& command, Options& options);
void add_verify_options(CLI::App& command, Options& options);
void add_purge_options(CLI::App& command, Options& options);
void no_options(CLI::App& command, Options& options);
void add_check_options(CLI::App& command, Options& options);
void add_help_options(CLI::App& command, Options& options);
void add_test_options(CLI::App& command, Options& options);

} // namespace smsotp::cli::declare
