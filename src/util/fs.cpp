#include "util/fs.hpp"

#include "util/errno_text.hpp"

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>

namespace smsotp::util {

FsError::FsError(const std::string& what, int error_number)
    : std::runtime_error(what), m_errno(error_number)
{}

int FsError::error_number() const
{
  return m_errno;
}

Fd::Fd(int fd) : m_fd(fd)
{}

Fd::Fd(Fd&& other) noexcept : m_fd(other.m_fd)
{
  other.m_fd = -1;
}

Fd& Fd::operator=(Fd&& other) noexcept
{
  if (this != &other) {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
    m_fd = other.m_fd;
    other.m_fd = -1;
  }
  return *this;
}

Fd::~Fd()
{
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

int Fd::get() const
{
  return m_fd;
}

bool Fd::valid() const
{
  return m_fd >= 0;
}

OpenedFile open_regular(const std::string& path)
{
  // O_NONBLOCK keeps a FIFO from blocking the open; it is harmless for
  // regular files.
  const int fd =
      ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) {
    const int error = errno;
    throw FsError(path + ": " + errno_text(error), error);
  }
  OpenedFile file{Fd(fd), {}};
  if (::fstat(fd, &file.info) != 0) {
    const int error = errno;
    throw FsError(path + ": " + errno_text(error), error);
  }
  if (!S_ISREG(file.info.st_mode)) {
    throw FsError(path + ": not a regular file", EINVAL);
  }
  return file;
}

std::string read_all(int fd, std::size_t max_bytes)
{
  std::string data;
  std::array<char, 8192> buffer{};
  while (true) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      const int error = errno;
      throw FsError(errno_text(error), error);
    }
    if (n == 0) {
      return data;
    }
    data.append(buffer.data(), static_cast<std::size_t>(n));
    if (data.size() > max_bytes) {
      throw FsError("file too large (max " + std::to_string(max_bytes)
                        + " bytes)",
                    EFBIG);
    }
  }
}

std::string mode_string(mode_t mode)
{
  std::array<char, 8> text{};
  std::snprintf(
      text.data(), text.size(), "%04o", static_cast<unsigned>(mode & 07777U));
  return text.data();
}

namespace {

bool owned_by_caller_or_root(const struct stat& info)
{
  return info.st_uid == 0 || info.st_uid == ::geteuid();
}

} // namespace

std::string private_file_problem(const struct stat& info)
{
  if (!owned_by_caller_or_root(info)) {
    return "owned by uid " + std::to_string(info.st_uid)
           + ", not by you or root";
  }
  if ((info.st_mode & 077U) != 0) {
    return "permissions " + mode_string(info.st_mode)
           + " are too open; it must not be accessible by group or others "
             "(chmod "
             "600)";
  }
  return {};
}

std::string foreign_writable_problem(const struct stat& info)
{
  if (!owned_by_caller_or_root(info)) {
    return "owned by uid " + std::to_string(info.st_uid)
           + ", not by you or root";
  }
  if ((info.st_mode & 022U) != 0) {
    return "permissions " + mode_string(info.st_mode)
           + " let group or others change it";
  }
  return {};
}

bool lstat_path(const std::string& path, struct stat& info)
{
  return ::lstat(path.c_str(), &info) == 0;
}

int write_access_error(const std::string& path)
{
  struct stat info
  {};
  const int mode = ::stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode)
                       ? W_OK | X_OK
                       : W_OK;
  return ::faccessat(AT_FDCWD, path.c_str(), mode, AT_EACCESS) == 0 ? 0 : errno;
}

std::string real_path(const std::string& path)
{
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (resolved == nullptr) {
    const int error = errno;
    throw FsError(path + ": " + errno_text(error), error);
  }
  std::string result(resolved);
  std::free(resolved); // NOLINT(cppcoreguidelines-no-malloc): realpath's
  return result;
}

bool path_exists(const std::string& path)
{
  struct stat info
  {};
  return ::stat(path.c_str(), &info) == 0;
}

void make_directories(const std::string& path, mode_t mode)
{
  if (path.empty() || path_exists(path)) {
    return;
  }
  make_directories(parent_directory(path), mode);
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) {
    const int error = errno;
    throw FsError(path + ": " + errno_text(error), error);
  }
}

std::string parent_directory(const std::string& path)
{
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) {
    return ".";
  }
  if (slash == 0) {
    return "/";
  }
  return path.substr(0, slash);
}

std::string resolve_relative(const std::string& base_directory,
                             const std::string& path)
{
  if (path.empty() || path.front() == '/' || path == "-") {
    return path;
  }
  return base_directory + "/" + path;
}

void write_all(int fd, std::string_view data)
{
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      const int error = errno;
      throw FsError(errno_text(error), error);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

} // namespace smsotp::util
