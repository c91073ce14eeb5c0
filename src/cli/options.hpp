#pragma once

// Plain option structs filled by app.cpp (the only file that includes
// CLI11, which is slow to compile) and read by one file per command.

#include <optional>
#include <string>
#include <vector>

namespace smsotp::cli {

struct GlobalOptions
{
  std::string config_path;
  std::string db_path;
  bool json = false;
  bool quiet = false;
  bool verbose = false;
  bool no_color = false;
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
};

struct VerifyOptions
{
  std::string to;
  std::optional<std::string> purpose;
  std::optional<std::string> challenge_id;
  std::optional<std::string> code; // "-" reads stdin
};

struct PurgeOptions
{
  std::optional<std::string> to;
  std::optional<std::string> older_than;
  bool all = false;
  bool dry_run = false;
};

struct ProvidersOptions
{
  enum class Action
  {
    list,
    check, // providers check [NAME...]
    test,  // providers test NAME --to NUMBER
  };
  Action action = Action::list;
  std::vector<std::string> names;
  std::string to;
};

} // namespace smsotp::cli
