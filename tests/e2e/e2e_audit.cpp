// The audit trail in syslog (issue 10 item 10): each send, verify, lockout
// and purge writes one line to /dev/log, facility authpriv by default, with
// the masked number, purpose, outcome, provider, challenge id and exit
// status, never a code or a secret; [log] turns it off or moves it; a
// syslog that cannot be reached never fails the command.
//
// /dev/log is replaced for smsotp alone: it runs in a private mount
// namespace (unshare -m; the tests run as root) whose /dev is a tmpfs with
// links to the real entries, and the test's own datagram socket bound over
// /dev/log. The host's /dev is never touched.

#include "fake_twilio.hpp"
#include "fault_util.hpp"
#include "steps.hpp"

#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace e2e;

namespace {

// authpriv (10) and local3 (19), times 8, plus a severity.
constexpr int k_authpriv = 10 * 8;
constexpr int k_local3 = 19 * 8;
constexpr int k_info = 6;
constexpr int k_notice = 5;
constexpr int k_warning = 4;

// The test's end of the syslog socket: a datagram socket bound at a path in
// the sandbox, which the namespace mounts over /dev/log.
class LogSocket
{
public:
  explicit LogSocket(const Sandbox& box) : m_path(box.path("log.sock"))
  {
    m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(
        address.sun_path, m_path.c_str(), sizeof(address.sun_path) - 1);
    if (m_fd < 0
        || ::bind(m_fd,
                  reinterpret_cast<const sockaddr*>(&address),
                  sizeof(address))
               != 0) {
      throw std::runtime_error("cannot bind " + m_path);
    }
  }
  ~LogSocket()
  {
    close();
  }
  LogSocket(const LogSocket&) = delete;
  LogSocket& operator=(const LogSocket&) = delete;

  const std::string& path() const
  {
    return m_path;
  }

  // The datagrams received since the last call (smsotp has exited: all
  // are queued).
  std::vector<std::string> take() const
  {
    std::vector<std::string> lines;
    std::string buffer(8192, '\0');
    for (;;) {
      const auto got = ::recv(m_fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
      if (got < 0) {
        m_seen.insert(m_seen.end(), lines.begin(), lines.end());
        return lines;
      }
      lines.emplace_back(buffer.data(), static_cast<std::size_t>(got));
    }
  }

  // Every datagram take() returned.
  const std::vector<std::string>& seen() const
  {
    return m_seen;
  }

  // Fills the receive queue from another socket until a send would block,
  // as a syslog daemon that stopped reading would.
  void fill() const
  {
    const int sender = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(
        address.sun_path, m_path.c_str(), sizeof(address.sun_path) - 1);
    const std::string filler(512, 'x');
    int sent = 0;
    while (::sendto(sender,
                    filler.data(),
                    filler.size(),
                    MSG_DONTWAIT,
                    reinterpret_cast<const sockaddr*>(&address),
                    sizeof(address))
           >= 0) {
      ++sent;
    }
    ::close(sender);
    REQUIRE(sent > 0);
  }

  // Stops receiving; the socket file stays, so sending to it is refused.
  void close()
  {
    if (m_fd >= 0) {
      ::close(m_fd);
      m_fd = -1;
    }
  }

private:
  std::string m_path;
  int m_fd = -1;
  mutable std::vector<std::string> m_seen;
};

// Prefix: run in a private mount namespace whose /dev/log is `socket`, or
// that has no /dev/log when `socket` is "".
std::vector<std::string> with_dev_log(const Sandbox& box,
                                      const std::string& socket)
{
  const std::string old_dev = box.path("real-dev");
  std::filesystem::create_directories(old_dev);
  return {"/usr/bin/unshare",
          "-m",
          "--propagation",
          "private",
          "/bin/sh",
          "-c",
          "set -eu\n"
          "sock=$1; old=$2; shift 2\n"
          "mount --rbind /dev \"$old\"\n"
          "mount -t tmpfs -o mode=0755 smsotp-test-dev /dev\n"
          "for entry in \"$old\"/*; do ln -s \"$entry\" "
          "\"/dev/${entry##*/}\"; done\n"
          "if [ -n \"$sock\" ]; then\n"
          "  : > /dev/log; mount --bind \"$sock\" /dev/log\n"
          "fi\n"
          "exec \"$@\"\n",
          "with-dev-log",
          socket,
          old_dev};
}

// One received line, taken apart: "<PRI>Mmm dd hh:mm:ss smsotp[PID]: k=v...".
struct Line
{
  int pri = -1;
  std::vector<std::string> keys; // in order
  std::map<std::string, std::string> fields;
};

Line parse(const std::string& datagram)
{
  static const std::regex k_line(
      R"(<([0-9]+)>[A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} smsotp\[[0-9]+\]: (.*))");
  std::smatch match;
  INFO("datagram: " << datagram);
  REQUIRE(std::regex_match(datagram, match, k_line));
  Line line;
  line.pri = std::stoi(match[1].str());
  std::istringstream words(match[2].str());
  for (std::string word; words >> word;) {
    const auto equals = word.find('=');
    REQUIRE(equals != std::string::npos);
    line.keys.push_back(word.substr(0, equals));
    line.fields[word.substr(0, equals)] = word.substr(equals + 1);
  }
  return line;
}

// Exactly one line was written; returns it, checking the fixed field order.
Line only_line(const LogSocket& log)
{
  const auto lines = log.take();
  REQUIRE(lines.size() == 1);
  auto line = parse(lines.front());
  const std::vector<std::string> fixed{
      "event", "to", "purpose", "outcome", "provider", "challenge_id"};
  REQUIRE(line.keys.size() >= fixed.size() + 1);
  CHECK(std::vector<std::string>(line.keys.begin(), line.keys.begin() + 6)
        == fixed);
  CHECK(line.keys.back() == "exit");
  return line;
}

// The namespace needs root (CI runs as root) and unshare(1).
bool can_replace_dev_log()
{
  if (::geteuid() != 0 || !have_program("unshare")) {
    MESSAGE("skipped: replacing /dev/log in a mount namespace needs root "
            "and unshare (util-linux)");
    return false;
  }
  return true;
}

Result run_logged(const Sandbox& box,
                  const LogSocket& log,
                  const std::vector<std::string>& args)
{
  auto result = run_wrapped(box, with_dev_log(box, log.path()), args);
  INFO("stderr: " << result.err);
  return result;
}

std::string first_line(const std::string& text)
{
  return text.substr(0, text.find('\n'));
}

} // namespace

TEST_CASE("send, verify, lockout and purge each write one authpriv line")
{
  if (!can_replace_dev_log()) {
    return;
  }
  const Sandbox box;
  const LogSocket log(box);
  const FakeTwilio fake(Reply::created);
  TwilioConfig twilio;
  twilio.base_url = fake.base_url();
  twilio.retries = "0";
  twilio.extra = "[otp]\nlockout_after = 2\n";
  const std::string config = twilio_config(box, twilio);

  const auto sent = run_logged(box, log, {"-c", config, "send", "--to", k_to});
  REQUIRE(sent.exit_code == 0);
  const std::string id = first_line(sent.out);
  REQUIRE(fake.request_count() == 1);
  const std::string code = code_from_body(fake.requests().front());
  REQUIRE(code.size() == 6);
  auto send_line = only_line(log);
  CHECK(send_line.pri == (k_authpriv | k_info));
  CHECK(send_line.fields
        == std::map<std::string, std::string>{{"event", "send"},
                                              {"to", "+15*******67"},
                                              {"purpose", "login"},
                                              {"outcome", "sent"},
                                              {"provider", "twilio"},
                                              {"challenge_id", id},
                                              {"exit", "0"}});

  // A wrong code: verify, notice, the reason as outcome.
  const std::string wrong = code == "000000" ? "111111" : "000000";
  CHECK(run_logged(box, log, {"-c", config, "verify", "--to", k_to, wrong})
            .exit_code
        == 1);
  const auto failed = only_line(log);
  CHECK(failed.pri == (k_authpriv | k_notice));
  CHECK(failed.fields.at("event") == "verify");
  CHECK(failed.fields.at("outcome") == "mismatch");
  CHECK(failed.fields.at("challenge_id") == id);
  CHECK(failed.fields.at("provider") == "-");
  CHECK(failed.fields.at("exit") == "1");

  // The second wrong code locks the recipient: a lockout, warning.
  CHECK(run_logged(box, log, {"-c", config, "verify", "--to", k_to, wrong})
            .exit_code
        == 1);
  const auto lockout = only_line(log);
  CHECK(lockout.pri == (k_authpriv | k_warning));
  CHECK(lockout.fields.at("event") == "lockout");
  CHECK(lockout.fields.at("to") == "+15*******67");
  CHECK(lockout.fields.at("exit") == "1");

  // Even the right code is refused while the lock holds.
  CHECK(run_logged(box, log, {"-c", config, "verify", "--to", k_to, code})
            .exit_code
        == 75);
  const auto locked = only_line(log);
  CHECK(locked.pri == (k_authpriv | k_notice));
  CHECK(locked.fields.at("event") == "verify");
  CHECK(locked.fields.at("outcome") == "locked");
  CHECK(locked.fields.at("exit") == "75");

  // The admin lifts the lock: a purge of that number, with its counts.
  CHECK(run_logged(box, log, {"-c", config, "purge", "--to", k_to}).exit_code
        == 0);
  const auto purged = only_line(log);
  CHECK(purged.pri == (k_authpriv | k_info));
  CHECK(purged.fields.at("event") == "purge");
  CHECK(purged.fields.at("to") == "+15*******67");
  CHECK(purged.fields.at("outcome") == "purged");
  CHECK(purged.fields.at("challenges") == "1");
  CHECK(purged.fields.at("recipients") == "1");
  CHECK(purged.keys
        == std::vector<std::string>{"event",
                                    "to",
                                    "purpose",
                                    "outcome",
                                    "provider",
                                    "challenge_id",
                                    "challenges",
                                    "recipients",
                                    "exit"});

  // A fresh code verifies: verify, info.
  const auto again = run_logged(box, log, {"-c", config, "send", "--to", k_to});
  REQUIRE(again.exit_code == 0);
  CHECK(only_line(log).fields.at("outcome") == "sent");
  REQUIRE(fake.request_count() == 2);
  const std::string fresh = code_from_body(fake.requests().back());
  CHECK(run_logged(box, log, {"-c", config, "verify", "--to", k_to, fresh})
            .exit_code
        == 0);
  const auto verified = only_line(log);
  CHECK(verified.pri == (k_authpriv | k_info));
  CHECK(verified.fields.at("outcome") == "verified");
  CHECK(verified.fields.at("challenge_id") == first_line(again.out));

  // Neither code, the token nor the full number appears in any line.
  for (const auto& probe : {code,
                            fresh,
                            std::string(k_auth_token),
                            std::string(k_to),
                            std::string("15033234567")}) {
    CAPTURE(probe);
    REQUIRE(log.seen().size() == 7);
    for (const auto& datagram : log.seen()) {
      CHECK(datagram.find(probe) == std::string::npos);
    }
  }
}

TEST_CASE("refusals and failures are audited with their outcome, dry runs "
          "are not")
{
  if (!can_replace_dev_log()) {
    return;
  }
  const Sandbox box;
  const LogSocket log(box);
  const std::string config =
      box.file_config("[limits]\nper_recipient = 1\nmin_interval = \"0s\"\n"
                      "per_prefix_hourly = 0\n");
  REQUIRE(run_logged(box, log, {"-c", config, "send", "--to", k_to}).exit_code
          == 0);
  const auto first = only_line(log);
  CHECK(first.fields.at("provider") == "outbox");
  // The limit refuses the second send: rate_limited, no challenge stored.
  CHECK(run_logged(box, log, {"-c", config, "send", "--to", k_to}).exit_code
        == 75);
  const auto limited = only_line(log);
  CHECK(limited.pri == (k_authpriv | k_notice));
  CHECK(limited.fields.at("outcome") == "rate_limited");
  CHECK(limited.fields.at("challenge_id") == "-");
  CHECK(limited.fields.at("exit") == "75");
  // The destination policy refuses: the exit class.
  const std::string gb_only = box.write_file(
      "gb.toml",
      "[store]\ndatabase = \"" + box.db()
          + "\"\n[provider.outbox]\nkind = \"file\"\npath = \"" + box.outbox()
          + "\"\n[policy]\nallowed_countries = [\"GB\"]\n");
  CHECK(run_logged(box, log, {"-c", gb_only, "send", "--to", k_to}).exit_code
        == 69);
  const auto refused = only_line(log);
  CHECK(refused.fields.at("outcome") == "refused");
  CHECK(refused.fields.at("to") == "+15*******67");
  // Dry runs change nothing and write nothing; nor does `providers`.
  CHECK(run_logged(box,
                   log,
                   {"-c", config, "send", "--to", "+15033234568", "--dry-run"})
            .exit_code
        == 0);
  CHECK(run_logged(box, log, {"-c", config, "purge", "--dry-run"}).exit_code
        == 0);
  CHECK(run_logged(box, log, {"-c", config, "providers"}).exit_code == 0);
  CHECK(log.take().empty());
  // A purge of a block names the block.
  CHECK(run_logged(box, log, {"-c", config, "purge", "--prefix", "+1503323"})
            .exit_code
        == 0);
  const auto block = only_line(log);
  CHECK(block.fields.at("to") == "+1503323****");
  CHECK(block.fields.at("challenges") == "1");
}

TEST_CASE("[log] turns the audit off or moves it to another facility")
{
  if (!can_replace_dev_log()) {
    return;
  }
  const Sandbox box;
  const LogSocket log(box);
  const std::string off = box.file_config("[log]\nsyslog = false\n");
  CHECK(run_logged(box, log, {"-c", off, "send", "--to", k_to}).exit_code == 0);
  CHECK(log.take().empty());
  const std::string local3 = box.file_config("[log]\nfacility = \"local3\"\n");
  CHECK(run_logged(box, log, {"-c", local3, "purge"}).exit_code == 0);
  CHECK(only_line(log).pri == (k_local3 | k_info));
  // A facility that is not one: config error 78 naming file:line:col, and
  // no line (the config was never loaded).
  const std::string bad = box.file_config("[log]\nfacility = \"kern\"\n");
  const auto refused = run_logged(box, log, {"-c", bad, "purge"});
  CHECK(refused.exit_code == 78);
  CHECK(contains(refused.err,
                 bad + ":12:12: log.facility: expected a syslog facility"));
  CHECK(log.take().empty());
}

TEST_CASE("a syslog that cannot be reached never fails the command")
{
  if (!can_replace_dev_log()) {
    return;
  }
  const Sandbox box;
  const std::string config = box.file_config();
  // No /dev/log at all: exit 0, a note under -v only.
  const auto no_log = with_dev_log(box, "");
  const auto absent =
      run_wrapped(box, no_log, {"-c", config, "-v", "send", "--to", k_to});
  CHECK(absent.exit_code == 0);
  CHECK(contains(absent.err, "audit: the syslog line was not written"));
  const auto plain = run_wrapped(box, no_log, {"-c", config, "purge"});
  CHECK(plain.exit_code == 0);
  CHECK(plain.err.find("audit") == std::string::npos);

  // A daemon that stopped reading: the send waits at most about a second.
  LogSocket log(box);
  log.fill();
  const auto start = std::chrono::steady_clock::now();
  const auto full = run_logged(box, log, {"-c", config, "-v", "purge"});
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(full.exit_code == 0);
  CHECK(contains(full.err, "audit: the syslog line was not written"));
  CHECK(took < std::chrono::seconds(5));

  // A socket nobody listens on any more: refused, exit 0 all the same.
  log.close();
  const auto closed =
      run_logged(box, log, {"-c", config, "verify", "--to", k_to, "123456"});
  CHECK(closed.exit_code == 1);
}
