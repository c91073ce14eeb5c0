// Tests for src/util/tty.cpp (the parts that need no terminal).

#include "testutil.hpp"
#include "util/tty.hpp"

#include <doctest/doctest.h>

namespace {

// A pipe whose write end already holds `text` and is closed.
struct FilledPipe
{
  explicit FilledPipe(const std::string& text)
  {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    read_end = fds[0];
    REQUIRE(::write(fds[1], text.data(), text.size())
            == static_cast<ssize_t>(text.size()));
    ::close(fds[1]);
  }
  FilledPipe(const FilledPipe&) = delete;
  FilledPipe& operator=(const FilledPipe&) = delete;
  ~FilledPipe()
  {
    ::close(read_end);
  }
  int read_end = -1;
};

} // namespace

TEST_CASE("read_line stops at the newline and leaves the rest unread")
{
  FilledPipe pipe("123456\nsecond line\n");
  CHECK(smsotp::util::read_line(pipe.read_end, 64) == "123456");
  CHECK(smsotp::util::read_line(pipe.read_end, 64) == "second line");
  CHECK(smsotp::util::read_line(pipe.read_end, 64) == "");
}

TEST_CASE("read_line keeps a CR and accepts a last line without newline")
{
  FilledPipe crlf("123456\r\n");
  CHECK(smsotp::util::read_line(crlf.read_end, 64) == "123456\r");
  FilledPipe bare("654321");
  CHECK(smsotp::util::read_line(bare.read_end, 64) == "654321");
}

TEST_CASE("read_line refuses a line longer than its limit")
{
  FilledPipe exact(std::string(64, '1') + "\n");
  CHECK(smsotp::util::read_line(exact.read_end, 64) == std::string(64, '1'));
  FilledPipe too_long(std::string(65, '1') + "\n");
  CHECK_FALSE(smsotp::util::read_line(too_long.read_end, 64).has_value());
}

TEST_CASE("is_terminal is false for a pipe")
{
  FilledPipe pipe("");
  CHECK_FALSE(smsotp::util::is_terminal(pipe.read_end));
  CHECK_FALSE(smsotp::util::is_terminal(-1));
}
