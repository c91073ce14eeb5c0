// Tests for src/util/fs_dir.cpp: which directories let others replace a
// file below them.

#include "testutil.hpp"
#include "util/fs_dir.hpp"

#include <doctest/doctest.h>

#include <filesystem>

using smsotp::test::TempDir;
using smsotp::util::directory_problem;
using smsotp::util::unsafe_directory_above;

namespace {

struct stat with_mode(mode_t mode, uid_t uid)
{
  struct stat info
  {};
  info.st_mode = S_IFDIR | mode;
  info.st_uid = uid;
  return info;
}

void make_dir(const std::string& path, mode_t mode)
{
  std::filesystem::create_directories(path);
  REQUIRE(::chmod(path.c_str(), mode) == 0);
}

} // namespace

TEST_CASE("directory_problem: writable by others without the sticky bit")
{
  const uid_t me = ::geteuid();
  CHECK(directory_problem(with_mode(0700, me)).empty());
  CHECK(directory_problem(with_mode(0755, 0)).empty());
  CHECK(directory_problem(with_mode(01777, 0)).empty()); // /tmp
  CHECK(directory_problem(with_mode(03775, me)).empty());
  for (const mode_t mode : {0777U, 0775U, 0757U, 02770U}) {
    CAPTURE(mode);
    const auto problem = directory_problem(with_mode(mode, me));
    CHECK_CONTAINS(problem, "group or others");
    CHECK_CONTAINS(problem, "replace what is in it");
  }
  const auto foreign = directory_problem(with_mode(0755, me + 4242));
  CHECK_CONTAINS(foreign, "owned by uid " + std::to_string(me + 4242));
}

TEST_CASE("unsafe_directory_above names the first unsafe directory")
{
  TempDir dir;
  make_dir(dir.file("open"), 0777);
  make_dir(dir.file("open/private"), 0700);
  make_dir(dir.file("sticky"), 01777);
  make_dir(dir.file("safe"), 0700);
  for (const auto& name :
       {"open/c.toml", "open/private/c.toml", "safe/c.toml", "sticky/c.toml"}) {
    smsotp::test::write_file(dir.file(name), "", 0600);
  }
  CHECK(unsafe_directory_above(dir.file("safe/c.toml")).empty());
  CHECK(unsafe_directory_above(dir.file("sticky/c.toml")).empty());
  const auto open = unsafe_directory_above(dir.file("open/c.toml"));
  CHECK(open.starts_with("directory " + dir.file("open") + ": "));
  // A private directory inside an open one is no better.
  CHECK(unsafe_directory_above(dir.file("open/private/c.toml"))
            .starts_with("directory " + dir.file("open") + ": "));
  // A link is as safe as the directories of both its place and its target.
  REQUIRE(::symlink(dir.file("open/c.toml").c_str(),
                    dir.file("safe/to-open.toml").c_str())
          == 0);
  CHECK(unsafe_directory_above(dir.file("safe/to-open.toml"))
            .starts_with("directory " + dir.file("open") + ": "));
  REQUIRE(::symlink(dir.file("safe/c.toml").c_str(),
                    dir.file("open/to-safe.toml").c_str())
          == 0);
  CHECK(unsafe_directory_above(dir.file("open/to-safe.toml"))
            .starts_with("directory " + dir.file("open") + ": "));
  // Relative paths are taken from the working directory.
  const auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir.file("open"));
  CHECK_FALSE(unsafe_directory_above("c.toml").empty());
  std::filesystem::current_path(cwd);
}

TEST_CASE("a directory owned by another user is unsafe (needs root)")
{
  if (::geteuid() != 0) {
    MESSAGE("skipped: chown needs root");
    return;
  }
  TempDir dir;
  make_dir(dir.file("theirs"), 0755);
  smsotp::test::write_file(dir.file("theirs/c.toml"), "", 0600);
  REQUIRE(::chown(dir.file("theirs").c_str(), 65534, 65534) == 0);
  CHECK_CONTAINS(unsafe_directory_above(dir.file("theirs/c.toml")),
                 "owned by uid 65534");
}
