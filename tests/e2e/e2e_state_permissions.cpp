// The key file's rule applied to the state database (issue 7 defect 8):
// the database, its -wal and -shm and every directory above them must not
// be writable by group or others nor owned by another user (77), and a
// file smsotp cannot write is named (73). Both are checked before anything
// is written or sent. CI runs as root, so "another user" is nobody and the
// denials run as nobody (root bypasses file permissions).

#include "fault_util.hpp"
#include "steps.hpp"

#include <filesystem>
#include <functional>
#include <sys/stat.h>
#include <unistd.h>

using namespace e2e;

namespace {

struct Case
{
  const char* name;
  std::function<void(const Sandbox&)> tamper;
  const char* names_file; // relative to the sandbox
  const char* fix;        // the remedy the message must give
};

// A send that must be refused with `code` before it writes or sends.
void check_refused(const Sandbox& box,
                   const Result& result,
                   int code,
                   const std::string& before,
                   const std::string& file,
                   const std::string& fix)
{
  CAPTURE(result.err);
  CHECK(result.exit_code == code);
  CHECK(result.out.empty());
  CHECK(contains(result.err, file));
  CHECK(contains(result.err, fix));
  CHECK_FALSE(contains(result.err, "internal"));
  CHECK(read_file(box.db()) == before);
  CHECK(box.outbox_count() == 1);
}

} // namespace

TEST_CASE("state files others can write or another user owns are refused (77)")
{
  const std::vector<Case> cases{
      {"database 0666",
       [](const Sandbox& box) { set_mode(box.db(), 0666); },
       "state/state.db",
       "chmod 600"},
      {"database 0620",
       [](const Sandbox& box) { set_mode(box.db(), 0620); },
       "state/state.db",
       "chmod 600"},
      {"database owned by another user",
       [](const Sandbox& box) { chown_path(box.db(), k_nobody); },
       "state/state.db",
       "chown"},
      {"directory 0777",
       [](const Sandbox& box) { set_mode(box.path("state"), 0777); },
       "state",
       "chmod go-w"},
      {"directory 0770",
       [](const Sandbox& box) { set_mode(box.path("state"), 0770); },
       "state",
       "chmod go-w"},
      {"directory owned by another user",
       [](const Sandbox& box) { chown_path(box.path("state"), k_nobody); },
       "state",
       "chown"},
      {"-wal owned by another user",
       [](const Sandbox& box) {
         box.write_file("state/state.db-wal", "", 0600);
         chown_path(box.db() + "-wal", k_nobody);
       },
       "state/state.db-wal",
       "chown"},
      {"-shm 0666",
       [](const Sandbox& box) {
         box.write_file("state/state.db-shm", "", 0666);
       },
       "state/state.db-shm",
       "chmod 600"},
      {"-wal is a symbolic link",
       [](const Sandbox& box) {
         box.write_file("elsewhere.wal", "", 0600);
         std::filesystem::create_symlink(box.path("elsewhere.wal"),
                                         box.db() + "-wal");
       },
       "state/state.db-wal",
       "rm "},
      {"symlink to another user's database",
       [](const Sandbox& box) {
         std::filesystem::create_directories(box.path("theirs"));
         std::filesystem::rename(box.db(), box.path("theirs/state.db"));
         chown_path(box.path("theirs"), k_nobody);
         chown_path(box.path("theirs/state.db"), k_nobody);
         std::filesystem::create_symlink(box.path("theirs/state.db"), box.db());
       },
       "theirs/state.db",
       "chown"},
  };
  for (const auto& entry : cases) {
    CAPTURE(entry.name);
    const Sandbox box;
    const std::string config = box.file_config();
    const std::string code = send_code(box, config);
    entry.tamper(box);
    const std::string before = read_file(box.db());
    const std::string file = box.path(entry.names_file);
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"send", "--to", k_to}, {"verify", "--to", k_to, code}}) {
      std::vector<std::string> argv{"-c", config};
      argv.insert(argv.end(), args.begin(), args.end());
      CAPTURE(args.front());
      check_refused(box, box.run(argv), 77, before, file, entry.fix);
    }
  }
}

TEST_CASE("a sticky world-writable directory and a symlink to our own file "
          "are accepted")
{
  const Sandbox box;
  const std::string config = box.file_config();
  send_code(box, config);
  set_mode(box.path("state"), 01777);
  const std::string code = send_code(box, config);
  CHECK(verify(box, config, code).exit_code == 0);
  set_mode(box.path("state"), 0700);
  std::filesystem::create_directories(box.path("real"));
  std::filesystem::rename(box.db(), box.path("real/state.db"));
  std::filesystem::create_symlink(box.path("real/state.db"), box.db());
  const std::string again = send_code(box, config);
  CHECK(verify(box, config, again).exit_code == 0);
}

TEST_CASE("files the user cannot write are named (73), checked as nobody")
{
  const std::vector<Case> cases{
      {"read-only database",
       [](const Sandbox& box) { set_mode(box.path("u/state/state.db"), 0400); },
       "u/state/state.db",
       "chmod 600"},
      {"read-only directory",
       [](const Sandbox& box) { set_mode(box.path("u/state"), 0500); },
       "u/state",
       "chmod 700"},
      {"stale read-only -shm",
       [](const Sandbox& box) {
         box.write_file("u/state/state.db-shm", "", 0400);
         chown_path(box.path("u/state/state.db-shm"), k_nobody);
       },
       "u/state/state.db-shm",
       "chmod 600"},
  };
  for (const auto& entry : cases) {
    CAPTURE(entry.name);
    const Sandbox box;
    // A tree that belongs to nobody: config, state and outbox.
    set_mode(box.dir(), 0711);
    std::filesystem::create_directories(box.path("u/state"));
    set_mode(box.path("u"), 0700);
    set_mode(box.path("u/state"), 0700);
    const std::string db = box.path("u/state/state.db");
    const std::string outbox = box.path("u/outbox.txt");
    const std::string config =
        box.write_file("u/config.toml",
                       "[store]\ndatabase = \"" + db
                           + "\"\n[provider.outbox]\nkind = "
                             "\"file\"\npath = \""
                           + outbox + "\"\n" + standard_tail(""),
                       0600);
    for (const auto& path :
         {box.path("u"), box.path("u/state"), box.path("u/config.toml")}) {
      chown_path(path, k_nobody);
    }
    const auto first =
        run_wrapped(box, as_nobody(), {"-c", config, "send", "--to", k_to});
    INFO("first send: " << first.err);
    REQUIRE(first.exit_code == 0);
    entry.tamper(box);
    const std::string before = read_file(db);
    const std::string outbox_text = read_file(outbox);
    REQUIRE(!outbox_text.empty());
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"send", "--to", k_to}, {"purge"}}) {
      std::vector<std::string> argv{"-c", config};
      argv.insert(argv.end(), args.begin(), args.end());
      CAPTURE(args.front());
      const auto refused = run_wrapped(box, as_nobody(), argv);
      CAPTURE(refused.err);
      CHECK(refused.exit_code == 73);
      CHECK(refused.out.empty());
      CHECK(contains(refused.err, box.path(entry.names_file)));
      CHECK(contains(refused.err, entry.fix));
    }
    CHECK(read_file(db) == before);
    CHECK(read_file(outbox) == outbox_text);
  }
}

TEST_CASE("a directory further up that others can write is refused (77)")
{
  // /srv at 0777 holding /srv/smsotp/state.db: another user can rename
  // smsotp/ away and put a directory of their own in its place.
  const Sandbox box;
  const std::string config = box.file_config();
  const std::string db = box.path("srv/smsotp/state.db");
  std::filesystem::create_directories(box.path("srv/smsotp"));
  set_mode(box.path("srv"), 0755);
  set_mode(box.path("srv/smsotp"), 0700);
  const std::vector<std::string> global{"--db", db};
  const auto first = box.run({"-c", config, "--db", db, "send", "--to", k_to});
  INFO("first send: " << first.err);
  REQUIRE(first.exit_code == 0);
  const std::string code = box.last_code(k_to);
  REQUIRE(!code.empty());
  set_mode(box.path("srv"), 0777);
  const std::string before = read_file(db);
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"send", "--to", k_to}, {"verify", "--to", k_to, code}}) {
    std::vector<std::string> argv{"-c", config, "--db", db};
    argv.insert(argv.end(), args.begin(), args.end());
    CAPTURE(args.front());
    const auto result = box.run(argv);
    CAPTURE(result.err);
    CHECK(result.exit_code == 77);
    CHECK(result.out.empty());
    CHECK(contains(result.err, "directory " + box.path("srv") + ":"));
    CHECK(contains(result.err, "chmod go-w " + box.path("srv")));
    CHECK(contains(result.err, "chmod +t"));
    CHECK(read_file(db) == before);
    CHECK(box.outbox_count() == 1);
  }
  // Sticky, as /tmp is: only an entry's owner may rename it.
  set_mode(box.path("srv"), 01777);
  CHECK(verify(box, config, code, global).exit_code == 0);
}
