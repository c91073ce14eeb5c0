// What a script captures (issue 10 item 6): id=$(smsotp -q send ...) gets
// exactly the challenge id, purge says its summary once, and -v explains a
// failure without burying it under every setting (that is -vv).

#include "steps.hpp"

using namespace e2e;

namespace {

std::string sample_config(const Sandbox& box)
{
  const std::string text =
      read_file(std::string(SMSOTP_E2E_SOURCE_DIR) + "/sample.toml");
  REQUIRE_MESSAGE(!text.empty(), "sample.toml not found");
  return box.write_file("sample.toml", text, 0644);
}

std::size_t lines(const std::string& text)
{
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

} // namespace

TEST_CASE("id=$(smsotp -q send) with the sample outbox captures the id alone")
{
  const Sandbox box;
  const std::string config = sample_config(box);
  const auto sent = box.run({"-q", "-c", config, "send", "--to", k_to});
  INFO("stderr: " << sent.err);
  REQUIRE(sent.exit_code == 0);
  CHECK(lines(sent.out) == 1);
  CHECK(is_challenge_id(sent.out.substr(0, sent.out.size() - 1)));
  // The "SMS" still reaches the person at the terminal, on stderr, also
  // with -q (it is the delivery, not a note).
  CHECK(contains(sent.err, std::string(k_to) + "\tsmsotp: your code is "));
  CHECK(lines(sent.err) == 1);
}

TEST_CASE("providers test through the sample outbox prints one line too")
{
  const Sandbox box;
  const std::string config = sample_config(box);
  const auto tested = box.run(
      {"-q", "-c", config, "providers", "test", "outbox", "--to", k_to});
  INFO("stderr: " << tested.err);
  REQUIRE(tested.exit_code == 0);
  CHECK(lines(tested.out) == 1);
  CHECK(contains(tested.err, std::string(k_to) + "\t"));
}

TEST_CASE("purge prints its summary once, on stdout")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const std::string code = send_code(box, config);
  REQUIRE(verify(box, config, code).exit_code == 0);
  const auto purged = box.run({"-c", config, "purge"});
  CHECK(purged.exit_code == 0);
  CHECK(purged.out == "1 challenges, 0 recipient counters\n");
  CHECK(!contains(purged.err, "challenge"));
  CHECK(purged.err.empty());
}

TEST_CASE("-v explains a failure first; every setting's origin is -vv")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const std::string code = send_code(box, config);
  const auto explained = verify(box, config, wrong_code(code), {"-v"});
  INFO("stderr: " << explained.err);
  CHECK(explained.exit_code == 1);
  CHECK(explained.err.starts_with("smsotp: reason: mismatch"));
  CHECK(!contains(explained.err, "otp.ttl = "));
  CHECK(!contains(explained.err, "config file: "));
  CHECK(lines(explained.err) <= 3);

  const auto everything = verify(box, config, wrong_code(code), {"-vv"});
  CHECK(everything.exit_code == 1);
  CHECK(contains(everything.err, "config file: " + config));
  CHECK(contains(everything.err, "otp.ttl = 5m (default)"));
  CHECK(contains(everything.err, "reason: mismatch"));
  const auto spelled = verify(box, config, wrong_code(code), {"-v", "-v"});
  CHECK(contains(spelled.err, "otp.ttl = 5m (default)"));
}
