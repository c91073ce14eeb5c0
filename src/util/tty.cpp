#include "util/tty.hpp"

#include "util/fs.hpp"

#include <cerrno>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

namespace smsotp::util {

bool is_terminal(int fd)
{
  return ::isatty(fd) == 1;
}

std::optional<std::string> read_line(int fd, std::size_t max_bytes)
{
  // Byte by byte so that nothing after the first line is consumed: the
  // input may be shared with the caller's script.
  std::string line;
  while (true) {
    char c = 0;
    const ssize_t n = ::read(fd, &c, 1);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return std::nullopt;
    }
    if (n == 0 || c == '\n') {
      return line;
    }
    if (line.size() >= max_bytes) {
      return std::nullopt;
    }
    line += c;
  }
}

std::optional<std::string> read_secret_from_terminal(const std::string& prompt,
                                                     std::size_t max_bytes)
{
  Fd tty(::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY));
  if (!tty.valid()) {
    return std::nullopt;
  }
  write_all(tty.get(), prompt);
  termios saved{};
  const bool have_termios = ::tcgetattr(tty.get(), &saved) == 0;
  if (have_termios) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    ::tcsetattr(tty.get(), TCSAFLUSH, &quiet);
  }
  auto line = read_line(tty.get(), max_bytes);
  if (have_termios) {
    ::tcsetattr(tty.get(), TCSAFLUSH, &saved);
  }
  return line;
}

} // namespace smsotp::util
