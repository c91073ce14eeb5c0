#pragma once

// Helpers shared by the unit tests: temporary directories that vanish when
// the test passed, deterministic and failing random sources, a fixed clock,
// scoped environment/umask changes, file helpers and a way to look at the
// smsotp::Error a call throws.

#include "core/error.hpp"
#include "core/otp.hpp"
#include "util/clock.hpp"
#include "util/errno_text.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace smsotp::test {

// Failed assertions so far (counted by the listener in main.cpp).
inline std::atomic<int> g_failed_assertions{0};

inline bool contains(std::string_view haystack, std::string_view needle)
{
  return haystack.find(needle) != std::string_view::npos;
}

#define CHECK_CONTAINS(haystack, needle)                                       \
  CHECK_MESSAGE(::smsotp::test::contains((haystack), (needle)),                \
                "\"" << (haystack) << "\" does not contain \"" << (needle)     \
                     << "\"")

#define CHECK_NOT_CONTAINS(haystack, needle)                                   \
  CHECK_MESSAGE(!::smsotp::test::contains((haystack), (needle)),               \
                "\"" << (haystack) << "\" contains \"" << (needle) << "\"")

// A fresh directory under /tmp. Removed at the end of the scope if no
// assertion failed meanwhile; kept (and its path printed) otherwise.
class TempDir
{
public:
  TempDir()
  {
    std::string name = "/tmp/smsotp-unit-XXXXXX";
    if (::mkdtemp(name.data()) == nullptr) {
      FAIL("mkdtemp: " << smsotp::util::errno_text(errno));
    }
    m_path = name;
    m_failures_before = g_failed_assertions.load();
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir()
  {
    if (g_failed_assertions.load() == m_failures_before
        && std::uncaught_exceptions() == 0) {
      std::error_code ignored;
      std::filesystem::remove_all(m_path, ignored);
    } else {
      std::fprintf(stderr, "test files kept in %s\n", m_path.c_str());
    }
  }

  const std::string& path() const
  {
    return m_path;
  }
  std::string file(const std::string& name) const
  {
    return m_path + "/" + name;
  }

private:
  std::string m_path;
  int m_failures_before = 0;
};

// Hands out `bytes` in order, starting again at the front when they run out.
class FakeRandom : public core::RandomSource
{
public:
  explicit FakeRandom(std::vector<std::uint8_t> bytes)
      : m_bytes(std::move(bytes))
  {
    REQUIRE(!m_bytes.empty());
  }

  bool fill(std::uint8_t* data, std::size_t size) override
  {
    ++m_calls;
    for (std::size_t i = 0; i < size; ++i) {
      data[i] = m_bytes[m_next % m_bytes.size()];
      ++m_next;
    }
    return true;
  }

  std::size_t calls() const
  {
    return m_calls;
  }
  std::size_t consumed() const
  {
    return m_next;
  }

private:
  std::vector<std::uint8_t> m_bytes;
  std::size_t m_next = 0;
  std::size_t m_calls = 0;
};

// Reports failure like RAND_bytes returning 0.
class FailingRandom : public core::RandomSource
{
public:
  bool fill(std::uint8_t* /*data*/, std::size_t /*size*/) override
  {
    ++m_calls;
    return false;
  }
  std::size_t calls() const
  {
    return m_calls;
  }

private:
  std::size_t m_calls = 0;
};

class FixedClock : public util::Clock
{
public:
  explicit FixedClock(std::int64_t now) : m_now(now)
  {}
  std::int64_t now() const override
  {
    return m_now;
  }
  void set(std::int64_t now)
  {
    m_now = now;
  }

private:
  std::int64_t m_now;
};

// Sets (or with nullopt unsets) an environment variable for one scope.
// setenv is MT-Unsafe (glibc: const:env), safe only while no other thread
// calls getenv: the unit tests read the environment on the test thread
// only (the fake servers' threads never do), hence the NOLINTs below.
class ScopedEnv
{
public:
  ScopedEnv(std::string name, const std::optional<std::string>& value)
      : m_name(std::move(name))
  {
    if (const char* old = std::getenv(m_name.c_str())) {
      m_old = old;
    }
    if (value) {
      // NOLINTNEXTLINE(concurrency-mt-unsafe): one thread reads env, above
      ::setenv(m_name.c_str(), value->c_str(), 1);
    } else {
      // NOLINTNEXTLINE(concurrency-mt-unsafe): one thread reads env, above
      ::unsetenv(m_name.c_str());
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
  ~ScopedEnv()
  {
    if (m_old) {
      // NOLINTNEXTLINE(concurrency-mt-unsafe): one thread reads env, above
      ::setenv(m_name.c_str(), m_old->c_str(), 1);
    } else {
      // NOLINTNEXTLINE(concurrency-mt-unsafe): one thread reads env, above
      ::unsetenv(m_name.c_str());
    }
  }

private:
  std::string m_name;
  std::optional<std::string> m_old;
};

// Unsets every SMSOTP_* variable (and the config lookup variables) for one
// scope, so that the caller's environment cannot change a test's result.
class CleanEnvironment
{
public:
  CleanEnvironment()
  {
    std::vector<std::string> names{"XDG_CONFIG_HOME", "XDG_STATE_HOME"};
    for (char** entry = environ; *entry != nullptr; ++entry) {
      const std::string text = *entry;
      if (text.starts_with("SMSOTP_")) {
        names.push_back(text.substr(0, text.find('=')));
      }
    }
    for (const auto& name : names) {
      m_saved.push_back(std::make_unique<ScopedEnv>(name, std::nullopt));
    }
  }

private:
  std::vector<std::unique_ptr<ScopedEnv>> m_saved;
};

class ScopedUmask
{
public:
  explicit ScopedUmask(mode_t mask) : m_old(::umask(mask))
  {}
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;
  ~ScopedUmask()
  {
    ::umask(m_old);
  }

private:
  mode_t m_old;
};

// Writes `content` to `path` with exactly `mode`, whatever the umask.
inline void
write_file(const std::string& path, std::string_view content, mode_t mode)
{
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, mode);
  REQUIRE_MESSAGE(fd >= 0, path << ": " << smsotp::util::errno_text(errno));
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    REQUIRE(n > 0);
    done += static_cast<std::size_t>(n);
  }
  REQUIRE(::fchmod(fd, mode) == 0);
  ::close(fd);
}

inline std::string read_file(const std::string& path)
{
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline bool path_exists(const std::string& path)
{
  struct stat info
  {};
  return ::lstat(path.c_str(), &info) == 0;
}

// Permission bits of `path`, or -1 if it does not exist.
inline int file_mode(const std::string& path)
{
  struct stat info
  {};
  if (::stat(path.c_str(), &info) != 0) {
    return -1;
  }
  return static_cast<int>(info.st_mode & 07777U);
}

inline std::string octal(int mode)
{
  std::ostringstream out;
  out << std::oct << mode;
  return out.str();
}

inline std::string source_path(const std::string& relative)
{
  return std::string(SMSOTP_SOURCE_DIR) + "/" + relative;
}

inline core::Key test_key(std::uint8_t seed)
{
  core::Key key{};
  for (std::size_t i = 0; i < key.size(); ++i) {
    key[i] = static_cast<std::uint8_t>(seed + i);
  }
  return key;
}

// What a call threw, if it threw smsotp::Error. Other exceptions propagate
// (and fail the test).
struct Caught
{
  bool thrown = false;
  core::ExitCode code = core::ExitCode::success;
  std::string message;
  std::optional<std::int64_t> retry_after;
};

template<typename F> Caught catch_error(F&& call)
{
  try {
    std::forward<F>(call)();
  } catch (const smsotp::Error& error) {
    return {true, error.code(), error.what(), error.retry_after()};
  }
  return {};
}

// Captures what is written to file descriptor `fd` (1 or 2) until finish().
class CaptureFd
{
public:
  explicit CaptureFd(int fd) : m_fd(fd)
  {
    std::fflush(nullptr);
    std::string name = "/tmp/smsotp-capture-XXXXXX";
    m_file = ::mkstemp(name.data());
    REQUIRE(m_file >= 0);
    ::unlink(name.c_str());
    m_saved = ::dup(fd);
    REQUIRE(m_saved >= 0);
    ::dup2(m_file, fd);
  }
  CaptureFd(const CaptureFd&) = delete;
  CaptureFd& operator=(const CaptureFd&) = delete;
  ~CaptureFd()
  {
    restore();
    if (m_file >= 0) {
      ::close(m_file);
    }
  }

  // Restores the descriptor and returns everything written meanwhile.
  std::string finish()
  {
    restore();
    std::string text;
    ::lseek(m_file, 0, SEEK_SET);
    char buffer[4096];
    ssize_t n = 0;
    while ((n = ::read(m_file, buffer, sizeof buffer)) > 0) {
      text.append(buffer, static_cast<std::size_t>(n));
    }
    return text;
  }

private:
  void restore()
  {
    if (m_saved >= 0) {
      std::fflush(nullptr);
      ::dup2(m_saved, m_fd);
      ::close(m_saved);
      m_saved = -1;
    }
  }

  int m_fd;
  int m_file = -1;
  int m_saved = -1;
};

} // namespace smsotp::test
