// One PostgreSQL store, two hosts (issue 8): a code sent on one host
// verifies on the other, once; a new send supersedes whichever host sent
// the old code; a failed provider is skipped on every host; purge with each
// of its flags; and a host with another key says so instead of failing the
// person's code; a host without the key does not make one while codes are
// live; and a host whose clock is wrong changes no code's life (the server's
// clock counts).

#include "pg_hosts.hpp"
#include "provider_kinds.hpp"
#include "steps.hpp"

using namespace e2e;

namespace {

constexpr const char* k_other = "+15037654321";

// send on `host` with `config`; returns the challenge id it printed.
std::string send_id(const Sandbox& host,
                    const std::string& config,
                    const std::string& to = k_to)
{
  const auto sent = host.run({"-c", config, "send", "--to", to});
  INFO("send stderr: " << sent.err);
  REQUIRE(sent.exit_code == 0);
  REQUIRE(sent.out.size() == 28);
  return sent.out.substr(0, 27);
}

} // namespace

TEST_CASE("a code sent on one host verifies on another, exactly once")
{
  TwoHosts hosts;
  const auto [config_a, config_b] = hosts.configure();
  const std::string id = send_id(hosts.a(), config_a);
  const std::string code = hosts.a().last_code();
  REQUIRE(code.size() == 6);
  hosts.share_key();

  const auto on_b = verify(hosts.b(), config_b, code, {"--json"});
  CHECK(on_b.exit_code == 0);
  CHECK(one_json(on_b)["challenge_id"] == id);
  // Used up for every host now.
  const auto again_a = verify(hosts.a(), config_a, code, {"-v"});
  CHECK(again_a.exit_code == 1);
  CHECK(contains(again_a.err, "reason: used"));
  CHECK(hosts.value("SELECT state FROM challenge WHERE id = '" + id + "'")
        == "consumed");
  // No code and no key in the shared database.
  const std::string rows =
      hosts.value("SELECT string_agg(c::text, ' ') FROM challenge c");
  CHECK_FALSE(contains(rows, code));
}

TEST_CASE("a URI and a key=value string name the same shared store")
{
  const auto& server = pgtest::shared_server();
  TwoHosts hosts(server.tcp_uri());
  const auto [config_a, config_b] = hosts.configure();
  const std::string code = send_code(hosts.a(), config_a);
  hosts.share_key();
  const std::string config_kv = pg_file_config(
      hosts.b(), server.socket_conninfo(), hosts.schema(), "", "kv.toml");
  CHECK(verify(hosts.b(), config_kv, code).exit_code == 0);
}

TEST_CASE("a send on one host supersedes the live code another host sent")
{
  TwoHosts hosts;
  const auto [config_a, config_b] = hosts.configure();
  const std::string old_id = send_id(hosts.a(), config_a);
  const std::string old_code = hosts.a().last_code();
  hosts.share_key();
  const std::string new_id = send_id(hosts.b(), config_b);
  const std::string new_code = hosts.b().last_code();
  CHECK(new_id != old_id);

  const auto stale = verify(hosts.a(), config_a, old_code, {"-v"});
  CHECK(stale.exit_code == 1);
  CHECK(hosts.value("SELECT state FROM challenge WHERE id = '" + old_id + "'")
        == "superseded");
  CHECK(verify(hosts.a(), config_a, new_code).exit_code == 0);
}

TEST_CASE("lockout after consecutive failures holds on every host")
{
  TwoHosts hosts;
  const auto [config_a, config_b] =
      hosts.configure("[otp]\nlockout_after = 3\nmax_attempts = 10\n");
  const std::string code = send_code(hosts.a(), config_a);
  hosts.share_key();
  CHECK(verify(hosts.a(), config_a, wrong_code(code)).exit_code == 1);
  CHECK(verify(hosts.b(), config_b, wrong_code(code)).exit_code == 1);
  CHECK(verify(hosts.a(), config_a, wrong_code(code)).exit_code == 1);
  // Locked: even the right code is refused, on both hosts, with a wait.
  for (const auto* host : {&hosts.a(), &hosts.b()}) {
    const auto locked =
        verify(*host, host == &hosts.a() ? config_a : config_b, code);
    CHECK(locked.exit_code == 75);
    CHECK(contains(locked.err, "(retry-after: "));
  }
  CHECK(hosts.value("SELECT consecutive_failures FROM recipient") == "3");
  // purge --to on host B lifts it for host A.
  const auto lifted = hosts.b().run({"-c", config_b, "purge", "--to", k_to});
  CHECK(lifted.exit_code == 0);
  CHECK(lifted.out == "1 challenges, 1 recipient counters\n");
  CHECK(verify(hosts.a(), config_a, send_code(hosts.a(), config_a)).exit_code
        == 0);
}

TEST_CASE("purge and its flags act on the shared store")
{
  constexpr std::int64_t t = 1'800'000'000;
  TwoHosts hosts;
  // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
  const auto configs = hosts.configure();
  const auto& config_a = std::get<0>(configs);
  const auto& config_b = std::get<1>(configs);
  RunOptions at_t;
  at_t.now = t;
  const std::string code = send_code(hosts.a(), config_a, {}, k_to, at_t);
  hosts.share_key();
  RunOptions later = at_t;
  later.now = t + 10;
  REQUIRE(verify(hosts.b(), config_b, code, {}, k_to, later).exit_code == 0);
  send_code(hosts.b(), config_b, {}, k_other, later); // live: kept

  auto run_b = [&](std::vector<std::string> args, std::int64_t now) {
    RunOptions options;
    options.now = now;
    args.insert(args.begin(), {"-c", config_b});
    return hosts.b().run(args, options);
  };
  const auto dry = run_b({"purge", "--dry-run"}, t + 20);
  CHECK(dry.out == "1 challenges, 0 recipient counters\n");
  CHECK(hosts.value("SELECT count(*) FROM challenge") == "2");
  const auto young = run_b({"purge", "--older-than", "1h"}, t + 1800);
  CHECK(young.out == "0 challenges, 0 recipient counters\n");
  const auto old = run_b({"purge", "--older-than", "1h"}, t + 3611);
  CHECK(old.out == "1 challenges, 0 recipient counters\n");
  CHECK(hosts.value("SELECT count(*) FROM challenge") == "1");

  // --all: every challenge and counter, for every host.
  const std::string other_code = hosts.b().last_code(k_other);
  CHECK(verify(hosts.a(), config_a, wrong_code(other_code), {}, k_other, later)
            .exit_code
        == 1);
  const auto all = run_b({"--json", "purge", "--all"}, t + 20);
  CHECK(all.exit_code == 0);
  CHECK(one_json(all)["challenges"] == 1);
  CHECK(hosts.value("SELECT count(*) FROM challenge") == "0");
  CHECK(hosts.value("SELECT count(*) FROM recipient") == "0");
  CHECK(verify(hosts.a(), config_a, other_code, {}, k_other, later).exit_code
        == 1);
}

TEST_CASE("a provider that failed on host A is skipped on host B")
{
  TwoHosts hosts;
  const int dead_port = closed_port();
  const FakeProvider backup(kind_handler("vonage"));
  auto config = [&](const Sandbox& box) {
    const std::string text =
        pg_store_table(box, hosts.database(), hosts.schema())
        + "[send]\nproviders = [\"primary\", \"backup\"]\n"
          "provider_cooldown = \"10m\"\n\n"
        + kind_table(box,
                     {"primary",
                      "twilio",
                      "http://127.0.0.1:" + std::to_string(dead_port),
                      "",
                      "retries = 0\n"})
        + kind_table(
            box, {"backup", "vonage", backup.base_url(), "", "retries = 0\n"})
        + standard_tail("");
    return box.write_file("cooldown.toml", text, 0600);
  };
  const std::string config_a = config(hosts.a());
  const std::string config_b = config(hosts.b());
  const auto first =
      hosts.a().run({"-c", config_a, "-v", "send", "--to", k_to});
  CAPTURE(first.err);
  CHECK(first.exit_code == 0);
  CHECK(contains(first.err, "; trying backup"));
  hosts.share_key();

  // The primary answers now, but host B does not even try it.
  const FakeProvider primary(kind_handler("twilio"), nullptr, dead_port);
  const auto second =
      hosts.b().run({"-c", config_b, "-v", "send", "--to", k_other});
  CAPTURE(second.err);
  CHECK(second.exit_code == 0);
  CHECK(primary.request_count() == 0);
  CHECK(backup.request_count() == 2);
  CHECK(contains(second.err, "skipping provider primary for another"));
}

TEST_CASE("a host with another key says so and the code still verifies")
{
  TwoHosts hosts;
  const auto [config_a, config_b] = hosts.configure();
  const std::string code = send_code(hosts.a(), config_a);
  // Host B gets a key of its own (32 other bytes) instead of a copy of A's.
  std::string other_key = read_file(hosts.a().key_file());
  REQUIRE(other_key.size() == 32);
  other_key[0] = static_cast<char>(other_key[0] ^ 1);
  hosts.b().write_file("state/smsotp.key", other_key, 0600);

  const auto mismatch = verify(hosts.b(), config_b, code);
  CAPTURE(mismatch.err);
  CHECK(mismatch.exit_code == 78);
  CHECK(contains(mismatch.err, "key"));
  CHECK(contains(mismatch.err, "copy the key file"));
  CHECK_FALSE(contains(mismatch.all(), code));
  // Not counted against the person: host A still verifies on the first try.
  CHECK(hosts.value("SELECT attempts FROM challenge") == "0");
  CHECK(verify(hosts.a(), config_a, code).exit_code == 0);
}

TEST_CASE("a host without the key makes none while another host's code is "
          "live")
{
  TwoHosts hosts;
  const auto [config_a, config_b] = hosts.configure();
  const std::string code = send_code(hosts.a(), config_a);
  const auto refused = hosts.b().run({"-c", config_b, "send", "--to", k_to});
  CAPTURE(refused.err);
  CHECK(refused.exit_code == 78);
  CHECK(contains(refused.err, "key file"));
  CHECK(contains(refused.err, "live"));
  CHECK_FALSE(file_exists(hosts.b().key_file()));
  CHECK(hosts.b().outbox_count() == 0);
  // A's code was not superseded; with a copy of the key B works.
  hosts.share_key();
  CHECK(verify(hosts.b(), config_b, code).exit_code == 0);
}

TEST_CASE("a host whose clock is a day off neither expires nor extends codes")
{
  constexpr std::int64_t k_day = 86400;
  TwoHosts hosts;
  const auto [config_a, config_b] = hosts.configure();
  // Host A's clock is a day behind, host B's a day ahead.
  const auto sent =
      run_skewed(hosts.a(), {"-c", config_a, "send", "--to", k_to}, -k_day);
  CAPTURE(sent.err);
  REQUIRE(sent.exit_code == 0);
  const std::string left = hosts.value(
      "SELECT expires_at - extract(epoch FROM now())::bigint FROM challenge");
  CAPTURE(left);
  CHECK(std::stoll(left) > 200);
  CHECK(std::stoll(left) <= 300);
  hosts.share_key();
  const auto checked = run_skewed(
      hosts.b(),
      {"-c", config_b, "verify", "--to", k_to, hosts.a().last_code()},
      k_day);
  CAPTURE(checked.err);
  CHECK(checked.exit_code == 0);
}
