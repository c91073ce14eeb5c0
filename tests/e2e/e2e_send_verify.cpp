// The README flow (sample.toml), then the basic send -> verify rules:
// consumed once, wrong codes, supersede, --id and --purpose binding.

#include "steps.hpp"

#include <regex>

using namespace e2e;

namespace {

std::string sample_toml()
{
  const std::string text =
      read_file(std::string(SMSOTP_E2E_SOURCE_DIR) + "/sample.toml");
  REQUIRE_MESSAGE(!text.empty(), "sample.toml not found");
  return text;
}

// sample.toml with its `file` provider appending to the outbox instead of
// writing to stdout; everything else as shipped.
std::string sample_with_outbox(const Sandbox& box)
{
  const std::string text = sample_toml();
  const std::string from = "path = \"-\"";
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  std::string changed = text;
  changed.replace(at, from.size(), "path = \"" + box.outbox() + "\"");
  return box.write_file("sample.toml", changed, 0644);
}

} // namespace

TEST_CASE("readme flow with the shipped sample.toml delivering to stderr")
{
  const Sandbox box;
  const std::string config = box.write_file("sample.toml", sample_toml(), 0644);
  const auto sent = box.run({"--config", config, "send", "--to", k_to});
  INFO(sent.err);
  REQUIRE(sent.exit_code == 0);
  // stdout is the challenge id alone, so that id=$(smsotp send ...) works;
  // the file provider with path "-" writes the message to stderr, before
  // send's note.
  CHECK(is_challenge_id(sent.out.substr(0, sent.out.size() - 1)));
  CHECK(sent.out.size() == 28);
  std::smatch match;
  static const std::regex k_flow(
      R"(^\+15033234567\tsmsotp: your code is ([0-9]{6})\. It expires in 5 )"
      R"(min\. Do not share it\.\n)"
      R"(smsotp: sent to \+15\*\*\*\*\*\*\*67 via outbox; expires in 5m\n$)");
  REQUIRE(std::regex_match(sent.err, match, k_flow));
  const std::string code = match[1].str();
  // No store.database in sample.toml: the state lives under XDG_STATE_HOME.
  CHECK(file_exists(box.path("home/.local/state/smsotp/state.db")));
  CHECK(file_exists(box.path("home/.local/state/smsotp/smsotp.key")));

  const auto wrong = verify(box, config, wrong_code(code));
  CHECK(wrong.exit_code == 1);
  CHECK(wrong.out == "verification failed\n");
  const auto first = verify(box, config, code);
  CHECK(first.exit_code == 0);
  CHECK(first.out == "verified\n");
  const auto second = verify(box, config, code);
  CHECK(second.exit_code == 1);
  CHECK(second.out == "verification failed\n");
  const auto malformed = verify(box, config, "12345");
  CHECK(malformed.exit_code == 64);
  CHECK(malformed.out.empty());
}

TEST_CASE("readme flow with sample.toml and a file outbox")
{
  const Sandbox box;
  const std::string config = sample_with_outbox(box);
  const auto sent = box.run({"-c", config, "send", "--to", k_to});
  INFO(sent.err);
  REQUIRE(sent.exit_code == 0);
  CHECK(is_challenge_id(sent.out.substr(0, sent.out.size() - 1)));
  CHECK(sent.err == "smsotp: sent to +15*******67 via outbox; expires in 5m\n");
  CHECK(box.outbox_count() == 1);
  const std::string code = box.last_code();
  REQUIRE(code.size() == 6);
  CHECK_FALSE(contains(sent.all(), code));

  for (const std::string bad : {"12345", "abcdef", "١٢٣٤٥٦"}) {
    CAPTURE(bad);
    const auto malformed = verify(box, config, bad);
    CHECK(malformed.exit_code == 64);
    CHECK(malformed.out.empty());
    CHECK(contains(malformed.err, "smsotp: error: code: "));
  }
  const auto wrong = verify(box, config, wrong_code(code));
  CHECK(wrong.exit_code == 1);
  CHECK(wrong.out == "verification failed\n");
  CHECK(wrong.err.empty());
  const auto first = verify(box, config, code);
  CHECK(first.exit_code == 0);
  CHECK(first.out == "verified\n");
  CHECK(first.err.empty());
  const auto second = verify(box, config, code);
  CHECK(second.exit_code == 1);
  CHECK(second.out == "verification failed\n");
  const auto reason = verify(box, config, code, {"-v"});
  CHECK(reason.exit_code == 1);
  CHECK(contains(reason.err, "smsotp: reason: used"));
}

TEST_CASE("every kind of rejection prints the same words")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const std::string code = send_code(box, config);
  // mismatch, unknown recipient, consumed: identical stdout and stderr.
  const auto mismatch = verify(box, config, wrong_code(code));
  const auto unknown = verify(box, config, code, {}, "+15032600001");
  CHECK(verify(box, config, code).exit_code == 0);
  const auto used = verify(box, config, code);
  for (const auto* result : {&mismatch, &unknown, &used}) {
    CHECK(result->exit_code == 1);
    CHECK(result->out == "verification failed\n");
    CHECK(result->err.empty());
  }
  const auto unknown_verbose =
      verify(box, config, code, {"--verbose"}, "+15032600001");
  CHECK(unknown_verbose.exit_code == 1);
  CHECK(contains(unknown_verbose.err, "smsotp: reason: not_found"));
}

TEST_CASE("verify before any send fails without creating a database")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const auto result = verify(box, config, "123456", {"-v"});
  CHECK(result.exit_code == 1);
  CHECK(result.out == "verification failed\n");
  CHECK(contains(result.err, "reason: not_found"));
  CHECK_FALSE(file_exists(box.db()));
}

TEST_CASE("a second send supersedes the first code")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const std::string first = send_code(box, config);
  const auto again = box.run({"-c", config, "send", "--to", k_to});
  REQUIRE(again.exit_code == 0);
  CHECK(contains(again.err, "the previous code no longer works"));
  const std::string second = box.last_code();
  REQUIRE(box.outbox_count() == 2);
  if (first == second) {
    return; // one chance in a million: nothing to tell apart
  }
  const auto old_code = verify(box, config, first, {"-v"});
  CHECK(old_code.exit_code == 1);
  CHECK(old_code.out == "verification failed\n");
  CHECK(verify(box, config, second).exit_code == 0);
  CHECK(sql_value(box.db(),
                  "SELECT group_concat(state, ',') FROM (SELECT state FROM "
                  "challenge ORDER BY rowid)")
        == "superseded,consumed");
}

TEST_CASE("verify with --id binds the code to that challenge")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const auto sent = box.run({"-c", config, "send", "--to", k_to});
  REQUIRE(sent.exit_code == 0);
  const std::string id = sent.out.substr(0, 27);
  const std::string code = box.last_code();
  const auto other = box.run({"-c",
                              config,
                              "-v",
                              "verify",
                              "--to",
                              k_to,
                              "--id",
                              "ch_000000000000000000000000",
                              code});
  CHECK(other.exit_code == 1);
  CHECK(contains(other.err, "reason: not_found"));
  const auto right =
      box.run({"-c", config, "verify", "--to", k_to, "--id", id, code});
  CHECK(right.exit_code == 0);
  CHECK(right.out == "verified\n");
}

TEST_CASE("a code only verifies for its recipient and purpose")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const std::string code =
      send_code(box, config, {"--purpose", "wire-transfer"});
  const auto default_purpose = verify(box, config, code, {"-v"});
  CHECK(default_purpose.exit_code == 1);
  CHECK(contains(default_purpose.err, "reason: not_found"));
  const auto other_number = box.run({"-c",
                                     config,
                                     "verify",
                                     "--to",
                                     "+15037654321",
                                     "--purpose",
                                     "wire-transfer",
                                     code});
  CHECK(other_number.exit_code == 1);
  const auto right = box.run({"-c",
                              config,
                              "verify",
                              "--to",
                              k_to,
                              "--purpose",
                              "wire-transfer",
                              code});
  CHECK(right.exit_code == 0);
  CHECK(right.out == "verified\n");
}

TEST_CASE("send --length sets the number of digits")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const std::string code = send_code(box, config, {"--length", "10"});
  CHECK(code.size() == 10);
  // A 6-digit code against a 10-digit challenge is well-formed and wrong
  // (the answer must not reveal the live code's length).
  const auto short_code = verify(box, config, code.substr(0, 6));
  CHECK(short_code.exit_code == 1);
  CHECK(attempts_in_db(box) == 1);
  CHECK(verify(box, config, code).exit_code == 0);
}
