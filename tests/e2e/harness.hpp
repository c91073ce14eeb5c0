#pragma once

// The e2e harness: runs the built smsotp binaries as child processes
// (posix_spawn, a clean environment, stdin text, captured stdout/stderr)
// inside a per-test temporary directory, and reads what they left behind
// (the file provider's outbox, the SQLite database).

#include "json_record.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace e2e {

// A sample recipient used throughout: any number libphonenumber calls valid
// works (+1555... numbers are not: 555 is no area code).
inline constexpr const char* k_to = "+15033234567";

// The destination policy of the standard configs: every country.
inline constexpr const char* k_allow_all =
    "[policy]\nallowed_countries = [\"*\"]\n\n";

// The sending limits of the standard configs: all off, so that tests whose
// subject is not the limits can send to one number (or one block) as often
// as they need. The limits themselves are tested in e2e_limits.cpp.
inline constexpr const char* k_no_limits =
    "[limits]\nper_recipient = 0\nmin_interval = \"0s\"\n"
    "per_recipient_daily = 0\nper_prefix_hourly = 0\nglobal_hourly = 0\n"
    "global_daily = 0\n\n";

// What the standard configs append after their caller's `extra`:
// k_allow_all unless `extra` has its own [policy], k_no_limits unless it
// has its own [limits]. Last, so that line numbers in `extra` stay what
// they were.
std::string standard_tail(std::string_view extra);

struct Result
{
  int exit_code = -1;  // WEXITSTATUS, or 128 + signal if killed by one
  int term_signal = 0; // the signal that killed the process, 0 if none
  std::string out;
  std::string err;

  // stdout and stderr together, for "never appears" checks.
  std::string all() const
  {
    return out + err;
  }
};

struct RunOptions
{
  // Written to the child's stdin, which is then closed; without it stdin is
  // /dev/null.
  std::optional<std::string> stdin_text;
  // Run smsotp-testclock with SMSOTP_TEST_NOW set to this value.
  std::optional<std::int64_t> now;
  // Start the child under umask 000 (through /bin/sh).
  bool umask_zero = false;
  // "NAME=value" entries for the child's environment; they replace the
  // sandbox's own entry of that name.
  std::vector<std::string> env;
  // Names removed from the child's environment.
  std::vector<std::string> unset;
};

// A started child process. finish() collects its output and status.
class Child
{
public:
  // `json_run`: record the output for the JSON check (json_record.hpp).
  Child(pid_t pid,
        int out_fd,
        int err_fd,
        std::optional<JsonRun> json_run = std::nullopt);
  Child(Child&& other) noexcept;
  Child& operator=(Child&&) = delete;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child();

  pid_t pid() const
  {
    return m_pid;
  }
  // Reads stdout and stderr to EOF, waits for the process.
  Result finish();

private:
  pid_t m_pid;
  int m_out_fd;
  int m_err_fd;
  std::optional<JsonRun> m_json_run;
};

// Spawns argv[0] (a path) with exactly `env` as its environment, in
// directory `cwd`. Throws std::runtime_error if the spawn fails. A run of
// smsotp with --json is recorded for the JSON check when it finishes.
Child spawn(const std::vector<std::string>& argv,
            const std::vector<std::string>& env,
            const std::string& cwd,
            const std::optional<std::string>& stdin_text);

// A per-test temporary directory with a private HOME and XDG_* tree inside
// it; removed (with everything in it) by the destructor.
class Sandbox
{
public:
  Sandbox();
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  const std::string& dir() const
  {
    return m_dir;
  }
  std::string path(std::string_view name) const;
  // Where the standard configs put the database and the outbox.
  std::string db() const;
  std::string outbox() const;
  // The key file smsotp creates next to db().
  std::string key_file() const;

  // The environment every child gets: HOME, XDG_* into the sandbox, PATH,
  // LC_ALL; no proxy variables, no SMSOTP_* and nothing from the caller.
  std::vector<std::string> environment() const;

  // Runs smsotp (or smsotp-testclock with options.now) with `args`.
  Result run(const std::vector<std::string>& args,
             const RunOptions& options = {}) const;
  Child start(const std::vector<std::string>& args,
              const RunOptions& options = {}) const;
  // Starts `count` identical processes at once, then waits for all of them.
  std::vector<Result> spawn_many(const std::vector<std::string>& args,
                                 int count,
                                 const RunOptions& options = {}) const;

  // Writes `content` to path(name) with exactly `mode`; returns the path.
  std::string write_file(std::string_view name,
                         std::string_view content,
                         unsigned mode = 0600) const;
  // A config with the file provider appending to outbox(), the database at
  // db(), `extra` appended verbatim (e.g. "[otp]\nlockout_after = 50\n"),
  // then standard_tail(extra). Written 0600 as config.toml; returns its
  // path.
  std::string file_config(std::string_view extra = "") const;

  // The code in the last message the file provider appended for `to`
  // ("" if there is none).
  std::string last_code(std::string_view to = k_to) const;
  // How many messages the outbox holds for `to`.
  int outbox_count(std::string_view to = k_to) const;

private:
  std::string m_dir;
};

// Throws std::runtime_error "WHAT: <strerror(error)>".
[[noreturn]] void fail_errno(const std::string& what, int error);
// TEXT with ASCII letters lower-cased (HTTP header names). Inline: the
// unit tests compile raw_servers.cpp without the rest of the harness.
inline std::string ascii_lower(std::string text)
{
  std::transform(text.begin(), text.end(), text.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  return text;
}

// File helpers.
std::string read_file(const std::string& path); // "" if missing
bool file_exists(const std::string& path);
unsigned file_mode(const std::string& path); // permission bits only
void set_mode(const std::string& path, unsigned mode);

// A one-value SQL query on a database, read-only; throws on error.
std::string sql_value(const std::string& db_path, const std::string& sql);
// Runs SQL statements on a database (creating it); throws on error.
void sql_exec(const std::string& db_path, const std::string& sql);

// Keeps a read connection open on a WAL database so that smsotp's own
// connection is not the last one: then its -wal and -shm files stay on
// disk with their contents after smsotp exits.
class WalHolder
{
public:
  explicit WalHolder(const std::string& db_path);
  ~WalHolder();
  WalHolder(const WalHolder&) = delete;
  WalHolder& operator=(const WalHolder&) = delete;

private:
  void* m_db = nullptr;
};

// True if `needle` occurs in `haystack` (byte-wise).
bool contains(std::string_view haystack, std::string_view needle);
// Standard base64 (for the expected Basic authorization value).
std::string base64(std::string_view data);
// Lower-case hex of raw bytes.
std::string hex(std::string_view data);
// The same code with its last digit changed (a wrong but well-formed code).
std::string wrong_code(const std::string& code);
// True for a challenge id as send prints it: "ch_" + 24 lower-case hex.
bool is_challenge_id(std::string_view text);

// A TCP port on 127.0.0.1 that nothing listens on (bound, then closed).
int closed_port();

} // namespace e2e
