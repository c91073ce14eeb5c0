// Tests for src/core/secret.cpp: the HMAC key file. Provider secrets are in
// test_core_secret_provider.cpp.

#include "core/secret.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

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

TEST_CASE("load_key refuses a key of the wrong size")
{
  TempDir dir;
  const auto path = dir.file("smsotp.key");
  for (const std::size_t size : {std::size_t{31}, std::size_t{33}}) {
    smsotp::test::write_file(path, std::string(size, 'k'), 0600);
    CAPTURE(size);
    const auto caught = catch_error([&] { smsotp::core::load_key(path); });
    CHECK(caught.code == ExitCode::config);
    CHECK_CONTAINS(caught.message, std::to_string(size));
    // The damaged key is not replaced.
    FakeRandom random(key_bytes(0));
    CHECK(catch_error([&] {
            smsotp::core::load_or_create_key(path, random);
          }).code
          == ExitCode::config);
    CHECK(smsotp::test::read_file(path) == std::string(size, 'k'));
  }
}

TEST_CASE("an empty key file is an error and not a new key")
{
  TempDir dir;
  const auto path = dir.file("smsotp.key");
  smsotp::test::write_file(path, "", 0600);
  const auto caught = catch_error([&] { smsotp::core::load_key(path); });
  CHECK(caught.code == ExitCode::config);
}

TEST_CASE("a directory where the key should be is refused")
{
  TempDir dir;
  const auto caught = catch_error([&] { smsotp::core::load_key(dir.path()); });
  CHECK(caught.thrown);
  CHECK(caught.code == ExitCode::config);
}
