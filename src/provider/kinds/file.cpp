// The `file` provider: appends each message to a file, or writes it to
// standard error with path "-" (standard output is for the challenge id a
// script captures). For development, tests and the first run; it needs no
// account and no network. The file is the recipient's handset: a message
// written is a message delivered (`providers test --wait` answers at once).

#include "core/error.hpp"
#include "provider/base/kinds.hpp"
#include "provider/base/spec_reader.hpp"
#include "util/errno_text.hpp"
#include "util/fs.hpp"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace smsotp::provider {

namespace {

class FileProvider : public Provider
{
public:
  FileProvider(const core::ProviderSpec& spec, const ProviderContext& context)
      : m_name(spec.name), m_dash_fd(context.dash_fd), m_hold(context.hold)
  {
    const SpecReader reader(spec, key_strings(k_file_keys.plain));
    m_path = reader.path_or("path", "-");
  }

  ProviderInfo info() const override
  {
    return {
        m_name, "file", m_path == "-" ? "standard error" : m_path, m_path, {}};
  }

  void prepare() override
  {
    if (m_path == "-") {
      return;
    }
    const int fd =
        ::open(m_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
      throw Error(core::ExitCode::io,
                  "provider " + m_name + ": cannot open " + m_path + ": "
                      + util::errno_text(errno) + "; nothing was sent");
    }
    ::close(fd);
  }

  core::SendResult send(const core::Message& message) override
  {
    if (m_hold != nullptr && !m_hold->wait()) {
      return {core::SendStatus::temporary,
              m_name,
              "",
              "nothing written: the send was called off"};
    }
    const std::string line = format_line(message);
    if (m_path == "-") {
      write_or_throw(m_dash_fd, line, "standard error");
      return {core::SendStatus::sent,
              m_name,
              "stderr",
              "written to standard error"};
    }
    const int fd =
        ::open(m_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
      throw Error(core::ExitCode::io,
                  "provider " + m_name + ": cannot open " + m_path + ": "
                      + util::errno_text(errno) + "; nothing was sent");
    }
    const util::Fd owned(fd);
    // One write() per message with O_APPEND, so lines from concurrent
    // senders never interleave.
    write_or_throw(fd, line, m_path);
    return {core::SendStatus::sent, m_name, m_path, "appended to " + m_path};
  }

  std::string describe_request(const core::Message& message) const override
  {
    return "append to "
           + (m_path == "-" ? std::string("standard error") : m_path) + ":\n"
           + format_line(message);
  }

  core::CheckResult check() override
  {
    // The file provider has no credentials; "check" proves that the
    // destination can be written, without writing.
    core::CheckResult result;
    if (m_path == "-" || ::access(m_path.c_str(), W_OK) == 0
        || (errno == ENOENT
            && ::access(util::parent_directory(m_path).c_str(), W_OK) == 0)) {
      result.status = core::CheckResult::Status::ok;
      result.detail = "writable: " + m_path;
    } else {
      // Nothing answered: the configured path itself is the problem.
      result.status = core::CheckResult::Status::config_error;
      result.detail = "cannot write " + m_path + ": " + util::errno_text(errno)
                      + " (fix path or the permissions)";
    }
    return result;
  }

  bool reports_delivery() const override
  {
    return true;
  }

  core::DeliveryReport delivery_status(const std::string& /*message_id*/,
                                       const std::string& /*to*/) override
  {
    core::DeliveryReport report;
    report.state = core::DeliveryReport::State::delivered;
    report.provider_status = "written";
    report.detail = "written to " + (m_path == "-" ? "standard error" : m_path);
    return report;
  }

private:
  // "<to>\t<text>\n"; new lines inside the text are written as "\n".
  static std::string format_line(const core::Message& message)
  {
    std::string text;
    for (const char c : message.text) {
      if (c == '\n') {
        text += "\\n";
      } else if (c == '\\') {
        text += "\\\\";
      } else {
        text += c;
      }
    }
    return message.to + "\t" + text + "\n";
  }

  void write_or_throw(int fd,
                      const std::string& line,
                      const std::string& where) const
  {
    try {
      util::write_all(fd, line);
    } catch (const util::FsError& error) {
      throw Error(core::ExitCode::io,
                  "provider " + m_name + ": cannot write " + where + ": "
                      + error.what());
    }
  }

  std::string m_name;
  std::string m_path;
  int m_dash_fd;
  const util::Gate* m_hold;
};

} // namespace

std::unique_ptr<Provider> make_file_provider(const core::ProviderSpec& spec,
                                             const ProviderContext& context)
{
  return std::make_unique<FileProvider>(spec, context);
}

} // namespace smsotp::provider
