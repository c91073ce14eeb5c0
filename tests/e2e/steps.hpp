#pragma once

// Steps shared by the e2e cases (doctest assertions inside): send a code,
// verify one, parse --json output.

#include "harness.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace e2e {

// "smsotp -c CONFIG send --to TO EXTRA..." must succeed; returns the code
// the file provider delivered.
inline std::string send_code(const Sandbox& box,
                             const std::string& config,
                             const std::vector<std::string>& extra = {},
                             const std::string& to = k_to,
                             const RunOptions& options = {})
{
  std::vector<std::string> args{"-c", config, "send", "--to", to};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto result = box.run(args, options);
  INFO("send stderr: " << result.err);
  REQUIRE(result.exit_code == 0);
  REQUIRE(result.out.size() == 28);
  REQUIRE(is_challenge_id(result.out.substr(0, 27)));
  const std::string code = box.last_code(to);
  REQUIRE(!code.empty());
  return code;
}

// "smsotp [GLOBAL...] -c CONFIG verify --to TO CODE".
inline Result verify(const Sandbox& box,
                     const std::string& config,
                     const std::string& code,
                     const std::vector<std::string>& global = {},
                     const std::string& to = k_to,
                     const RunOptions& options = {})
{
  std::vector<std::string> args{"-c", config};
  args.insert(args.end(), global.begin(), global.end());
  args.insert(args.end(), {"verify", "--to", to, code});
  return box.run(args, options);
}

// stdout must be exactly one JSON object on one line.
inline nlohmann::json one_json(const Result& result)
{
  INFO("stdout: " << result.out);
  INFO("stderr: " << result.err);
  REQUIRE(!result.out.empty());
  REQUIRE(result.out.back() == '\n');
  REQUIRE(result.out.find('\n') == result.out.size() - 1);
  nlohmann::json json;
  REQUIRE_NOTHROW(json = nlohmann::json::parse(result.out));
  REQUIRE(json.is_object());
  return json;
}

// The challenge's attempts column, read from the database.
inline int attempts_in_db(const Sandbox& box, const std::string& db = {})
{
  return std::stoi(sql_value(
      db.empty() ? box.db() : db,
      "SELECT attempts FROM challenge ORDER BY created_at DESC, rowid DESC "
      "LIMIT 1"));
}

// How many processes ended with each exit status (races).
inline std::map<int, int> exit_histogram(const std::vector<Result>& results)
{
  std::map<int, int> histogram;
  for (const auto& result : results) {
    ++histogram[result.exit_code];
  }
  return histogram;
}

inline int seen(const std::map<int, int>& histogram, int exit_code)
{
  const auto it = histogram.find(exit_code);
  return it == histogram.end() ? 0 : it->second;
}

// "exit 0 x1; exit 1 x49; " for failure messages.
inline std::string describe(const std::map<int, int>& histogram)
{
  std::string text;
  for (const auto& [code, count] : histogram) {
    text +=
        "exit " + std::to_string(code) + " x" + std::to_string(count) + "; ";
  }
  return text;
}

} // namespace e2e
