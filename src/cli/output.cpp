#include "cli/output.hpp"

#include "core/error.hpp"
#include "util/fs.hpp"
#include "util/interrupt.hpp"
#include "util/tty.hpp"

#include <cstdlib>
#include <unistd.h>

namespace smsotp::cli {

namespace {

// Writes ignoring EPIPE: the exit status is the contract, stdout is
// informational (a closed pipe must not change what happened).
void emit(int fd, const std::string& text)
{
  try {
    util::write_all(fd, text);
  } catch (const util::FsError&) { // NOLINT(bugprone-empty-catch)
  }
}

// A line of talk on stderr: "smsotp: PREFIXLINE".
void talk(const std::string& prefix, const std::string& line)
{
  emit(STDERR_FILENO, "smsotp: " + prefix + line + "\n");
}

// The status the process will end with: a signal death reads as 128 + N.
int exit_status(core::ExitCode code)
{
  if (code == core::ExitCode::interrupted && util::interrupt_signal() != 0) {
    return 128 + util::interrupt_signal();
  }
  return static_cast<int>(code);
}

bool want_color(const GlobalOptions& options)
{
  // clig.dev: colour only on a terminal, without NO_COLOR, not for dumb.
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  return !options.no_color && !options.json && util::is_terminal(STDERR_FILENO)
         && (no_color == nullptr || no_color[0] == '\0')
         && (term == nullptr || std::string(term) != "dumb");
}

} // namespace

Output::Output(const GlobalOptions& options)
    : m_options(options), m_color(want_color(options))
{}

bool Output::json() const
{
  return m_options.json;
}

bool Output::verbose() const
{
  return m_options.verbose > 0;
}

void Output::data(const std::string& line) const
{
  if (!m_options.json) {
    emit(STDOUT_FILENO, line + "\n");
  }
}

void Output::info(const std::string& line) const
{
  if (!m_options.quiet) {
    talk("", line);
  }
}

void Output::detail(const std::string& line) const
{
  if (m_options.verbose > 0) {
    talk("", line);
  }
}

void Output::settings(const std::string& line) const
{
  if (m_options.verbose > 1) {
    talk("", line);
  }
}

void Output::warn(const std::string& line) const
{
  talk(m_color ? "\033[33mwarning:\033[0m " : "warning: ", line);
}

void Output::annotation(const std::string& line)
{
  emit(STDERR_FILENO, line + "\n");
}

void Output::result(const nlohmann::json& object) const
{
  if (m_options.json) {
    emit(STDOUT_FILENO,
         object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
             + "\n");
  }
}

void Output::error(const Error& failure) const
{
  std::string line = failure.what();
  if (failure.retry_after()) {
    line += " (retry-after: " + std::to_string(*failure.retry_after()) + "s)";
  }
  talk(m_color ? "\033[31merror:\033[0m " : "error: ", line);
  if (m_options.json) {
    nlohmann::json error{{"class", core::exit_class_name(failure.code())},
                         {"message", failure.what()},
                         {"exit_code", exit_status(failure.code())}};
    if (failure.retry_after()) {
      error["retry_after"] = *failure.retry_after();
    }
    nlohmann::json object = nlohmann::json::object();
    if (const auto* fields = failure.fields();
        fields != nullptr && fields->is_object()) {
      object = *fields;
    }
    object["error"] = error;
    result(object);
  }
}

} // namespace smsotp::cli
