// Kill tests (issue 7): SIGKILL at every write and sync step of a first
// send, a send and a verify, injected with strace (`inject=SYSCALL:
// signal=KILL:when=N`, counted per syscall, N = 1, 2, ... until the command
// completes). After each kill the database passes PRAGMA integrity_check,
// a code that reached the outbox verifies exactly once, no code is
// consumed twice, no counted attempt is lost, and the next send and verify
// work.

#include "fault_util.hpp"
#include "steps.hpp"

#include <csignal>
#include <filesystem>
#include <functional>

using namespace e2e;
namespace fs = std::filesystem;

namespace {

// The write and sync steps of smsotp and SQLite (key creation may use the
// link/rename family).
const std::vector<std::string> k_steps{"write",
                                       "pwrite64",
                                       "fsync",
                                       "fdatasync",
                                       "ftruncate",
                                       "unlink",
                                       "rename",
                                       "renameat2",
                                       "link",
                                       "linkat"};

// Upper bound on the invocations of one syscall per command.
constexpr int k_max_steps = 200;

struct Killed
{
  bool killed = false;
  Result result;
};

Killed run_killed(const Sandbox& box,
                  const std::string& syscall,
                  int nth,
                  const std::vector<std::string>& args)
{
  const std::vector<std::string> prefix{
      "/usr/bin/strace",
      "-f",
      "-qq",
      "-o",
      "/dev/null",
      "-e",
      "trace=" + syscall,
      "-e",
      "inject=" + syscall + ":signal=KILL:when=" + std::to_string(nth)};
  Killed run;
  run.result = run_wrapped(box, prefix, args);
  run.killed = run.result.term_signal == SIGKILL
               || run.result.exit_code == 128 + SIGKILL;
  return run;
}

// The state directory saved after set-up, put back before each kill.
class Snapshot
{
public:
  explicit Snapshot(const Sandbox& box) : m_box(box), m_saved(box.path("saved"))
  {
    fs::remove_all(m_saved);
    if (fs::exists(box.path("state"))) {
      fs::copy(box.path("state"), m_saved, fs::copy_options::recursive);
    }
    m_outbox = read_file(box.outbox());
  }

  void restore() const
  {
    fs::remove_all(m_box.path("state"));
    if (fs::exists(m_saved)) {
      fs::copy(m_saved, m_box.path("state"), fs::copy_options::recursive);
    }
    m_box.write_file("outbox.txt", m_outbox, 0600);
  }

private:
  const Sandbox& m_box;
  std::string m_saved;
  std::string m_outbox;
};

void check_integrity(const Sandbox& box)
{
  if (file_exists(box.db()) && !read_file(box.db()).empty()) {
    CHECK(integrity(box.db()) == "ok");
  }
}

// The next send and verify work.
void check_next_works(const Sandbox& box, const std::string& config)
{
  const auto sent = box.run({"-c", config, "send", "--to", k_to});
  INFO("next send: " << sent.err);
  CHECK(sent.exit_code == 0);
  if (sent.exit_code == 0) {
    CHECK(verify(box, config, box.last_code()).exit_code == 0);
  }
}

// A code that reached the outbox during the killed run must verify, once.
void check_delivered_code(const Sandbox& box,
                          const std::string& config,
                          int messages_before)
{
  if (box.outbox_count() > messages_before) {
    const std::string code = box.last_code();
    CHECK(verify(box, config, code).exit_code == 0);
    CHECK(verify(box, config, code).exit_code == 1);
  }
}

// Calls `after(killed)` for every kill point of `args`; returns how many
// kills there were.
int for_each_kill(const Sandbox& box,
                  const Snapshot& snapshot,
                  const std::vector<std::string>& args,
                  const std::function<void(const std::string&, bool)>& after)
{
  int kills = 0;
  for (const auto& syscall : k_steps) {
    for (int nth = 1; nth <= k_max_steps; ++nth) {
      snapshot.restore();
      const auto run = run_killed(box, syscall, nth, args);
      CAPTURE(syscall);
      CAPTURE(nth);
      CAPTURE(run.result.err);
      after(syscall, run.killed);
      if (!run.killed) {
        CHECK(run.result.exit_code <= 1);
        break;
      }
      ++kills;
    }
  }
  return kills;
}

bool have_strace()
{
  if (!have_program("strace")) {
    MESSAGE("skipped: strace is not installed (scripts/dev deps installs it)");
    return false;
  }
  return true;
}

} // namespace

TEST_CASE("SIGKILL at each write or sync of a first send")
{
  if (!have_strace()) {
    return;
  }
  const Sandbox box;
  const std::string config = box.file_config();
  const Snapshot empty(box);
  const int kills = for_each_kill(box,
                                  empty,
                                  {"-c", config, "send", "--to", k_to},
                                  [&](const std::string&, bool) {
                                    check_integrity(box);
                                    check_delivered_code(box, config, 0);
                                    check_next_works(box, config);
                                  });
  CHECK(kills > 5);
}

TEST_CASE("SIGKILL at each write or sync of a send on an existing database")
{
  if (!have_strace()) {
    return;
  }
  const Sandbox box;
  const std::string config = box.file_config();
  send_code(box, config);
  const Snapshot one_sent(box);
  const int kills = for_each_kill(box,
                                  one_sent,
                                  {"-c", config, "send", "--to", k_to},
                                  [&](const std::string&, bool) {
                                    check_integrity(box);
                                    check_delivered_code(box, config, 1);
                                    check_next_works(box, config);
                                  });
  CHECK(kills > 5);
}

TEST_CASE("SIGKILL at each write or sync of a verify: consumed once, "
          "attempts never lost")
{
  if (!have_strace()) {
    return;
  }
  const Sandbox box;
  const std::string config = box.file_config();
  const std::string code = send_code(box, config);
  const Snapshot live(box);
  const int attempts_before = attempts_in_db(box);

  SUBCASE("the right code")
  {
    bool consumed_earlier = false;
    std::string last_syscall;
    for_each_kill(
        box,
        live,
        {"-c", config, "verify", "--to", k_to, code},
        [&](const std::string& syscall, bool killed) {
          if (syscall != last_syscall) {
            consumed_earlier = false;
            last_syscall = syscall;
          }
          check_integrity(box);
          const bool consumed =
              sql_value(box.db(),
                        "SELECT state FROM challenge ORDER BY rowid DESC "
                        "LIMIT 1")
              == "consumed";
          // A later kill point never undoes an earlier commit; the
          // completed run consumed the code.
          CHECK((consumed || !consumed_earlier));
          CHECK((consumed || killed));
          consumed_earlier = consumed;
          // Never consumed twice: it verifies again only if not consumed.
          CHECK(verify(box, config, code).exit_code == (consumed ? 1 : 0));
          CHECK(verify(box, config, code).exit_code == 1);
          check_next_works(box, config);
        });
  }
  SUBCASE("a wrong code")
  {
    int counted_earlier = attempts_before;
    std::string last_syscall;
    for_each_kill(box,
                  live,
                  {"-c", config, "verify", "--to", k_to, wrong_code(code)},
                  [&](const std::string& syscall, bool killed) {
                    if (syscall != last_syscall) {
                      counted_earlier = attempts_before;
                      last_syscall = syscall;
                    }
                    check_integrity(box);
                    const int attempts = attempts_in_db(box);
                    CHECK(attempts >= counted_earlier);
                    CHECK(attempts <= attempts_before + 1);
                    if (!killed) {
                      CHECK(attempts == attempts_before + 1);
                    }
                    counted_earlier = attempts;
                    // The code itself still works after any kill.
                    CHECK(verify(box, config, code).exit_code == 0);
                    check_next_works(box, config);
                  });
  }
}
