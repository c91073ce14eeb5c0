#include "fuzz_support.hpp"

#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace smsotp::fuzz {

namespace {

// Owns the temporary directory; its destructor runs at exit, also when
// libFuzzer ends a timed run with exit(0).
class TempDir
{
public:
  TempDir()
  {
    const char* base = std::getenv("TMPDIR");
    std::string pattern =
        std::string(base != nullptr && base[0] == '/' ? base : "/tmp")
        + "/smsotp-fuzz-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::perror("fuzz: mkdtemp");
      std::abort();
    }
    m_path = pattern;
  }
  ~TempDir()
  {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const
  {
    return m_path;
  }

private:
  std::string m_path;
};

} // namespace

std::vector<std::string> split_parts(std::string_view data,
                                     std::size_t max_parts)
{
  std::vector<std::string> parts;
  while (parts.size() + 1 < max_parts) {
    const auto at = data.find(k_separator);
    if (at == std::string_view::npos) {
      break;
    }
    parts.emplace_back(data.substr(0, at));
    data.remove_prefix(at + k_separator.size());
  }
  parts.emplace_back(data);
  parts.resize(max_parts);
  return parts;
}

std::string first_line(std::string_view text, std::string& rest)
{
  const auto end = text.find('\n');
  if (end == std::string_view::npos) {
    rest.clear();
    return std::string(text);
  }
  rest = std::string(text.substr(end + 1));
  return std::string(text.substr(0, end));
}

const std::string& temp_dir()
{
  static const TempDir dir;
  return dir.path();
}

std::string write_temp_file(const std::string& name,
                            std::string_view content,
                            unsigned mode)
{
  const std::string path = temp_dir() + "/" + name;
  ::unlink(path.c_str());
  const int fd = ::open(path.c_str(),
                        O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                        static_cast<mode_t>(mode));
  if (fd < 0) {
    std::perror(("fuzz: " + path).c_str());
    std::abort();
  }
  // The umask may have removed bits; the targets depend on the exact mode.
  static_cast<void>(::fchmod(fd, static_cast<mode_t>(mode)));
  std::size_t written = 0;
  while (written < content.size()) {
    const auto n =
        ::write(fd, content.data() + written, content.size() - written);
    if (n <= 0) {
      std::perror(("fuzz: write " + path).c_str());
      std::abort();
    }
    written += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return path;
}

void fuzz_fail(const char* target, const std::string& what)
{
  std::fprintf(stderr, "fuzz %s: %s\n", target, what.c_str());
  std::fflush(stderr);
  std::abort();
}

} // namespace smsotp::fuzz
