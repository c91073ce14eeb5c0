// Tests for src/core/key_file.cpp: the HMAC key file. Provider secrets are
// in test_core_secret_provider.cpp.

#include "core/key_file.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

#include <array>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <set>
#include <sys/resource.h>
#include <thread>

using smsotp::core::ExitCode;
using smsotp::core::Key;
using smsotp::test::catch_error;
using smsotp::test::FakeRandom;
using smsotp::test::TempDir;

namespace {

std::vector<std::uint8_t> key_bytes(std::uint8_t first)
{
  std::vector<std::uint8_t> bytes;
  for (std::size_t i = 0; i < 32; ++i) {
    bytes.push_back(static_cast<std::uint8_t>(first + i * 3));
  }
  return bytes;
}

std::string as_string(const Key& key)
{
  return {reinterpret_cast<const char*>(key.data()), key.size()};
}

std::set<std::string> names_in(const std::string& directory)
{
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

// Sizes that are not a key: what an interrupted write leaves (0..31), and
// files that were never one.
const std::vector<std::size_t> k_wrong_sizes{0, 1, 31, 33, 64 * 1024 + 1};

} // namespace

TEST_CASE("load_or_create_key creates 32 random bytes with mode 0600")
{
  TempDir dir;
  const smsotp::test::ScopedUmask umask(0);
  const auto path = dir.file("keys/sub/smsotp.key");
  const auto bytes = key_bytes(5);
  FakeRandom random(bytes);
  const Key key = smsotp::core::load_or_create_key(path, random);
  CHECK(std::vector<std::uint8_t>(key.begin(), key.end()) == bytes);
  CHECK(smsotp::test::file_mode(path) == 0600);
  CHECK(smsotp::test::file_mode(dir.file("keys/sub")) == 0700);
  CHECK(smsotp::test::read_file(path) == as_string(key));
  CHECK(names_in(dir.file("keys/sub")) == std::set<std::string>{"smsotp.key"});
}

TEST_CASE("load_or_create_key returns the existing key on the second call")
{
  TempDir dir;
  const auto path = dir.file("smsotp.key");
  FakeRandom first(key_bytes(1));
  const Key created = smsotp::core::load_or_create_key(path, first);
  FakeRandom second(key_bytes(100));
  const Key loaded = smsotp::core::load_or_create_key(path, second);
  CHECK(loaded == created);
  CHECK(second.calls() == 0);
  CHECK(smsotp::core::load_key(path) == created);
}

TEST_CASE("a failing random source creates no key file")
{
  TempDir dir;
  const auto path = dir.file("smsotp.key");
  smsotp::test::FailingRandom random;
  const auto caught =
      catch_error([&] { smsotp::core::load_or_create_key(path, random); });
  CHECK(caught.code == ExitCode::internal);
  CHECK_FALSE(smsotp::test::path_exists(path));
  CHECK(names_in(dir.path()).empty());
}

TEST_CASE("load_key of a missing file is nullopt")
{
  TempDir dir;
  CHECK_FALSE(smsotp::core::load_key(dir.file("absent.key")).has_value());
  CHECK_FALSE(smsotp::test::path_exists(dir.file("absent.key")));
}

TEST_CASE("load_key refuses a key readable by others")
{
  TempDir dir;
  const auto path = dir.file("smsotp.key");
  for (const mode_t mode : {0644U, 0640U, 0604U}) {
    smsotp::test::write_file(path, std::string(32, 'k'), mode);
    CAPTURE(mode);
    const auto caught = catch_error([&] { smsotp::core::load_key(path); });
    CHECK(caught.code == ExitCode::permission);
    CHECK(static_cast<int>(caught.code) == 77);
    CHECK_CONTAINS(caught.message, "too open");
    CHECK_CONTAINS(caught.message, path);
  }
  FakeRandom random(key_bytes(0));
  CHECK(
      catch_error([&] { smsotp::core::load_or_create_key(path, random); }).code
      == ExitCode::permission);
}

TEST_CASE("every wrong size is one answer: 78, naming the file")
{
  TempDir dir;
  const auto path = dir.file("smsotp.key");
  for (const auto size : k_wrong_sizes) {
    smsotp::test::write_file(path, std::string(size, 'k'), 0600);
    CAPTURE(size);
    const auto caught = catch_error([&] { smsotp::core::load_key(path); });
    CHECK(caught.code == ExitCode::config);
    CHECK(static_cast<int>(caught.code) == 78);
    CHECK_CONTAINS(caught.message, path);
    CHECK_CONTAINS(caught.message, std::to_string(size) + " bytes");
    CHECK_CONTAINS(caught.message, "not an smsotp key");
    // Without replace_partial nothing is replaced.
    FakeRandom random(key_bytes(0));
    CHECK(catch_error([&] {
            smsotp::core::load_or_create_key(path, random);
          }).code
          == ExitCode::config);
    CHECK(smsotp::test::read_file(path) == std::string(size, 'k'));
  }
}

TEST_CASE("read_key_file tells missing, valid, partial and foreign apart")
{
  TempDir dir;
  const auto path = dir.file("smsotp.key");
  using Status = smsotp::core::KeyFileState::Status;
  CHECK(smsotp::core::read_key_file(path).status == Status::missing);
  smsotp::test::write_file(path, std::string(32, 'k'), 0600);
  const auto valid = smsotp::core::read_key_file(path);
  CHECK(valid.status == Status::valid);
  CHECK(as_string(valid.key) == std::string(32, 'k'));
  for (const auto size : k_wrong_sizes) {
    CAPTURE(size);
    smsotp::test::write_file(path, std::string(size, 'k'), 0600);
    const auto state = smsotp::core::read_key_file(path);
    CHECK(state.status == Status::wrong_size);
    CHECK(state.size == static_cast<std::int64_t>(size));
    CHECK(state.partial() == (size < 32));
  }
}

TEST_CASE("replace_partial replaces a partial key and nothing else")
{
  TempDir dir;
  const smsotp::test::ScopedUmask umask(0);
  const auto path = dir.file("smsotp.key");
  for (const auto size : k_wrong_sizes) {
    CAPTURE(size);
    smsotp::test::write_file(path, std::string(size, 'k'), 0600);
    FakeRandom random(key_bytes(9));
    const auto caught = catch_error([&] {
      const Key key = smsotp::core::load_or_create_key(path, random, true);
      CHECK(smsotp::test::read_file(path) == as_string(key));
    });
    if (size < 32) {
      CHECK_FALSE(caught.thrown);
      CHECK(smsotp::test::read_file(path).size() == 32);
      CHECK(smsotp::test::file_mode(path) == 0600);
    } else {
      CHECK(caught.code == ExitCode::config);
      CHECK(smsotp::test::read_file(path) == std::string(size, 'k'));
    }
    // No temporary file is left either way.
    CHECK(names_in(dir.path()) == std::set<std::string>{"smsotp.key"});
  }
}

TEST_CASE("racing creators end with one key that all of them return")
{
  for (const bool partial_first : {false, true}) {
    CAPTURE(partial_first);
    TempDir dir;
    const auto path = dir.file("state/smsotp.key");
    if (partial_first) {
      std::filesystem::create_directories(dir.file("state"));
      smsotp::test::write_file(path, "", 0600);
    }
    constexpr int k_threads = 8;
    std::vector<Key> keys(k_threads);
    std::vector<std::thread> threads;
    for (int i = 0; i < k_threads; ++i) {
      threads.emplace_back([&, i] {
        FakeRandom random(key_bytes(static_cast<std::uint8_t>(i * 7)));
        keys[static_cast<std::size_t>(i)] =
            smsotp::core::load_or_create_key(path, random, partial_first);
      });
    }
    for (auto& thread : threads) {
      thread.join();
    }
    const std::string on_disk = smsotp::test::read_file(path);
    CHECK(on_disk.size() == 32);
    for (const auto& key : keys) {
      CHECK(as_string(key) == on_disk);
    }
    CHECK(names_in(dir.file("state")) == std::set<std::string>{"smsotp.key"});
  }
}

TEST_CASE("leftover temporary files and links are skipped, not used")
{
  TempDir dir;
  const auto path = dir.file("smsotp.key");
  const auto canary = dir.file("canary");
  smsotp::test::write_file(canary, "canary", 0600);
  // The names this process tries first.
  const std::string prefix =
      dir.file(".smsotp.key.tmp." + std::to_string(::getpid()) + ".");
  smsotp::test::write_file(prefix + "0", "stale", 0600);
  REQUIRE(::symlink(canary.c_str(), (prefix + "1").c_str()) == 0);
  FakeRandom random(key_bytes(3));
  const Key key = smsotp::core::load_or_create_key(path, random);
  CHECK(smsotp::test::read_file(path) == as_string(key));
  CHECK(smsotp::test::read_file(canary) == "canary");
  CHECK(smsotp::test::read_file(prefix + "0") == "stale");
}

TEST_CASE("a dangling link at the key path is an error, not a loop")
{
  TempDir dir;
  const auto path = dir.file("smsotp.key");
  REQUIRE(::symlink(dir.file("nowhere").c_str(), path.c_str()) == 0);
  FakeRandom random(key_bytes(3));
  const auto caught =
      catch_error([&] { smsotp::core::load_or_create_key(path, random); });
  CHECK(caught.code == ExitCode::cant_create);
  CHECK_CONTAINS(caught.message, path);
  CHECK_FALSE(smsotp::test::path_exists(dir.file("nowhere")));
}

TEST_CASE("a directory where the key should be is refused")
{
  TempDir dir;
  const auto caught = catch_error([&] { smsotp::core::load_key(dir.path()); });
  CHECK(caught.thrown);
  CHECK(caught.code == ExitCode::config);
}

TEST_CASE("temporary key files older than an hour are removed on creation")
{
  TempDir dir;
  const auto path = dir.file("smsotp.key");
  const auto old_file = dir.file(".smsotp.key.tmp.1.0");
  const auto fresh_file = dir.file(".smsotp.key.tmp.2.0");
  const auto unrelated = dir.file(".other.tmp.1.0");
  for (const auto& name : {old_file, fresh_file, unrelated}) {
    smsotp::test::write_file(name, "stale", 0600);
  }
  // Two hours old: left by a process killed long ago.
  for (const auto& name : {old_file, unrelated}) {
    const timespec old{::time(nullptr) - 7200, 0};
    const std::array<timespec, 2> times{old, old};
    REQUIRE(::utimensat(AT_FDCWD, name.c_str(), times.data(), 0) == 0);
  }
  FakeRandom random(key_bytes(3));
  static_cast<void>(smsotp::core::load_or_create_key(path, random));
  CHECK_FALSE(smsotp::test::path_exists(old_file));
  // A recent one may belong to a process still creating the key.
  CHECK(smsotp::test::path_exists(fresh_file));
  CHECK(smsotp::test::path_exists(unrelated));
}

TEST_CASE("a key that cannot be written fully leaves nothing behind (74)")
{
  TempDir dir;
  const auto path = dir.file("smsotp.key");
  // A file size limit below 32 bytes stands in for a full disk.
  struct rlimit saved
  {};
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &saved) == 0);
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit tiny = saved;
  tiny.rlim_cur = 10;
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &tiny) == 0);
  FakeRandom random(key_bytes(3));
  const auto caught =
      catch_error([&] { smsotp::core::load_or_create_key(path, random); });
  ::setrlimit(RLIMIT_FSIZE, &saved);
  std::signal(SIGXFSZ, old_handler);
  CHECK(caught.code == ExitCode::io);
  CHECK(static_cast<int>(caught.code) == 74);
  CHECK_CONTAINS(caught.message, path);
  CHECK(names_in(dir.path()).empty());
}
