// Tests for src/util/fs.cpp.

#include "testutil.hpp"
#include "util/fs.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <sys/types.h>
#include <unistd.h>

using smsotp::test::TempDir;
using smsotp::util::FsError;

namespace {

struct stat stat_of(const std::string& path)
{
  struct stat info
  {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info;
}

// An FsError's errno, or 0 if the call did not throw one.
template<typename F> int fs_errno(F&& call)
{
  try {
    call();
  } catch (const FsError& error) {
    return error.error_number();
  }
  return 0;
}

} // namespace

TEST_CASE("private_file_problem accepts 0600 and 0400 only")
{
  TempDir dir;
  const auto path = dir.file("secret");
  smsotp::test::write_file(path, "x", 0600);
  CHECK(smsotp::util::private_file_problem(stat_of(path)).empty());
  ::chmod(path.c_str(), 0400);
  CHECK(smsotp::util::private_file_problem(stat_of(path)).empty());

  for (const mode_t mode : {0640U, 0644U, 0604U, 0660U, 0700U | 0001U}) {
    ::chmod(path.c_str(), mode);
    const auto problem = smsotp::util::private_file_problem(stat_of(path));
    CAPTURE(mode);
    CHECK_CONTAINS(problem, "too open");
    CHECK_CONTAINS(problem, "0" + smsotp::test::octal(static_cast<int>(mode)));
  }
}

TEST_CASE("private_file_problem rejects a file owned by another user")
{
  TempDir dir;
  const auto path = dir.file("secret");
  smsotp::test::write_file(path, "x", 0600);
  auto info = stat_of(path);
  info.st_uid = ::geteuid() + 4242;
  const auto problem = smsotp::util::private_file_problem(info);
  CHECK_CONTAINS(problem, "owned by uid " + std::to_string(info.st_uid));
  // root-owned files are acceptable (e.g. /etc/smsotp/key).
  info.st_uid = 0;
  CHECK(smsotp::util::private_file_problem(info).empty());
}

TEST_CASE("foreign_writable_problem rejects group or world writable files")
{
  TempDir dir;
  const auto path = dir.file("config.toml");
  smsotp::test::write_file(path, "", 0644);
  CHECK(smsotp::util::foreign_writable_problem(stat_of(path)).empty());
  for (const mode_t mode : {0664U, 0646U, 0666U}) {
    ::chmod(path.c_str(), mode);
    CAPTURE(mode);
    CHECK_FALSE(smsotp::util::foreign_writable_problem(stat_of(path)).empty());
  }
  auto info = stat_of(path);
  info.st_mode = S_IFREG | 0644;
  info.st_uid = ::geteuid() + 4242;
  CHECK_CONTAINS(smsotp::util::foreign_writable_problem(info), "owned by uid");
}

TEST_CASE("open_regular reads a regular file and reports its mode")
{
  TempDir dir;
  const auto path = dir.file("data");
  smsotp::test::write_file(path, "hello", 0640);
  auto file = smsotp::util::open_regular(path);
  CHECK(file.fd.valid());
  CHECK((file.info.st_mode & 07777U) == 0640U);
  CHECK(smsotp::util::read_all(file.fd.get(), 100) == "hello");
}

TEST_CASE("open_regular on a FIFO does not block and is rejected")
{
  TempDir dir;
  const auto path = dir.file("fifo");
  REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
  auto result = std::async(std::launch::async, [&] {
    return fs_errno([&] { smsotp::util::open_regular(path); });
  });
  if (result.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
    // Unblock the reader so the test can end, then fail.
    const int writer = ::open(path.c_str(), O_WRONLY);
    if (writer >= 0) {
      ::close(writer);
    }
    FAIL("open_regular blocked on a FIFO");
  }
  CHECK(result.get() == EINVAL);
}

TEST_CASE("open_regular rejects a directory and a missing file")
{
  TempDir dir;
  CHECK(fs_errno([&] { smsotp::util::open_regular(dir.path()); }) == EINVAL);
  CHECK(fs_errno([&] { smsotp::util::open_regular(dir.file("missing")); })
        == ENOENT);
  try {
    smsotp::util::open_regular(dir.path());
  } catch (const FsError& error) {
    CHECK_CONTAINS(std::string(error.what()), "not a regular file");
  }
}

TEST_CASE("read_all enforces its size cap")
{
  TempDir dir;
  const auto path = dir.file("big");
  const std::string content(20000, 'z');
  smsotp::test::write_file(path, content, 0600);
  {
    auto file = smsotp::util::open_regular(path);
    CHECK(smsotp::util::read_all(file.fd.get(), content.size()) == content);
  }
  {
    auto file = smsotp::util::open_regular(path);
    CHECK(fs_errno([&] {
            smsotp::util::read_all(file.fd.get(), content.size() - 1);
          })
          == EFBIG);
  }
}

TEST_CASE("Fd closes its descriptor and moves ownership")
{
  int raw = ::open("/dev/null", O_RDONLY);
  REQUIRE(raw >= 0);
  {
    smsotp::util::Fd first(raw);
    smsotp::util::Fd second(std::move(first));
    CHECK_FALSE(first.valid()); // NOLINT(bugprone-use-after-move)
    CHECK(second.get() == raw);
    CHECK(::fcntl(raw, F_GETFD) != -1);
  }
  CHECK(::fcntl(raw, F_GETFD) == -1);
}

TEST_CASE("make_directories creates parents with the given mode")
{
  TempDir dir;
  const smsotp::test::ScopedUmask umask(0);
  const auto nested = dir.file("a/b/c");
  smsotp::util::make_directories(nested, 0700);
  CHECK(smsotp::test::file_mode(dir.file("a")) == 0700);
  CHECK(smsotp::test::file_mode(nested) == 0700);
  smsotp::util::make_directories(nested, 0700); // exists: no error
}

TEST_CASE("path helpers")
{
  using smsotp::util::parent_directory;
  using smsotp::util::resolve_relative;
  CHECK(parent_directory("/etc/smsotp/config.toml") == "/etc/smsotp");
  CHECK(parent_directory("config.toml") == ".");
  CHECK(parent_directory("/config.toml") == "/");
  CHECK(resolve_relative("/etc/smsotp", "state.db") == "/etc/smsotp/state.db");
  CHECK(resolve_relative("/etc/smsotp", "/var/x.db") == "/var/x.db");
  CHECK(resolve_relative("/etc/smsotp", "-") == "-");
}

TEST_CASE("write_all writes everything")
{
  TempDir dir;
  const auto path = dir.file("out");
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT, 0600);
  REQUIRE(fd >= 0);
  const std::string data(100000, 'q');
  smsotp::util::write_all(fd, data);
  ::close(fd);
  CHECK(smsotp::test::read_file(path) == data);
}
