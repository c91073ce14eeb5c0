#pragma once

// Plain option structs filled by app.cpp (the only file that includes
// CLI11, which is slow to compile) and read by one file per command.

#include <optional>
#include <string>
#include <vector>

namespace smsotp::cli {

// A flag that sets a config key for this run: flags win over the
// environment, the file and the defaults. Each options struct lists its own
// (key_flags()); cli::make_context applies them all, in that order.
struct KeyFlag
{
  const char* key;                  // "otp.ttl"
  const char* flag;                 // "--ttl", names the value in errors
  std::optional<std::string> value; // unset: the flag was not given
};

struct GlobalOptions
{
  std::string config_path;
  std::string db_path;
  bool json = false;
  bool quiet = false;
  bool verbose = false;
  bool no_color = false;

  std::vector<KeyFlag> key_flags() const
  {
    return {{"store.database",
             "--db",
             db_path.empty() ? std::nullopt : std::optional(db_path)}};
  }
};

struct SendOptions
{
  std::string to;
  std::optional<std::string> purpose;
  std::optional<std::string> provider;
  std::optional<std::string> ttl;
  std::optional<std::string> length;
  std::optional<std::string> locale; // picks a [message.templates] entry
  bool dry_run = false;

  std::vector<KeyFlag> key_flags() const
  {
    return {{"otp.ttl", "--ttl", ttl},
            {"otp.length", "--length", length},
            {"otp.purpose", "--purpose", purpose}};
  }
};

struct VerifyOptions
{
  std::string to;
  std::optional<std::string> purpose;
  std::optional<std::string> challenge_id;
  std::optional<std::string> code; // "-" reads stdin

  std::vector<KeyFlag> key_flags() const
  {
    return {{"otp.purpose", "--purpose", purpose}};
  }
};

struct PurgeOptions
{
  std::optional<std::string> to;
  std::optional<std::string> older_than;
  bool all = false;
  bool dry_run = false;
};

// `providers`, `providers check [NAME...] [--junit FILE] [--min-balance
// AMOUNT]`, `providers test NAME --to N [--wait DURATION]`.
struct ProvidersOptions
{
  std::vector<std::string> names;
  std::string to;
  std::optional<std::string> junit;       // check: JUnit XML report file
  std::optional<std::string> min_balance; // check: fail below this amount
  std::optional<std::string> wait;        // test: poll the delivery status
};

} // namespace smsotp::cli
