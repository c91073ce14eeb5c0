// Processes and sandboxes of the e2e harness.

#include "harness.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <regex>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace e2e {

namespace {

struct Pipe
{
  int read_end = -1;
  int write_end = -1;
};

Pipe make_pipe()
{
  std::array<int, 2> fds{};
  if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
    fail_errno("pipe2", errno);
  }
  return {fds[0], fds[1]};
}

void close_fd(int& fd)
{
  if (fd >= 0) {
    ::close(fd);
    fd = -1;
  }
}

// Frees the posix_spawn objects on every path out of spawn().
struct SpawnObjects
{
  posix_spawn_file_actions_t actions{};
  SpawnObjects()
  {
    posix_spawn_file_actions_init(&actions);
  }
  ~SpawnObjects()
  {
    posix_spawn_file_actions_destroy(&actions);
  }
  SpawnObjects(const SpawnObjects&) = delete;
  SpawnObjects& operator=(const SpawnObjects&) = delete;
};

std::vector<char*> c_strings(const std::vector<std::string>& items)
{
  std::vector<char*> out;
  out.reserve(items.size() + 1);
  for (const auto& item : items) {
    out.push_back(const_cast<char*>(item.c_str())); // NOLINT: exec API
  }
  out.push_back(nullptr);
  return out;
}

} // namespace

Child::Child(pid_t pid, int out_fd, int err_fd, std::optional<JsonRun> json_run)
    : m_pid(pid), m_out_fd(out_fd), m_err_fd(err_fd),
      m_json_run(std::move(json_run))
{}

Child::Child(Child&& other) noexcept
    : m_pid(other.m_pid), m_out_fd(other.m_out_fd), m_err_fd(other.m_err_fd),
      m_json_run(std::move(other.m_json_run))
{
  other.m_json_run.reset();
  other.m_pid = -1;
  other.m_out_fd = -1;
  other.m_err_fd = -1;
}

Child::~Child()
{
  if (m_pid > 0) {
    // Not finished (a test failed half-way): do not leave it running. What
    // it printed so far is no output to check.
    m_json_run.reset();
    ::kill(m_pid, SIGKILL);
    try {
      static_cast<void>(finish());
    } catch (const std::exception&) { // NOLINT(bugprone-empty-catch)
    }
  }
  close_fd(m_out_fd);
  close_fd(m_err_fd);
}

Result Child::finish()
{
  Result result;
  std::array<pollfd, 2> fds{{{m_out_fd, POLLIN, 0}, {m_err_fd, POLLIN, 0}}};
  std::array<std::string*, 2> sinks{&result.out, &result.err};
  std::array<char, 4096> buffer{};
  int open_count = 2;
  while (open_count > 0) {
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      fail_errno("poll", errno);
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) {
        continue;
      }
      const ssize_t n = ::read(fds[i].fd, buffer.data(), buffer.size());
      if (n > 0) {
        sinks[i]->append(buffer.data(), static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1; // poll ignores negative descriptors
        --open_count;
      }
    }
  }
  close_fd(m_out_fd);
  close_fd(m_err_fd);
  int status = 0;
  while (::waitpid(m_pid, &status, 0) < 0) {
    if (errno != EINTR) {
      fail_errno("waitpid", errno);
    }
  }
  m_pid = -1;
  if (WIFSIGNALED(status)) {
    result.term_signal = WTERMSIG(status);
    result.exit_code = 128 + result.term_signal;
  } else {
    result.exit_code = WEXITSTATUS(status);
  }
  if (m_json_run) {
    record_json_run(*m_json_run, result);
  }
  return result;
}

Child spawn(const std::vector<std::string>& argv,
            const std::vector<std::string>& env,
            const std::string& cwd,
            const std::optional<std::string>& stdin_text)
{
  Pipe out = make_pipe();
  Pipe err = make_pipe();
  Pipe in;
  SpawnObjects objects;
  auto* actions = &objects.actions;
  if (stdin_text) {
    in = make_pipe();
    posix_spawn_file_actions_adddup2(actions, in.read_end, STDIN_FILENO);
  } else {
    posix_spawn_file_actions_addopen(
        actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  }
  posix_spawn_file_actions_adddup2(actions, out.write_end, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(actions, err.write_end, STDERR_FILENO);
  // Nothing else of ours (server sockets, other children's pipes) leaks in.
  posix_spawn_file_actions_addclosefrom_np(actions, 3);
  posix_spawn_file_actions_addchdir_np(actions, cwd.c_str());
  auto args = c_strings(argv);
  auto envp = c_strings(env);
  pid_t pid = -1;
  const int rc = ::posix_spawn(
      &pid, argv.at(0).c_str(), actions, nullptr, args.data(), envp.data());
  close_fd(out.write_end);
  close_fd(err.write_end);
  close_fd(in.read_end);
  if (rc != 0) {
    close_fd(out.read_end);
    close_fd(err.read_end);
    close_fd(in.write_end);
    fail_errno("posix_spawn " + argv.at(0), rc);
  }
  if (stdin_text) {
    // Small texts fit in the pipe buffer; a child that exits early gives
    // EPIPE, which is ignored (SIGPIPE is ignored in main()).
    std::string_view rest = *stdin_text;
    while (!rest.empty()) {
      const ssize_t n = ::write(in.write_end, rest.data(), rest.size());
      if (n < 0) {
        if (errno == EINTR) {
          continue;
        }
        break;
      }
      rest.remove_prefix(static_cast<std::size_t>(n));
    }
    close_fd(in.write_end);
  }
  return {pid, out.read_end, err.read_end, json_run_for(argv)};
}

Sandbox::Sandbox()
{
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && tmp[0] == '/' ? tmp : "/tmp")
      + "/smsotp-e2e-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    fail_errno("mkdtemp", errno);
  }
  m_dir = pattern;
  note_e2e_ran();
  for (const char* sub : {"home",
                          "home/.config",
                          "home/.local",
                          "home/.local/state",
                          "home/.local/share",
                          "home/.cache"}) {
    std::filesystem::create_directories(path(sub));
  }
}

Sandbox::~Sandbox()
{
  std::error_code ignored;
  // A test may have left a read-only directory behind; make it removable.
  for (auto it = std::filesystem::recursive_directory_iterator(
           m_dir,
           std::filesystem::directory_options::skip_permission_denied,
           ignored);
       it != std::filesystem::recursive_directory_iterator();
       it.increment(ignored)) {
    if (it->is_directory(ignored)) {
      std::filesystem::permissions(it->path(),
                                   std::filesystem::perms::owner_all,
                                   std::filesystem::perm_options::add,
                                   ignored);
    }
  }
  std::filesystem::remove_all(m_dir, ignored);
}

std::string Sandbox::path(std::string_view name) const
{
  return m_dir + "/" + std::string(name);
}

std::string Sandbox::db() const
{
  return path("state/state.db");
}

std::string Sandbox::outbox() const
{
  return path("outbox.txt");
}

std::string Sandbox::key_file() const
{
  return path("state/smsotp.key");
}

std::vector<std::string> Sandbox::environment() const
{
  const std::string home = path("home");
  return {"HOME=" + home,
          "XDG_CONFIG_HOME=" + home + "/.config",
          "XDG_STATE_HOME=" + home + "/.local/state",
          "XDG_DATA_HOME=" + home + "/.local/share",
          "XDG_CACHE_HOME=" + home + "/.cache",
          "PATH=/usr/local/bin:/usr/bin:/bin",
          "LC_ALL=C.UTF-8",
          "TZ=UTC",
          "NO_PROXY=127.0.0.1,localhost",
          "no_proxy=127.0.0.1,localhost"};
}

Child Sandbox::start(const std::vector<std::string>& args,
                     const RunOptions& options) const
{
  std::vector<std::string> argv;
  const std::string program =
      options.now ? SMSOTP_E2E_TESTCLOCK : SMSOTP_E2E_BINARY;
  if (options.umask_zero) {
    argv = {"/bin/sh", "-c", "umask 000 && exec \"$0\" \"$@\"", program};
  } else {
    argv = {program};
  }
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<std::string> extra = options.env;
  if (options.now) {
    extra.push_back("SMSOTP_TEST_NOW=" + std::to_string(*options.now));
  }
  std::vector<std::string> names = options.unset;
  for (const auto& entry : extra) {
    names.push_back(entry.substr(0, entry.find('=')));
  }
  std::vector<std::string> env;
  for (const auto& entry : environment()) {
    const auto name = entry.substr(0, entry.find('='));
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      env.push_back(entry);
    }
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return spawn(argv, env, m_dir, options.stdin_text);
}

Result Sandbox::run(const std::vector<std::string>& args,
                    const RunOptions& options) const
{
  return start(args, options).finish();
}

std::vector<Result> Sandbox::spawn_many(const std::vector<std::string>& args,
                                        int count,
                                        const RunOptions& options) const
{
  std::vector<Child> children;
  children.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    children.push_back(start(args, options));
  }
  std::vector<Result> results;
  results.reserve(children.size());
  for (auto& child : children) {
    results.push_back(child.finish());
  }
  return results;
}

std::string Sandbox::write_file(std::string_view name,
                                std::string_view content,
                                unsigned mode) const
{
  const std::string target = path(name);
  std::filesystem::create_directories(
      std::filesystem::path(target).parent_path());
  {
    std::ofstream stream(target, std::ios::binary | std::ios::trunc);
    stream << content;
    if (!stream) {
      throw std::runtime_error("cannot write " + target);
    }
  }
  set_mode(target, mode);
  return target;
}

std::string standard_tail(std::string_view extra)
{
  std::string text;
  if (!contains(extra, "[policy]")) {
    text += "\n" + std::string(k_allow_all);
  }
  if (!contains(extra, "[limits]")) {
    text += "\n" + std::string(k_no_limits);
  }
  return text;
}

std::string Sandbox::file_config(std::string_view extra) const
{
  std::string text = "[store]\ndatabase = \"" + db()
                     + "\"\n\n[send]\nproviders = [\"outbox\"]\n\n"
                       "[provider.outbox]\nkind = \"file\"\npath = \""
                     + outbox() + "\"\n\n";
  text += extra;
  text += standard_tail(extra);
  return write_file("config.toml", text, 0600);
}

std::string Sandbox::last_code(std::string_view to) const
{
  std::istringstream lines(read_file(outbox()));
  static const std::regex k_code("your code is ([0-9]+)");
  std::string line;
  std::string code;
  const std::string prefix = std::string(to) + "\t";
  while (std::getline(lines, line)) {
    std::smatch match;
    if (line.starts_with(prefix) && std::regex_search(line, match, k_code)) {
      code = match[1].str();
    }
  }
  return code;
}

int Sandbox::outbox_count(std::string_view to) const
{
  std::istringstream lines(read_file(outbox()));
  std::string line;
  int count = 0;
  const std::string prefix = std::string(to) + "\t";
  while (std::getline(lines, line)) {
    count += line.starts_with(prefix) ? 1 : 0;
  }
  return count;
}

} // namespace e2e
