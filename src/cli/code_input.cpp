#include "cli/code_input.hpp"

#include "core/error.hpp"
#include "core/otp.hpp"
#include "util/tty.hpp"

#include <unistd.h>

namespace smsotp::cli {

std::string read_code(const std::optional<std::string>& argument)
{
  if (argument && *argument != "-") {
    return *argument;
  }
  std::optional<std::string> line;
  if (argument) {
    line = util::read_line(STDIN_FILENO, core::k_max_code_input);
  } else if (util::is_terminal(STDIN_FILENO)) {
    line = util::read_secret_from_terminal("Code: ", core::k_max_code_input);
  } else {
    throw Error(
        core::ExitCode::usage,
        "no code given: pass CODE, or - to read one line from standard input");
  }
  if (!line) {
    throw Error(core::ExitCode::usage,
                "code: could not read it (input longer than "
                    + std::to_string(core::k_max_code_input)
                    + " bytes, or no terminal)");
  }
  return *line;
}

} // namespace smsotp::cli
