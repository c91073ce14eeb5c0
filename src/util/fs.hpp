#pragma once

// File-system helpers. Failures throw util::FsError with the errno value, so
// callers in core/ can map them to the right exit class.

#include <stdexcept>
#include <string>
#include <sys/stat.h>

namespace smsotp::util {

class FsError : public std::runtime_error
{
public:
  FsError(const std::string& what, int error_number);
  int error_number() const;

private:
  int m_errno;
};

// Owns a file descriptor; closes it on destruction.
class Fd
{
public:
  Fd() = default;
  explicit Fd(int fd);
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& other) noexcept;
  Fd& operator=(Fd&& other) noexcept;
  ~Fd();

  int get() const;
  bool valid() const;

private:
  int m_fd = -1;
};

// A regular file opened for reading and the fstat() of that same descriptor,
// so that checks and reads refer to one file (no check/use race).
struct OpenedFile
{
  Fd fd;
  struct stat info
  {};
};

// Opens `path` read-only without blocking on FIFOs and requires a regular
// file. Throws FsError ("not a regular file" uses EINVAL).
OpenedFile open_regular(const std::string& path);

// Reads the rest of `fd`; throws FsError(EFBIG) if more than `max_bytes`.
std::string read_all(int fd, std::size_t max_bytes);

// Describes why a file holding secrets is unsafe, in the words of ssh:
// owned by someone other than the caller or root, or any group/other
// permission bit set. Returns "" when the file is private.
std::string private_file_problem(const struct stat& info);

// Describes why a file others must not change is unsafe (a config, and
// the state files of DESIGN §4: the database, its -wal and -shm): owned by
// someone other than the caller or root, or writable by group or others.
// "" when fine. The caller adds the remedy that fits its file.
std::string foreign_writable_problem(const struct stat& info);

// "0644": the permission bits of `mode` in octal.
std::string mode_string(mode_t mode);

bool path_exists(const std::string& path);

// lstat(): true and `info` filled if `path` exists (a symlink itself).
bool lstat_path(const std::string& path, struct stat& info);

// 0 if the effective user may write `path` (access(2) with AT_EACCESS;
// for a directory: create and remove entries in it), else the errno
// (EACCES, EROFS...).
int write_access_error(const std::string& path);

// realpath(3); throws FsError.
std::string real_path(const std::string& path);

// Creates `path` and missing parents with `mode` (like mkdir -p).
void make_directories(const std::string& path, mode_t mode);

std::string parent_directory(const std::string& path);

// Joins `path` onto `base` unless it is absolute.
std::string resolve_relative(const std::string& base_directory,
                             const std::string& path);

// Writes all of `data` to `fd`, retrying on EINTR and short writes.
void write_all(int fd, std::string_view data);

} // namespace smsotp::util
