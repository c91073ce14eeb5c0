// Tests for src/provider/kinds/file.cpp.

#include "core/config.hpp"
#include "provider/base/provider.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

using smsotp::core::ExitCode;
using smsotp::core::SendStatus;
using smsotp::test::catch_error;
using smsotp::test::TempDir;

namespace {

std::unique_ptr<smsotp::provider::Provider>
file_provider(const std::string& path,
              const std::string& directory,
              smsotp::provider::ProviderContext context = {})
{
  smsotp::core::Config config;
  smsotp::core::parse_config_text(
      config,
      "[provider.outbox]\nkind = \"file\"\npath = \"" + path + "\"\n",
      directory + "/config.toml",
      directory);
  return smsotp::provider::make_provider(config.providers.front(), context);
}

} // namespace

TEST_CASE("the file provider appends one line per message")
{
  TempDir dir;
  const auto provider = file_provider("outbox.txt", dir.path());
  provider->prepare();
  const auto first = provider->send({"+15551234567", "Your code is 123456"});
  CHECK(first.status == SendStatus::sent);
  CHECK(first.provider == "outbox");
  provider->send({"+447700900123", "second"});
  CHECK(smsotp::test::read_file(dir.file("outbox.txt"))
        == "+15551234567\tYour code is 123456\n+447700900123\tsecond\n");
  CHECK(provider->info().endpoint == dir.file("outbox.txt"));
}

TEST_CASE("the outbox file is created 0600 even under umask 000")
{
  TempDir dir;
  const smsotp::test::ScopedUmask umask(0);
  const auto provider = file_provider("outbox.txt", dir.path());
  provider->prepare();
  CHECK(smsotp::test::file_mode(dir.file("outbox.txt")) == 0600);
  provider->send({"+15551234567", "code 123456"});
  CHECK(smsotp::test::file_mode(dir.file("outbox.txt")) == 0600);
}

TEST_CASE("new lines in the text cannot forge a second message")
{
  TempDir dir;
  const auto provider = file_provider("outbox.txt", dir.path());
  provider->prepare();
  provider->send({"+15551234567", "a\n+15550000000\tfake\\n"});
  CHECK(smsotp::test::read_file(dir.file("outbox.txt"))
        == "+15551234567\ta\\n+15550000000\tfake\\\\n\n");
}

TEST_CASE("path - writes to the given standard error")
{
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  smsotp::provider::ProviderContext context;
  context.dash_fd = fds[1];
  TempDir dir;
  const auto provider = file_provider("-", dir.path(), context);
  CHECK(provider->info().sender == "standard error");
  provider->prepare();
  CHECK(provider->send({"+15551234567", "hello"}).status == SendStatus::sent);
  ::close(fds[1]);
  char buffer[128] = {};
  const auto n = ::read(fds[0], buffer, sizeof buffer);
  ::close(fds[0]);
  REQUIRE(n > 0);
  CHECK(std::string(buffer, static_cast<std::size_t>(n))
        == "+15551234567\thello\n");
}

TEST_CASE("describe_request shows the line without writing it")
{
  TempDir dir;
  const auto provider = file_provider("outbox.txt", dir.path());
  const auto text = provider->describe_request({"+15551234567", "code ******"});
  CHECK_CONTAINS(text, "+15551234567\tcode ******");
  CHECK_FALSE(smsotp::test::path_exists(dir.file("outbox.txt")));
}

TEST_CASE("an unwritable outbox is an I/O error found by prepare")
{
  TempDir dir;
  const auto provider = file_provider("missing/dir/outbox.txt", dir.path());
  const auto caught = catch_error([&] { provider->prepare(); });
  CHECK(caught.code == ExitCode::io);
  CHECK(static_cast<int>(caught.code) == 74);
  const auto on_send = catch_error([&] {
    provider->send({"+15551234567", "x"});
  });
  CHECK(on_send.code == ExitCode::io);
}

TEST_CASE("check: a writable outbox passes, an unwritable one is config_error")
{
  using Status = smsotp::core::CheckResult::Status;
  TempDir dir;
  const auto writable = file_provider("outbox.txt", dir.path())->check();
  CHECK(writable.status == Status::ok);
  CHECK_FALSE(smsotp::test::path_exists(dir.file("outbox.txt")));
  const auto unwritable =
      file_provider("missing/dir/outbox.txt", dir.path())->check();
  CHECK(unwritable.status == Status::config_error);
  CHECK_CONTAINS(unwritable.detail, "cannot write");
}
