#include "core/key_file.hpp"

#include "core/error.hpp"
#include "core/secret.hpp"
#include "util/errno_text.hpp"
#include "util/fs.hpp"

#include <openssl/crypto.h>

#include <cerrno>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <sys/file.h>
#include <unistd.h>

namespace smsotp::core {

namespace {

constexpr auto k_key_size = static_cast<std::int64_t>(Key{}.size());

[[noreturn]] void throw_errno(ExitCode code, const std::string& what)
{
  const int error = errno;
  throw Error(code, what + ": " + util::errno_text(error));
}

void fsync_directory(const std::string& directory)
{
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    throw_errno(ExitCode::io, "key directory " + directory);
  }
  const util::Fd owned(fd);
  if (::fsync(fd) != 0) {
    throw_errno(ExitCode::io, "key directory " + directory + ": fsync");
  }
}

std::string base_name(const std::string& path)
{
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// A fully written and synced key under a temporary name next to `path`;
// the destructor removes that name unless the key was moved into place.
class TempKey
{
public:
  TempKey(const std::string& path, RandomSource& random)
  {
    if (!random.fill(m_key.data(), m_key.size())) {
      throw Error(ExitCode::internal,
                  "random number generator failed; no key was created");
    }
    // Names with our pid and a counter: a stale file (or link) left by an
    // earlier process with the same pid is skipped, never opened.
    const std::string prefix = util::parent_directory(path) + "/."
                               + base_name(path) + ".tmp."
                               + std::to_string(::getpid()) + ".";
    int fd = -1;
    for (int i = 0; fd < 0; ++i) {
      m_path = prefix + std::to_string(i);
      fd = ::open(m_path.c_str(),
                  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                  0600);
      if (fd < 0 && (errno != EEXIST || i >= 100)) {
        m_path.clear();
        throw_errno(ExitCode::cant_create, "cannot create key file " + path);
      }
    }
    const util::Fd owned(fd);
    try {
      util::write_all(
          fd,
          std::string_view(reinterpret_cast<const char*>(m_key.data()),
                           m_key.size()));
      if (::fsync(fd) != 0) {
        const int error = errno;
        throw util::FsError(util::errno_text(error), error);
      }
    } catch (const util::FsError& error) {
      // The destructor does not run for a constructor that throws.
      ::unlink(m_path.c_str());
      OPENSSL_cleanse(m_key.data(), m_key.size());
      throw Error(ExitCode::io,
                  "cannot write key file " + path + ": " + error.what());
    }
  }
  TempKey(const TempKey&) = delete;
  TempKey& operator=(const TempKey&) = delete;
  ~TempKey()
  {
    if (!m_path.empty()) {
      ::unlink(m_path.c_str());
    }
    OPENSSL_cleanse(m_key.data(), m_key.size());
  }

  [[nodiscard]] const std::string& path() const
  {
    return m_path;
  }
  [[nodiscard]] const Key& key() const
  {
    return m_key;
  }
  // After a rename() the temporary name is gone.
  void moved()
  {
    m_path.clear();
  }

private:
  Key m_key{};
  std::string m_path;
};

// Renames `temp` over the partial key at `path`, holding an exclusive lock
// on the partial file so that racing processes replace it once: a process
// that gets the lock after the rename finds a different file at `path` and
// returns false (the caller reads the key again).
bool replace_locked(const std::string& path, const std::string& temp)
{
  const int fd = ::open(
      path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      return false;
    }
    if (errno == ELOOP) {
      throw Error(ExitCode::cant_create,
                  "key file " + path
                      + " is a symbolic link to a damaged key; smsotp does "
                        "not replace it: restore the key it points to, or "
                        "remove the link");
    }
    throw_errno(ExitCode::cant_create, "cannot replace key file " + path);
  }
  const util::Fd owned(fd);
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      throw_errno(ExitCode::cant_create, "cannot lock key file " + path);
    }
  }
  struct stat locked
  {};
  struct stat current
  {};
  if (::fstat(fd, &locked) != 0 || ::lstat(path.c_str(), &current) != 0
      || locked.st_dev != current.st_dev || locked.st_ino != current.st_ino
      || locked.st_size >= k_key_size) {
    return false;
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    throw_errno(ExitCode::cant_create, "cannot replace key file " + path);
  }
  return true;
}

} // namespace

KeyFileState read_key_file(const std::string& path)
{
  KeyFileState state;
  auto file = open_existing(path, "key file");
  if (!file) {
    return state;
  }
  if (const auto problem = util::private_file_problem(file->info);
      !problem.empty()) {
    throw Error(ExitCode::permission, "key file " + path + ": " + problem);
  }
  state.status = KeyFileState::Status::wrong_size;
  state.size = static_cast<std::int64_t>(file->info.st_size);
  if (state.size != k_key_size) {
    return state; // not read: it may be large, and it is not a key
  }
  std::string data;
  try {
    data = util::read_all(file->fd.get(), 4096);
  } catch (const util::FsError& error) {
    if (error.error_number() == EFBIG) {
      return state; // grew while we looked: not a key either
    }
    throw Error(ExitCode::io, "key file " + path + ": " + error.what());
  }
  if (static_cast<std::int64_t>(data.size()) == k_key_size) {
    state.status = KeyFileState::Status::valid;
    std::memcpy(state.key.data(), data.data(), state.key.size());
  } else {
    state.size = static_cast<std::int64_t>(data.size());
  }
  OPENSSL_cleanse(data.data(), data.size());
  return state;
}

std::string wrong_size_message(const std::string& path, std::int64_t size)
{
  std::string message = "key file " + path + ": " + std::to_string(size)
                        + " bytes, but an smsotp key is exactly "
                        + std::to_string(k_key_size)
                        + ": it is not an smsotp key; ";
  if (size < k_key_size) {
    message += "if an interrupted first send left it and no code is waiting "
               "to be verified, the next send replaces it; otherwise restore "
               "the key from a backup";
  } else {
    message += "check store.key_file (it names some other file, which smsotp "
               "never replaces) and restore the key from a backup";
  }
  return message;
}

std::optional<Key> load_key(const std::string& path)
{
  const auto state = read_key_file(path);
  switch (state.status) {
    case KeyFileState::Status::missing:
      return std::nullopt;
    case KeyFileState::Status::valid:
      return state.key;
    case KeyFileState::Status::wrong_size:
      break;
  }
  throw Error(ExitCode::config, wrong_size_message(path, state.size));
}

Key load_or_create_key(const std::string& path,
                       RandomSource& random,
                       bool replace_partial)
{
  auto state = read_key_file(path);
  if (state.status == KeyFileState::Status::valid) {
    return state.key;
  }
  const auto usable = [&] {
    if (state.status == KeyFileState::Status::wrong_size
        && !(replace_partial && state.partial())) {
      throw Error(ExitCode::config, wrong_size_message(path, state.size));
    }
  };
  usable();
  const std::string directory = util::parent_directory(path);
  try {
    util::make_directories(directory, 0700);
  } catch (const util::FsError& error) {
    throw Error(ExitCode::cant_create,
                "cannot create key directory: " + std::string(error.what()));
  }
  TempKey temp(path, random);
  // A few rounds: each failed link or replace means another process changed
  // the file meanwhile, and reading it again settles that.
  for (int round = 0; round < 10; ++round) {
    if (state.status == KeyFileState::Status::valid) {
      return state.key; // another process's key won
    }
    usable();
    if (state.status == KeyFileState::Status::missing) {
      // link() never replaces: of racing creators exactly one succeeds.
      if (::link(temp.path().c_str(), path.c_str()) == 0) {
        const Key key = temp.key();
        ::unlink(temp.path().c_str());
        temp.moved();
        remove_stale_key_temps(path);
        fsync_directory(directory);
        return key;
      }
      if (errno != EEXIST) {
        throw_errno(ExitCode::cant_create, "cannot create key file " + path);
      }
    } else if (replace_locked(path, temp.path())) {
      temp.moved();
      remove_stale_key_temps(path);
      fsync_directory(directory);
      return temp.key();
    }
    state = read_key_file(path);
  }
  throw Error(ExitCode::cant_create,
              "key file " + path
                  + " exists but cannot be read (a dangling symbolic link?) "
                    "or keeps changing; remove what is there if no code is "
                    "waiting to be verified");
}

void remove_stale_key_temps(const std::string& path)
{
  const std::string directory = util::parent_directory(path);
  DIR* dir = ::opendir(directory.c_str());
  if (dir == nullptr) {
    return;
  }
  const std::unique_ptr<DIR, int (*)(DIR*)> owned(dir, ::closedir);
  const std::string prefix = "." + base_name(path) + ".tmp.";
  const std::time_t limit = std::time(nullptr) - 3600;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name(entry->d_name);
    struct stat info
    {};
    if (name.starts_with(prefix)
        && ::fstatat(::dirfd(dir), entry->d_name, &info, AT_SYMLINK_NOFOLLOW)
               == 0
        && !S_ISDIR(info.st_mode) && info.st_mtime < limit) {
      ::unlinkat(::dirfd(dir), entry->d_name, 0);
    }
  }
}

} // namespace smsotp::core
