// The state files' ownership and permission checks (DESIGN §4, issue 7):
// run before SQLite opens anything, so a refused file is never written and
// no SMS goes out on it.

#include "core/error.hpp"
#include "store/sqlite_common.hpp"
#include "util/errno_text.hpp"
#include "util/fs.hpp"
#include "util/fs_dir.hpp"

#include <sys/stat.h>

namespace smsotp::store::detail {

namespace {

// The remedy for `problem` of `path`: a file, or for "owned by" also a
// directory.
std::string fix_for(const std::string& problem, const std::string& path)
{
  if (problem.starts_with("owned by")) {
    return "chown it to yourself (chown \"$(id -un)\" " + path
           + ") or point store.database or --db at a file of your own";
  }
  return "chmod 600 " + path;
}

// " (Permission denied)" for an errno from write_access_error().
std::string why(int error)
{
  return " (" + util::errno_text(error) + ")";
}

[[noreturn]] void refuse(const std::string& what,
                         const std::string& path,
                         const std::string& problem)
{
  throw Error(core::ExitCode::permission,
              what + " " + path + ": " + problem
                  + ", so others could change the codes' state through it; "
                    "it was not used: "
                  + fix_for(problem, path));
}

// Every directory above `path` as written and above the file it resolves
// to: whoever can write one of them can rename a directory below it away
// and put one of their own, with their own database, in its place.
void check_directories(const std::string& path)
{
  const auto unsafe = util::first_unsafe_directory_above(path);
  if (!unsafe) {
    return;
  }
  const std::string& directory = unsafe->directory;
  const std::string fix =
      unsafe->problem.starts_with("owned by")
          ? fix_for(unsafe->problem, directory)
          : "chmod go-w " + directory + " (or chmod +t " + directory
                + " for a shared directory like /tmp), or move the "
                  "database to a directory only you (or root) can write";
  throw Error(core::ExitCode::permission,
              "state database " + path + ": directory " + directory + ": "
                  + unsafe->problem
                  + ", so others could swap the database for their own; it "
                    "was not used: "
                  + fix);
}

// A -wal or -shm next to the database, if present.
void check_companion(const std::string& path)
{
  struct stat info
  {};
  if (!util::lstat_path(path, info)) {
    return;
  }
  if (S_ISLNK(info.st_mode)) {
    throw Error(core::ExitCode::permission,
                "state file " + path
                    + " is a symbolic link; SQLite would write through it, so "
                      "it was not used: remove it (rm "
                    + path + ") while no smsotp runs");
  }
  if (const auto problem = util::foreign_writable_problem(info);
      !problem.empty()) {
    refuse("state file", path, problem);
  }
  if (const int error = util::write_access_error(path); error != 0) {
    throw Error(core::ExitCode::cant_create,
                "cannot write state file " + path + why(error)
                    + "; a stale file from an earlier mode? chmod 600 " + path);
  }
}

} // namespace

void check_state_files(const std::string& path)
{
  const std::string link_directory = util::parent_directory(path);
  struct stat info
  {};
  if (!util::lstat_path(path, info)) {
    check_directories(path);
    const int error = util::path_exists(link_directory)
                          ? util::write_access_error(link_directory)
                          : 0;
    if (error != 0) {
      throw Error(core::ExitCode::cant_create,
                  "cannot create state database " + path + " in "
                      + link_directory + why(error) + ": chmod 700 "
                      + link_directory);
    }
    return; // created by the caller with mode 0600
  }
  // A symlinked database is followed: the rules apply to the file it names
  // and the directories above both, SQLite keeping the -wal and -shm next
  // to the file.
  std::string file = path;
  if (S_ISLNK(info.st_mode)) {
    try {
      file = util::real_path(path);
    } catch (const util::FsError&) {
      return; // dangling: SQLite reports it
    }
    if (::stat(file.c_str(), &info) != 0) {
      return;
    }
  }
  if (!S_ISREG(info.st_mode)) {
    return; // a directory or device: SQLite reports it
  }
  if (const auto problem = util::foreign_writable_problem(info);
      !problem.empty()) {
    refuse("state database", file, problem);
  }
  check_directories(path);
  check_companion(file + "-wal");
  check_companion(file + "-shm");
  if (const int error = util::write_access_error(file); error != 0) {
    throw Error(core::ExitCode::cant_create,
                "cannot write state database " + file + why(error)
                    + ": chmod 600 " + file);
  }
  const std::string directory = util::parent_directory(file);
  if (const int error = util::write_access_error(directory); error != 0) {
    throw Error(core::ExitCode::cant_create,
                "cannot create the state database's -wal and -shm files in "
                    + directory + why(error) + ": chmod 700 " + directory);
  }
}

} // namespace smsotp::store::detail
