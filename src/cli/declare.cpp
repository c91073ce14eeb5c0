#include "cli/declare.hpp"

namespace smsotp::cli::declare {

void add_global_options(CLI::App& app, Options& options)
{
  auto& global = options.global;
  app.add_option("-c,--config",
                 global.config_path,
                 "Config file (default: $SMSOTP_CONFIG, "
                 "$XDG_CONFIG_HOME/smsotp/config.toml or "
                 "~/.config/smsotp/config.toml, /etc/smsotp/config.toml)")
      ->type_name("FILE");
  app.add_option(
         "--db", global.db_path, "State database (overrides store.database)")
      ->type_name("FILE|URI");
  app.add_flag(
      "--json", global.json, "Print exactly one JSON object on stdout");
  app.add_flag("-q,--quiet", global.quiet, "No notes on stderr, only errors");
  app.add_flag("-v,--verbose",
               global.verbose,
               "Explain a failure or rejection; -vv also every setting and "
               "where it came from");
  app.add_flag("--no-color", global.no_color, "Never colour stderr");
}

void add_send_options(CLI::App& command, Options& options)
{
  auto& send = options.send;
  command
      .add_option("--to",
                  send.to,
                  "Recipient number: +<country code><number>, e.g. "
                  "+12025550123")
      ->required()
      ->type_name("NUMBER");
  command
      .add_option("--purpose",
                  send.purpose,
                  "What the code is for (default: otp.purpose)")
      ->type_name("NAME");
  command
      .add_option(
          "--provider", send.provider, "Use only this configured provider")
      ->type_name("NAME");
  command
      .add_option("--ttl", send.ttl, "Lifetime, 30s to 10m (default: otp.ttl)")
      ->type_name("DURATION");
  command
      .add_option(
          "--length", send.length, "Digits, 6 to 10 (default: otp.length)")
      ->type_name("DIGITS");
  command
      .add_option("--locale",
                  send.locale,
                  "Message template locale, e.g. de or pt-BR (default: "
                  "from the recipient's country, message.country_locales)")
      ->type_name("LOCALE");
  command.add_flag("--dry-run",
                   send.dry_run,
                   "Show the message and request; store and send nothing");
}

void add_verify_options(CLI::App& command, Options& options)
{
  auto& verify = options.verify;
  command
      .add_option("--to", verify.to, "Recipient number the code was sent to")
      ->required()
      ->type_name("NUMBER");
  command.add_option("--purpose", verify.purpose, "Purpose given to send")
      ->type_name("NAME");
  command
      .add_option("--id", verify.challenge_id, "Challenge id printed by send")
      ->type_name("ID");
  command
      .add_option("code",
                  verify.code,
                  "The code; - reads one line from stdin; "
                  "omitted on a terminal: prompt without echo")
      ->type_name("CODE");
}

void add_purge_options(CLI::App& command, Options& options)
{
  auto& purge = options.purge;
  command
      .add_option("--to",
                  purge.to,
                  "Delete everything about this number (lifts a lockout)")
      ->type_name("NUMBER");
  command
      .add_option("--prefix",
                  purge.prefix,
                  "Delete the challenges of every number in this block, "
                  "e.g. +1202555 (lifts the block's sending limits)")
      ->type_name("PREFIX");
  command
      .add_option("--older-than",
                  purge.older_than,
                  "Only finished challenges older than this")
      ->type_name("DURATION");
  command.add_flag("--all", purge.all, "Delete all challenges and counters");
  command.add_flag("--dry-run", purge.dry_run, "Count what would be deleted");
}

void no_options(CLI::App& /*command*/, Options& /*options*/)
{}

void add_check_options(CLI::App& command, Options& options)
{
  auto& providers = options.providers;
  command
      .add_option("names", providers.names, "Providers to check (default: all)")
      ->type_name("NAME");
  command
      .add_option(
          "--junit", providers.junit, "Also write a JUnit XML report to FILE")
      ->type_name("FILE");
  command
      .add_option("--min-balance",
                  providers.min_balance,
                  "Fail a provider whose balance is below AMOUNT "
                  "(low_balance, exit 69)")
      ->type_name("AMOUNT");
}

void add_help_options(CLI::App& command, Options& options)
{
  command
      .add_option("command",
                  options.help_topic,
                  "The command, e.g. send or providers check (default: all)")
      ->type_name("COMMAND");
}

void add_test_options(CLI::App& command, Options& options)
{
  auto& providers = options.providers;
  command.add_option("name", providers.names, "The provider to use")
      ->required()
      ->expected(1)
      ->type_name("NAME");
  command
      .add_option("--to", providers.to, "Recipient number, e.g. +12025550123")
      ->required()
      ->type_name("NUMBER");
  command
      .add_option("--wait",
                  providers.wait,
                  "Poll the provider's message status until delivered "
                  "or failed, at most DURATION (e.g. 2m)")
      ->type_name("DURATION");
}

} // namespace smsotp::cli::declare
