#include "cli/app.hpp"

#include "cli/audit.hpp"
#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "cli/declare.hpp"
#include "cli/signals.hpp"
#include "cli/usage.hpp"
#include "cli/version.hpp"
#include "core/error.hpp"

#include <CLI/CLI.hpp>

#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <optional>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>

namespace smsotp::cli {

namespace {

using declare::add_check_options;
using declare::add_global_options;
using declare::add_help_options;
using declare::add_purge_options;
using declare::add_send_options;
using declare::add_test_options;
using declare::add_verify_options;
using declare::no_options;
using declare::Options;

// A child started with fd 0, 1 or 2 closed would otherwise get the database
// on one of them, and a later "print" would write into it.
void reopen_standard_fds()
{
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) == -1) {
      const int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
      if (null_fd >= 0 && null_fd != fd) {
        ::dup2(null_fd, fd);
        ::close(null_fd);
      }
    }
  }
}

// One command of the tree: its name and help line, the function that
// declares its options on CLI11, the one that runs it, and its subcommands.
// When a subcommand is given, it runs instead; `run` is null where one must
// be given.
struct Command
{
  using AddOptions = void (*)(CLI::App& command, Options& options);
  using Run = int (*)(const Options& options,
                      const Output& out,
                      const util::Clock& clock);

  const char* name;
  const char* description;
  AddOptions add_options;
  Run run;
  std::vector<Command> subcommands;
};

// Runs `run` on the global options and the command's own (`Options::*member`).
template<auto member, auto run>
int run_with(const Options& options,
             const Output& out,
             const util::Clock& clock)
{
  return run(options.global, options.*member, out, clock);
}

// The command tree; --help lists the commands in this order.
const Command& command_tree()
{
  static const Command k_root{
      "smsotp",
      "Send SMS one-time passwords and verify them.",
      add_global_options,
      nullptr,
      {
          {"send",
           "Generate a code, store its keyed hash, deliver it by SMS",
           add_send_options,
           run_with<&Options::send, run_send>,
           {}},
          {"verify",
           "Check a code; a correct code is consumed exactly once",
           add_verify_options,
           run_with<&Options::verify, run_verify>,
           {}},
          {"purge",
           "Delete expired and used challenges and idle counters",
           add_purge_options,
           run_with<&Options::purge, run_purge>,
           {}},
          {"providers",
           "List configured providers (never their secrets)",
           no_options,
           run_with<&Options::providers, run_providers>,
           {
               {"check",
                "Prove each provider's credentials without sending",
                add_check_options,
                run_with<&Options::providers, run_providers_check>,
                {}},
               {"test",
                "Send one plain test message (not a code) through NAME",
                add_test_options,
                run_with<&Options::providers, run_providers_test>,
                {}},
           }},
          // Run by cli::main itself, which holds the parsed command tree.
          {"help",
           "Show the help of COMMAND, e.g. smsotp help providers check",
           add_help_options,
           nullptr,
           {}},
      }};
  return k_root;
}

// Declares `command`'s options and its subcommands on `app`, recursively.
void declare(CLI::App& app, const Command& command, Options& options)
{
  command.add_options(app, options);
  if (command.subcommands.empty()) {
    return;
  }
  // Without a run of its own, a subcommand is required (CLI11 refuses the
  // call with a usage error); with one, a subcommand is optional.
  app.require_subcommand(command.run == nullptr ? 1 : 0, 1);
  for (const auto& subcommand : command.subcommands) {
    declare(*app.add_subcommand(subcommand.name, subcommand.description),
            subcommand,
            options);
  }
}

// Runs the deepest command the user named, starting at `command` (parsed
// as `app`).
int run_command(const CLI::App& app,
                const Command& command,
                const Options& options,
                const Output& out,
                const util::Clock& clock)
{
  for (const auto& subcommand : command.subcommands) {
    if (app.got_subcommand(subcommand.name)) {
      return run_command(*app.get_subcommand(subcommand.name),
                         subcommand,
                         options,
                         out,
                         clock);
    }
  }
  if (command.run == nullptr) {
    // CLI11 already refuses this (require_subcommand above); a usage error
    // all the same if the two ever disagree.
    throw Error(core::ExitCode::usage,
                "a command is required (see smsotp --help)");
  }
  audit::begin(command.name);
  return command.run(options, out, clock);
}

// The commands that need providers, which only a config file defines:
// without one they fail first, naming the paths searched and how to start
// (`providers` and `providers check` alike).
bool needs_config_file(const CLI::App& app)
{
  return app.got_subcommand("send") || app.got_subcommand("providers");
}

bool wants_json(int argc, char** argv)
{
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json") == 0) {
      return true;
    }
  }
  return false;
}

int run_main(int argc, char** argv, const util::Clock& clock)
{
  reopen_standard_fds();
  ::umask(077); // whatever we create (database, key, outbox) is private
  install_signal_handlers();

  Options options;
  const auto& root = command_tree();
  CLI::App app(root.description, root.name);
  app.set_version_flag("-V,--version",
                       std::string(SMSOTP_VERSION),
                       "Print the version, commit and libraries, and exit");
  app.fallthrough();
  declare(app, root, options);
  // Hidden from --help: what the shell completions ask the binary for.
  std::string complete_what;
  auto* complete = app.add_subcommand("_complete", "")->group("");
  complete->add_option("what", complete_what)->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForVersion&) {
    GlobalOptions global;
    global.json = app.get_option("--json")->count() > 0;
    print_version(Output(global));
    return 0;
  } catch (const CLI::ParseError& error) {
    GlobalOptions global;
    global.json = wants_json(argc, argv);
    Output(global).error(
        Error(core::ExitCode::usage, usage_message(app, error)));
    return static_cast<int>(core::ExitCode::usage);
  }

  const Output out(options.global);
  int status = 0;
  std::optional<Error> failed;
  try {
    if (complete->parsed()) {
      status = run_complete(options.global, complete_what, out, clock);
    } else if (app.got_subcommand("help")) {
      const auto& topic = find_command(app, options.help_topic);
      if (out.json()) {
        out.result(
            {{"command", command_path(topic)}, {"help", help_text(topic)}});
      } else {
        std::cout << help_text(topic) << std::flush;
      }
    } else {
      if (needs_config_file(app)) {
        require_config_file(options.global);
      }
      status = run_command(app, root, options, out, clock);
    }
  } catch (const Error& failure) {
    out.error(failure);
    status = static_cast<int>(failure.code());
    failed = failure;
  } catch (const std::exception& failure) {
    failed = Error(core::ExitCode::internal,
                   std::string("internal error: ") + failure.what());
    out.error(*failed);
    status = static_cast<int>(core::ExitCode::internal);
  }
  // The one place the exit status is known: the audit line (if any).
  audit::finish(status, failed ? &*failed : nullptr, out);
  reraise_pending_signal();
  return status;
}

} // namespace

// run_main reports every failure itself; what still gets here is a failure
// of that reporting or of the set-up before it (std::bad_alloc, say), so
// the handler uses nothing that can throw.
int main(int argc, char** argv, const util::Clock& clock)
{
  try {
    return run_main(argc, argv, clock);
  } catch (...) {
    static constexpr std::string_view k_message =
        "smsotp: error: internal error (an unexpected exception); please "
        "report this as a bug\n";
    [[maybe_unused]] const auto written =
        ::write(STDERR_FILENO, k_message.data(), k_message.size());
    return static_cast<int>(core::ExitCode::internal);
  }
}

} // namespace smsotp::cli
