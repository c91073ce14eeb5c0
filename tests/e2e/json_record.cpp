// The recorder of --json outputs (json_record.hpp).

#include "json_record.hpp"

#include "harness.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

namespace e2e {

namespace {

bool is_smsotp(const std::string& path)
{
  const auto name = std::filesystem::path(path).filename().string();
  return name == "smsotp" || name == "smsotp-testclock";
}

// Global options that take a value (cli/app.cpp add_global_options).
bool takes_value(const std::string& option)
{
  return option == "-c" || option == "--config" || option == "--db";
}

// The schema name for smsotp's arguments: the first two words that are
// neither options nor option values select the command.
std::string schema_for(const std::vector<std::string>& args)
{
  std::vector<std::string> words;
  bool version = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& arg = args[i];
    if (arg == "--version" || arg == "-V") {
      version = true;
    } else if (takes_value(arg)) {
      ++i;
    } else if (!arg.starts_with("-") || arg == "-") {
      words.push_back(arg);
    }
  }
  if (words.empty()) {
    return version ? "version" : "error";
  }
  const auto& command = words[0];
  if (command == "send" || command == "verify" || command == "purge"
      || command == "help") {
    return command;
  }
  if (command == "providers") {
    if (words.size() > 1 && (words[1] == "check" || words[1] == "test")) {
      return "providers-" + words[1];
    }
    return "providers-list";
  }
  return "error";
}

std::string record_dir()
{
  return SMSOTP_E2E_JSON_DIR;
}

} // namespace

std::optional<JsonRun> json_run_for(const std::vector<std::string>& argv)
{
  for (std::size_t i = 0; i < argv.size(); ++i) {
    if (!is_smsotp(argv[i])) {
      continue;
    }
    std::vector<std::string> args(argv.begin() + static_cast<long>(i) + 1,
                                  argv.end());
    for (const auto& arg : args) {
      if (arg == "--json") {
        return JsonRun{schema_for(args), args};
      }
    }
    return std::nullopt;
  }
  return std::nullopt;
}

void note_e2e_ran()
{
  static std::atomic<bool> noted{false};
  if (noted.exchange(true)) {
    return;
  }
  std::filesystem::create_directories(record_dir());
  std::ofstream(record_dir() + "/e2e-ran-" + std::to_string(::getpid()));
}

void record_json_run(const JsonRun& run, const Result& result)
{
  note_e2e_ran();
  if (result.term_signal != 0 && result.out.empty()) {
    return;
  }
  static std::atomic<int> counter{0};
  const std::string name = record_dir() + "/" + std::to_string(::getpid()) + "-"
                           + std::to_string(++counter) + ".json";
  nlohmann::json record{{"schema", run.schema},
                        {"args", run.args},
                        {"exit_code", result.exit_code},
                        {"term_signal", result.term_signal},
                        {"stdout", result.out}};
  try {
    static_cast<void>(nlohmann::json(result.out).dump());
  } catch (const nlohmann::json::exception&) {
    // Not UTF-8, so not JSON: the check fails this record.
    record["stdout_not_utf8"] = true;
  }
  // An argument may be a deliberately broken byte string (the bad-input
  // tests); it is shown replaced, only to name the run.
  std::ofstream stream(name, std::ios::binary | std::ios::trunc);
  stream << record.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
         << "\n";
  if (!stream) {
    throw std::runtime_error("cannot write " + name);
  }
}

} // namespace e2e
