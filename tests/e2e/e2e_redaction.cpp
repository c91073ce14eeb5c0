// The redaction sweep: a batch of commands over every kind, with -v and
// --json, against happy fakes and against hostile ones that echo the
// request (credentials, number, code) in their error bodies. No output may
// hold a canary secret, a Basic value built from one, a code any fake
// received, or (outside --dry-run, which shows the request) the full
// number. SSLKEYLOGFILE is refused with a warning.

#include "provider_kinds.hpp"
#include "steps.hpp"

using namespace e2e;

namespace {

// An error answer that quotes everything the request carried.
Handler hostile(int status)
{
  return [status](const Recorded& request) {
    const nlohmann::json quoted{{"request", request.body},
                                {"authorization", request.authorization},
                                {"query", request.query},
                                {"code", 21211},
                                {"errors",
                                 {{{"code", "10002"},
                                   {"detail", request.body},
                                   {"description", request.body}}}}};
    return Answer{status, quoted.dump()};
  };
}

struct Sweep
{
  std::string outputs;            // everything but --dry-run
  std::string dry_outputs;        // --dry-run shows the request by design
  std::vector<std::string> codes; // every code a fake received

  void add(const Result& result)
  {
    CHECK(result.exit_code != 70);
    outputs += result.out + "\n" + result.err + "\n";
  }

  void collect(const FakeProvider& fake)
  {
    for (const auto& request : fake.requests()) {
      const std::string code = code_in(request);
      if (!code.empty()) {
        codes.push_back(code);
      }
    }
  }
};

void check_absent(const std::string& what,
                  const std::string& text,
                  const std::vector<std::string>& needles)
{
  for (const auto& needle : needles) {
    CAPTURE(what);
    CAPTURE(needle);
    CHECK_FALSE(contains(text, needle));
  }
}

} // namespace

TEST_CASE("no token, Basic value, code or full number in any output")
{
  const Sandbox box;
  // Eight digits: no accidental match inside a timestamp or an id.
  const std::string otp = "[otp]\nlength = 8\n";
  const KindFakes happy(http_kinds());
  const std::string config = kinds_config(box, happy.setups, otp);
  Sweep sweep;
  const auto run = [&box](const std::string& cfg,
                          const std::vector<std::string>& args) {
    std::vector<std::string> argv{"-c", cfg};
    argv.insert(argv.end(), args.begin(), args.end());
    return box.run(argv);
  };
  for (const auto& kind : http_kinds()) {
    CAPTURE(kind);
    const auto& fake = happy.fake(kind);
    const auto sent =
        run(config, {"-vv", "send", "--to", k_to, "--provider", kind});
    CHECK(sent.exit_code == 0);
    sweep.add(sent);
    const std::string code = code_in(fake.requests().back());
    CHECK(code.size() == 8);
    sweep.add(verify(box, config, code, {"-v"}));
    sweep.add(verify(box, config, code, {"-v", "--json"}));
    sweep.add(run(config,
                  {"-v", "--json", "send", "--to", k_to, "--provider", kind}));
    sweep.add(run(config, {"-vv", "providers", "check", kind}));
    sweep.add(run(config, {"-vv", "--json", "providers", "check", kind}));
    sweep.add(run(config, {"-vv", "providers", "test", kind, "--to", k_to}));
    sweep.add(run(config,
                  {"-vv", "--json", "providers", "test", kind, "--to", k_to}));
    for (const auto& flags :
         std::vector<std::vector<std::string>>{{"-v"}, {"-v", "--json"}}) {
      std::vector<std::string> args = flags;
      args.insert(args.end(),
                  {"send", "--to", k_to, "--provider", kind, "--dry-run"});
      const auto dry = run(config, args);
      CHECK(dry.exit_code == 0);
      sweep.dry_outputs += dry.all();
    }
  }
  for (const auto& kind : http_kinds()) {
    sweep.collect(happy.fake(kind));
  }
  sweep.add(run(config, {"-vv", "providers"}));
  sweep.add(run(config, {"-vv", "--json", "providers"}));

  // Hostile fakes: rejections and unknown outcomes whose bodies quote the
  // request.
  for (const int status : {400, 401, 500}) {
    CAPTURE(status);
    std::vector<std::unique_ptr<FakeProvider>> fakes;
    std::vector<KindSetup> setups;
    for (const auto& kind : http_kinds()) {
      fakes.push_back(std::make_unique<FakeProvider>(hostile(status)));
      setups.push_back(
          {kind, kind, fakes.back()->base_url(), "", "retries = 0\n"});
    }
    const std::string bad = kinds_config(box, setups, otp, "hostile.toml");
    for (const auto& kind : http_kinds()) {
      sweep.add(run(bad, {"-vv", "send", "--to", k_to, "--provider", kind}));
      sweep.add(run(
          bad, {"-vv", "--json", "send", "--to", k_to, "--provider", kind}));
      sweep.add(run(bad, {"-vv", "providers", "check", kind}));
      sweep.add(run(bad, {"-vv", "providers", "test", kind, "--to", k_to}));
    }
    for (const auto& fake : fakes) {
      // 2 sends + 1 check + 1 test each: the hostile answers were seen.
      CHECK(fake->request_count() == 4);
      sweep.collect(*fake);
    }
  }

  REQUIRE(sweep.codes.size() >= 2 * http_kinds().size());
  const auto canaries = all_canaries();
  check_absent("outputs", sweep.outputs, canaries);
  check_absent("outputs", sweep.outputs, sweep.codes);
  check_absent("outputs", sweep.outputs, {"Basic "});
  check_absent("outputs", sweep.outputs, {k_to, std::string(k_to).substr(1)});
  check_absent("dry-run outputs", sweep.dry_outputs, canaries);
  check_absent("dry-run outputs", sweep.dry_outputs, sweep.codes);
  // The canaries are real: the fakes did receive them.
  for (const auto& kind : http_kinds()) {
    CHECK(has_credentials(kind, happy.fake(kind).requests().front()));
  }
  // Nor does the database hold any of it.
  const std::string db = read_file(box.db()) + read_file(box.db() + "-wal");
  check_absent("database", db, canaries);
  check_absent("database", db, sweep.codes);
}

TEST_CASE("SSLKEYLOGFILE is ignored with a warning and never written")
{
  const Sandbox box;
  const auto cert = make_test_cert(box);
  const FakeProvider fake(kind_handler("plivo"), &cert);
  const std::string config = kinds_config(
      box, {{"plivo", "plivo", fake.base_url(), cert.cert, "retries = 0\n"}});
  const std::string keylog = box.path("tls-keys.log");
  RunOptions options;
  options.env = {"SSLKEYLOGFILE=" + keylog};
  const std::string warning = "SSLKEYLOGFILE was ignored";
  const auto sent = box.run({"-c", config, "send", "--to", k_to}, options);
  CAPTURE(sent.err);
  CHECK(sent.exit_code == 0);
  CHECK(contains(sent.err, "warning: " + warning));
  const auto checked = box.run({"-c", config, "providers", "check"}, options);
  CHECK(checked.exit_code == 0);
  CHECK(contains(checked.err, warning));
  const auto tested = box.run(
      {"-c", config, "providers", "test", "plivo", "--to", k_to}, options);
  CHECK(tested.exit_code == 0);
  CHECK(contains(tested.err, warning));
  CHECK(fake.request_count() == 3);
  CHECK_FALSE(file_exists(keylog));
  // Without it there is no warning.
  const auto plain = box.run({"-c", config, "send", "--to", k_to});
  CHECK(plain.exit_code == 0);
  CHECK_FALSE(contains(plain.err, "SSLKEYLOGFILE"));
}
