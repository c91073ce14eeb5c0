// Tests for src/cli/code_input.cpp.

#include "cli/code_input.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

using smsotp::cli::read_code;
using smsotp::core::ExitCode;
using smsotp::test::catch_error;

namespace {

// Replaces standard input with a pipe holding `text` for one scope.
class ScopedStdin
{
public:
  explicit ScopedStdin(const std::string& text)
  {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    REQUIRE(::write(fds[1], text.data(), text.size())
            == static_cast<ssize_t>(text.size()));
    ::close(fds[1]);
    m_saved = ::dup(STDIN_FILENO);
    ::dup2(fds[0], STDIN_FILENO);
    ::close(fds[0]);
  }
  ScopedStdin(const ScopedStdin&) = delete;
  ScopedStdin& operator=(const ScopedStdin&) = delete;
  ~ScopedStdin()
  {
    ::dup2(m_saved, STDIN_FILENO);
    ::close(m_saved);
  }

private:
  int m_saved = -1;
};

} // namespace

TEST_CASE("a CODE argument is returned as typed")
{
  CHECK(read_code(std::string("123 456")) == "123 456");
}

TEST_CASE("a dash reads exactly one line of standard input")
{
  const ScopedStdin input("042424\nnext line for the script\n");
  CHECK(read_code(std::string("-")) == "042424");
  char rest[5] = {};
  CHECK(::read(STDIN_FILENO, rest, 4) == 4);
  CHECK(std::string(rest) == "next");
}

TEST_CASE("a dash with an overlong line is a usage error")
{
  const ScopedStdin input(std::string(10000, '1') + "\n");
  const auto caught = catch_error([] { read_code(std::string("-")); });
  CHECK(caught.code == ExitCode::usage);
  CHECK_CONTAINS(caught.message, "64");
}

TEST_CASE("no CODE and no terminal is a usage error")
{
  const ScopedStdin input("123456\n");
  const auto caught = catch_error([] { read_code(std::nullopt); });
  CHECK(caught.code == ExitCode::usage);
  CHECK_CONTAINS(caught.message, "-");
}
