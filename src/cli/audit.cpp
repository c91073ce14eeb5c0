#include "cli/audit.hpp"

#include "cli/output.hpp"
#include "core/error.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <string_view>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <syslog.h>
#include <system_error>
#include <unistd.h>

namespace smsotp::cli::audit {

namespace {

// The local syslog socket (journald, rsyslog and syslog-ng all serve it).
constexpr const char* k_socket = "/dev/log";
// The longest a busy syslog daemon may hold the command up.
constexpr time_t k_send_timeout_seconds = 1;
// A value longer than this is cut: a line stays one datagram.
constexpr std::size_t k_value_max = 128;

struct Settings
{
  bool configured = false;
  bool enabled = true;
  int facility = LOG_AUTHPRIV;
};

Settings& settings()
{
  static Settings k_settings;
  return k_settings;
}

// Values are written bare, so one that would break "key=value key=value"
// (space, '=', control or non-ASCII bytes) has those bytes replaced by '_'.
// None of the values the commands record has them; this is a guard.
std::string clean(const std::string& value)
{
  if (value.empty()) {
    return "-";
  }
  std::string out = value.substr(0, k_value_max);
  for (auto& c : out) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f || c == '=') {
      c = '_';
    }
  }
  return out;
}

// The outcome of a command that failed without setting one: the limits'
// and the lockout's refusals by name (their message says which; both are
// exit class temporary), else the exit class.
std::string failure_outcome(const Error& failure)
{
  const std::string_view message = failure.what();
  if (message.starts_with("rate limit:")) {
    return "rate_limited";
  }
  if (failure.code() == core::ExitCode::temporary
      && message.find(" is locked after too many failed verifications")
             != std::string_view::npos) {
    return "locked";
  }
  return std::string(core::exit_class_name(failure.code()));
}

// "<PRI>Mmm dd hh:mm:ss smsotp[PID]: " as syslog(3) writes it locally.
std::string header(int pri)
{
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  std::array<char, 32> stamp{};
  if (::localtime_r(&now, &local) == nullptr
      || std::strftime(stamp.data(), stamp.size(), "%b %e %H:%M:%S", &local)
             == 0) {
    stamp[0] = '\0';
  }
  return "<" + std::to_string(pri) + ">" + stamp.data() + " smsotp["
         + std::to_string(::getpid()) + "]: ";
}

// Sends one datagram to the syslog socket (a stream socket, as some
// syslog-ng setups use, gets the line with a NUL terminator). Returns ""
// or what went wrong.
std::string deliver(const std::string& line)
{
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, k_socket, sizeof(address.sun_path) - 1);
  const auto* target = reinterpret_cast<const sockaddr*>(&address);
  const timeval timeout{k_send_timeout_seconds, 0};
  std::string problem;
  for (const int type : {SOCK_DGRAM, SOCK_STREAM}) {
    const int fd = ::socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      return std::generic_category().message(errno);
    }
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
    ssize_t sent = -1;
    if (type == SOCK_DGRAM) {
      // A signal (SIGINT while the daemon is slow) interrupts the wait; a
      // few tries, so that repeated signals cannot hold the command up.
      for (int tries = 0; tries < 3; ++tries) {
        sent = ::sendto(fd,
                        line.data(),
                        line.size(),
                        MSG_NOSIGNAL,
                        target,
                        sizeof(address));
        if (sent >= 0 || errno != EINTR) {
          break;
        }
      }
    } else if (::connect(fd, target, sizeof(address)) == 0) {
      sent = ::send(fd, line.c_str(), line.size() + 1, MSG_NOSIGNAL);
    }
    const int error = errno;
    ::close(fd);
    if (sent >= 0) {
      return "";
    }
    problem = std::generic_category().message(error);
    if (type == SOCK_DGRAM && error != EPROTOTYPE) {
      break;
    }
  }
  return problem;
}

} // namespace

Record& record()
{
  static Record k_record;
  return k_record;
}

void begin(const std::string& command)
{
  if (command == "send" || command == "verify" || command == "purge") {
    record().event = command;
  }
}

void configure(const core::Config& config)
{
  auto& current = settings();
  current.configured = true;
  current.enabled = config.log_syslog.value;
  current.facility = facility_code(config.log_facility.value);
}

int facility_code(const std::string& name)
{
  static const std::array<std::pair<std::string_view, int>, 12> k_codes{{
      {"auth", LOG_AUTH},
      {"authpriv", LOG_AUTHPRIV},
      {"daemon", LOG_DAEMON},
      {"user", LOG_USER},
      {"local0", LOG_LOCAL0},
      {"local1", LOG_LOCAL1},
      {"local2", LOG_LOCAL2},
      {"local3", LOG_LOCAL3},
      {"local4", LOG_LOCAL4},
      {"local5", LOG_LOCAL5},
      {"local6", LOG_LOCAL6},
      {"local7", LOG_LOCAL7},
  }};
  for (const auto& [known, code] : k_codes) {
    if (known == name) {
      return code;
    }
  }
  return LOG_AUTHPRIV; // the config checked the name; not reached
}

std::string format(const Record& record, int status)
{
  std::string line = "event=" + clean(record.event) + " to=" + clean(record.to)
                     + " purpose=" + clean(record.purpose)
                     + " outcome=" + clean(record.outcome)
                     + " provider=" + clean(record.provider)
                     + " challenge_id=" + clean(record.challenge_id);
  for (const auto& [key, value] : record.extra) {
    line += " " + clean(key) + "=" + clean(value);
  }
  return line + " exit=" + std::to_string(status);
}

int priority(const Record& record, int status, int facility)
{
  int severity = LOG_NOTICE;
  if (status == 0) {
    severity = LOG_INFO;
  } else if (record.event == "lockout") {
    severity = LOG_WARNING;
  } else {
    switch (static_cast<core::ExitCode>(status)) {
      case core::ExitCode::database:
      case core::ExitCode::internal:
      case core::ExitCode::cant_create:
      case core::ExitCode::io:
      case core::ExitCode::permission:
      case core::ExitCode::config:
        severity = LOG_ERR;
        break;
      default:
        break;
    }
  }
  return facility | severity;
}

void finish(int status, const Error* failure, const Output& out)
{
  // One run, one record: whatever happens, the next run in this process
  // (the in-process tests run several) starts from nothing.
  struct Reset
  {
    Reset() = default;
    Reset(const Reset&) = delete;
    Reset& operator=(const Reset&) = delete;
    ~Reset()
    {
      record() = Record{};
      settings() = Settings{};
    }
  } const reset;
  try {
    auto& current = record();
    const auto& config = settings();
    if (current.event.empty() || !config.configured || !config.enabled) {
      return;
    }
    if (current.outcome.empty() && failure != nullptr) {
      current.outcome = failure_outcome(*failure);
    } else if (current.outcome.empty()) {
      current.outcome = status == 0 ? "ok"
                        : status > 128
                            ? "interrupted"
                            : std::string(core::exit_class_name(
                                static_cast<core::ExitCode>(status)));
    }
    const int pri = priority(current, status, config.facility);
    const std::string problem = deliver(header(pri) + format(current, status));
    if (!problem.empty()) {
      out.detail("audit: the syslog line was not written (" + problem + " at "
                 + k_socket + "); the command's outcome stands");
    }
  } catch (const std::exception&) {
    // Out of memory while formatting: the audit line is lost, the command's
    // status stands.
  }
}

} // namespace smsotp::cli::audit
