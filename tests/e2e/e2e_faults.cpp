// Fault tests (issue 7): a full disk, damaged or tampered databases. A
// damaged file is never modified and no SMS goes out on it; a fault hit
// after the SMS may have left is reported as such (76, with the id).

#include "fake_twilio.hpp"
#include "fault_util.hpp"
#include "provider_kinds.hpp"
#include "steps.hpp"

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

using namespace e2e;
using namespace std::chrono_literals;

namespace {

// What a refused send must leave behind: the same bytes, no -wal, no SMS.
void check_refused_untouched(const Sandbox& box,
                             const Result& result,
                             const std::string& before,
                             int messages_before)
{
  CAPTURE(result.err);
  CHECK(result.exit_code == 65);
  CHECK(result.out.empty());
  CHECK(read_file(box.db()) == before);
  CHECK_FALSE(file_exists(box.db() + "-wal"));
  CHECK(box.outbox_count() == messages_before);
}

} // namespace

TEST_CASE("disk full (RLIMIT_FSIZE) exits 74 and the database stays intact")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const std::string code = send_code(box, config);
  for (const std::int64_t limit : {1024, 8192}) {
    CAPTURE(limit);
    const auto result = run_wrapped(
        box, with_file_size_limit(limit), {"-c", config, "send", "--to", k_to});
    CAPTURE(result.err);
    CHECK(result.exit_code == 74);
    CHECK(result.out.empty());
    CHECK(contains(result.err, box.db()));
    CHECK_FALSE(contains(result.err, "rollback"));
    CHECK(box.outbox_count() == 1);
    CHECK(integrity(box.db()) == "ok");
  }
  // A first send into a new database under the limit.
  const auto fresh = run_wrapped(
      box,
      with_file_size_limit(1024),
      {"-c", config, "--db", box.path("new/state.db"), "send", "--to", k_to});
  CAPTURE(fresh.err);
  CHECK(fresh.exit_code == 74);
  CHECK(box.outbox_count() == 1);
  // The code sent before the faults still works, once.
  CHECK(verify(box, config, code).exit_code == 0);
  CHECK(verify(box, config, code).exit_code == 1);
}

TEST_CASE("disk full on a small tmpfs exits 74 and the database stays intact")
{
  const Sandbox box;
  const std::string mount_point = box.path("small");
  std::filesystem::create_directories(mount_point);
  if (run_command({"mount",
                   "-t",
                   "tmpfs",
                   "-o",
                   "size=128k,mode=0700",
                   "tmpfs",
                   mount_point})
      != 0) {
    MESSAGE("skipped: cannot mount a tmpfs here (needs root); the "
            "RLIMIT_FSIZE variant covers disk full");
    return;
  }
  struct Unmount
  {
    std::string path;
    ~Unmount()
    {
      run_command({"umount", path});
    }
  } unmount{mount_point};
  const std::string db = mount_point + "/state.db";
  const std::string config = box.file_config();
  const std::string code = send_code(box, config, {}, k_to, {});
  // smsotp leaves its last commits in the -wal (no checkpoint on close):
  // merge them so that the database file alone holds the state.
  sql_exec(box.db(), "PRAGMA wal_checkpoint(TRUNCATE)");
  std::filesystem::copy_file(box.db(), db);
  std::filesystem::copy_file(box.key_file(), mount_point + "/smsotp.key");
  // Fill the rest of the file system.
  {
    std::string filler(4096, 'x');
    std::ofstream fill(mount_point + "/filler", std::ios::binary);
    while (
        fill.write(filler.data(), static_cast<std::streamsize>(filler.size()))
        && fill.flush()) {
    }
  }
  const std::string before = read_file(db);
  const auto result = box.run({"-c", config, "--db", db, "send", "--to", k_to});
  CAPTURE(result.err);
  CHECK(result.exit_code == 74);
  CHECK(contains(result.err, db));
  CHECK(box.outbox_count() == 1);
  CHECK(read_file(db) == before);
  std::filesystem::remove(mount_point + "/filler");
  CHECK(integrity(db) == "ok");
  CHECK(verify(box, config, code, {"--db", db}).exit_code == 0);
}

TEST_CASE("our database with a lowered user_version is refused untouched (65)")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const std::string code = send_code(box, config);
  for (const int version : {0, 2, 3}) {
    CAPTURE(version);
    sql_exec(box.db(), "PRAGMA user_version = " + std::to_string(version));
    const std::string before = read_file(box.db());
    for (const auto& args :
         std::vector<std::vector<std::string>>{{"send", "--to", k_to},
                                               {"verify", "--to", k_to, code},
                                               {"purge"}}) {
      std::vector<std::string> argv{"-c", config};
      argv.insert(argv.end(), args.begin(), args.end());
      const auto result = box.run(argv);
      CAPTURE(args.front());
      check_refused_untouched(box, result, before, 1);
      CHECK(contains(result.err, "schema"));
      CHECK(contains(result.err, box.db()));
    }
  }
}

TEST_CASE("a flipped byte in the schema text is refused untouched (65)")
{
  for (const std::string& text : {std::string("attempts INTEGER"),
                                  std::string("CREATE TABLE recipient"),
                                  std::string("'consumed'")}) {
    CAPTURE(text);
    const Sandbox box;
    const std::string config = box.file_config();
    send_code(box, config);
    // smsotp leaves its last commits in the -wal (no checkpoint on close):
    // merge them so that the database file alone holds the state.
    sql_exec(box.db(), "PRAGMA wal_checkpoint(TRUNCATE)");
    const auto at = read_file(box.db()).find(text);
    REQUIRE(at != std::string::npos);
    // Flip one letter in the middle: still ASCII, a different word.
    flip_byte(box.db(), static_cast<std::int64_t>(at + text.size() / 2), 0x01);
    const std::string before = read_file(box.db());
    const auto result = box.run({"-c", config, "send", "--to", k_to});
    check_refused_untouched(box, result, before, 1);
    CHECK(contains(result.err, box.db()));
    CHECK_FALSE(contains(result.err, "internal"));
  }
}

TEST_CASE("byte-flipped databases: 65, byte-identical, nothing sent")
{
  struct Damage
  {
    const char* name;
    std::function<std::int64_t(const std::string&)> offset;
  };
  const std::vector<Damage> damages{
      {"header magic", [](const std::string&) { return 3; }},
      {"header page size", [](const std::string&) { return 16; }},
      {"header application id", [](const std::string&) { return 70; }},
      {"schema page b-tree header", [](const std::string&) { return 100; }},
      {"challenge table page header",
       [](const std::string& db) {
         const auto root = std::stoll(
             sql_value(db,
                       "SELECT rootpage FROM sqlite_master WHERE name = "
                       "'challenge'"));
         return page_offset(db, root);
       }},
  };
  for (const auto& damage : damages) {
    CAPTURE(damage.name);
    const Sandbox box;
    const std::string config = box.file_config();
    send_code(box, config);
    // smsotp leaves its last commits in the -wal (no checkpoint on close):
    // merge them so that the database file alone holds the state.
    sql_exec(box.db(), "PRAGMA wal_checkpoint(TRUNCATE)");
    flip_byte(box.db(), damage.offset(box.db()));
    const std::string before = read_file(box.db());
    const auto result = box.run({"-c", config, "send", "--to", k_to});
    check_refused_untouched(box, result, before, 1);
    CHECK_FALSE(contains(result.err, "internal"));
  }
}

namespace {

// Damages the database so that sending works but recording its result
// fails: the damage is only read after the request may have left.
void damage_hit_only_by_recording(const Sandbox& box, const std::string& config)
{
  send_code(box, config);
  REQUIRE(box.run({"-c", config, "purge", "--all"}).exit_code == 0);
  // Old finished challenges of other numbers fill several pages. Sending
  // reads them only through indexes; recording the result scans the table
  // (superseded_by has no index) and so is the first to read their pages.
  sql_exec(box.db(),
           "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
           " WHERE i < 300) INSERT INTO challenge (id, recipient,"
           " recipient_masked, purpose, code_length, created_at, expires_at,"
           " max_attempts, state, provider, finished_at) SELECT"
           " printf('ch_%024d', i), printf('+1503555%04d', i),"
           " '+15*******00', 'login', 6, 1600000000 + i, 1600000300 + i, 5,"
           " 'consumed', 'outbox-with-a-longer-name', 1600000100 + i FROM n");
  const auto root = std::stoll(sql_value(
      box.db(), "SELECT rootpage FROM sqlite_master WHERE name = 'challenge'"));
  const auto leaf = first_leaf(box.db(), root);
  REQUIRE(leaf != root);
  // An invalid b-tree page type.
  poke(box.db(), page_offset(box.db(), leaf), std::string(1, '\x07'));
}

} // namespace

TEST_CASE("damage hit only while recording the result: 76 with the id")
{
  const Sandbox box;
  const std::string config = box.file_config();
  damage_hit_only_by_recording(box, config);

  for (const bool json : {false, true}) {
    CAPTURE(json);
    std::vector<std::string> argv{"-c", config};
    if (json) {
      argv.emplace_back("--json");
    }
    argv.insert(argv.end(), {"send", "--to", k_to});
    const auto result = box.run(argv);
    CAPTURE(result.err);
    CHECK(result.exit_code == 76);
    CHECK(contains(result.err, "may have been delivered"));
    CHECK_FALSE(contains(result.err, "untouched"));
    std::string id;
    if (json) {
      const auto parsed = one_json(result);
      CHECK(parsed["error"]["exit_code"] == 76);
      id = parsed.value("challenge_id", "");
    } else {
      REQUIRE(result.out.size() == 28);
      id = result.out.substr(0, 27);
    }
    CHECK(is_challenge_id(id));
    // The SMS went out, and its code verifies (once).
    const std::string code = box.last_code();
    REQUIRE(!code.empty());
    CHECK(verify(box, config, code, {}).exit_code == 0);
    CHECK(verify(box, config, code, {}).exit_code == 1);
  }
}

TEST_CASE("a signal during the transfer decides the exit even when recording "
          "fails; the id is still given")
{
  for (const int signal_number : {SIGINT, SIGTERM}) {
    CAPTURE(signal_number);
    const Sandbox box;
    damage_hit_only_by_recording(box, box.file_config());
    Answer answer = twilio_answer(Reply::created);
    answer.delay = 10s;
    const FakeProvider fake(always(answer));
    const std::string config = kinds_config(
        box,
        {{"twilio", "twilio", fake.base_url(), "", "timeout = \"30s\"\n"}});
    auto child = box.start({"-c", config, "--json", "send", "--to", k_to});
    REQUIRE(fake.wait_for_requests(1, 10s));
    std::this_thread::sleep_for(300ms);
    ::kill(child.pid(), signal_number);
    const auto result = child.finish();
    CAPTURE(result.out);
    CAPTURE(result.err);
    CHECK(result.exit_code == 128 + signal_number);
    CHECK(fake.request_count() == 1);
    const auto json = one_json(result);
    CHECK(json["error"]["exit_code"] == result.exit_code);
    CHECK(is_challenge_id(json.value("challenge_id", "")));
    CHECK(contains(result.err, "may have been delivered"));
    CHECK(contains(result.err, "interrupted"));
  }
}
