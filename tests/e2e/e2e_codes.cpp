// How verify reads a code: argument forms, "-" for one line of stdin, and
// malformed input that is a usage error and never counts as an attempt.

#include "steps.hpp"

using namespace e2e;

namespace {

std::string grouped(const std::string& code, const std::string& separator)
{
  return code.substr(0, 3) + separator + code.substr(3);
}

} // namespace

TEST_CASE("codes with spaces dashes and a trailing newline verify")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const std::vector<std::string (*)(const std::string&)> forms{
      [](const std::string& c) { return grouped(c, " "); },
      [](const std::string& c) { return grouped(c, "-"); },
      [](const std::string& c) { return c + "\n"; },
      [](const std::string& c) { return " " + c + " "; },
      [](const std::string& c) {
        return c.substr(0, 2) + " " + c.substr(2, 2) + "-" + c.substr(4)
               + "\r\n";
      },
  };
  for (std::size_t i = 0; i < forms.size(); ++i) {
    CAPTURE(i);
    const std::string code = send_code(box, config);
    const std::string typed = forms[i](code);
    CAPTURE(typed);
    const auto result = verify(box, config, typed);
    CHECK(result.exit_code == 0);
    CHECK(result.out == "verified\n");
  }
}

TEST_CASE("a code of - reads one line from stdin")
{
  const Sandbox box;
  const std::string config = box.file_config();
  const std::string code = send_code(box, config);
  RunOptions input;
  input.stdin_text = code + "\nthis second line is not read\n";
  const auto result =
      box.run({"-c", config, "verify", "--to", k_to, "-"}, input);
  CHECK(result.exit_code == 0);
  CHECK(result.out == "verified\n");
  CHECK_FALSE(contains(result.all(), code));

  // Without a final newline, and grouped.
  const std::string next = send_code(box, config);
  input.stdin_text = grouped(next, " ");
  CHECK(box.run({"-c", config, "verify", "--to", k_to, "-"}, input).exit_code
        == 0);
}

TEST_CASE("a code of - accepts a CRLF line from stdin")
{
  // security.md B6: CRLF input is normalised like a trailing LF.
  const Sandbox box;
  const std::string config = box.file_config();
  const std::string code = send_code(box, config);
  RunOptions input;
  input.stdin_text = code + "\r\n";
  const auto result =
      box.run({"-c", config, "verify", "--to", k_to, "-"}, input);
  INFO(result.err);
  CHECK(result.exit_code == 0);
  CHECK(result.out == "verified\n");
}

TEST_CASE("verify without a code on a non-terminal stdin is a usage error")
{
  const Sandbox box;
  const std::string config = box.file_config();
  send_code(box, config);
  const auto none = box.run({"-c", config, "verify", "--to", k_to});
  CHECK(none.exit_code == 64);
  CHECK(none.out.empty());
  CHECK(contains(none.err, "no code given"));
  RunOptions empty;
  empty.stdin_text = "";
  const auto empty_line =
      box.run({"-c", config, "verify", "--to", k_to, "-"}, empty);
  CHECK(empty_line.exit_code == 64);
  CHECK(attempts_in_db(box) == 0);
}

TEST_CASE("malformed codes exit 64 and do not count as attempts")
{
  const Sandbox box;
  const std::string config = box.file_config("[otp]\nmax_attempts = 2\n");
  const std::string code = send_code(box, config);
  const std::vector<std::string> malformed{
      "12345",                // too short
      "abcdef",               // letters
      "١٢٣٤٥٦",               // Arabic-Indic digits
      "１２３４５６",         // full-width digits
      "+123456",              // a sign
      "12345\xff",            // invalid UTF-8
      std::string(1000, '1'), // far too long
      "",                     // empty
  };
  for (const auto& bad : malformed) {
    CAPTURE(bad);
    const auto result = verify(box, config, bad);
    CHECK(result.exit_code == 64);
    CHECK(result.out.empty());
    CHECK(contains(result.err, "smsotp: error: code: "));
    const auto json =
        box.run({"-c", config, "--json", "verify", "--to", k_to, bad});
    CHECK(json.exit_code == 64);
    CHECK(one_json(json)["error"]["class"] == "usage");
  }
  CHECK(attempts_in_db(box) == 0);
  // A later wrong code is attempt 1 of 2, so none of the above counted.
  const auto wrong = box.run(
      {"-c", config, "--json", "verify", "--to", k_to, wrong_code(code)});
  CHECK(wrong.exit_code == 1);
  const auto json = one_json(wrong);
  CHECK(json["attempts"] == 1);
  CHECK(json["max_attempts"] == 2);
  CHECK(json["reason"] == "mismatch");
  CHECK(attempts_in_db(box) == 1);
  CHECK(sql_value(box.db(), "SELECT consecutive_failures FROM recipient")
        == "1");
  // And the real code still works on its last attempt.
  CHECK(verify(box, config, code).exit_code == 0);
}

TEST_CASE("the attempt cap makes even the right code fail")
{
  const Sandbox box;
  const std::string config = box.file_config("[otp]\nmax_attempts = 3\n");
  const std::string code = send_code(box, config);
  for (int i = 0; i < 3; ++i) {
    CHECK(verify(box, config, wrong_code(code)).exit_code == 1);
  }
  const auto capped =
      box.run({"-c", config, "--json", "verify", "--to", k_to, code});
  CHECK(capped.exit_code == 1);
  const auto json = one_json(capped);
  CHECK(json["verified"] == false);
  CHECK(json["reason"] == "too_many_attempts");
  CHECK(json["attempts"] == 4);
}

TEST_CASE("a code with a leading zero is compared as a string")
{
  // Codes are random: send (to fresh numbers) until one starts with 0; the
  // chance that 150 sends find none is below 1e-6.
  const Sandbox box;
  const std::string config = box.file_config();
  std::string code;
  std::string to;
  for (int i = 0; i < 150 && (code.empty() || code.front() != '0'); ++i) {
    to = "+1503260" + std::to_string(1000 + i);
    code = send_code(box, config, {}, to);
  }
  REQUIRE(code.front() == '0');
  // The integer reading of the code has one digit too few: malformed.
  CHECK(verify(box, config, code.substr(1), {}, to).exit_code == 64);
  CHECK(verify(box, config, code, {}, to).exit_code == 0);
}

TEST_CASE("a 7-digit code gets the same answer with and without a live code")
{
  // 6 to 10 digits are well-formed whatever the state; a length that is not
  // the live code's is a mismatch that counts, never a usage error that
  // would tell who holds a live code.
  const Sandbox box;
  const std::string config = box.file_config("[otp]\nmax_attempts = 3\n");
  const std::string code = send_code(box, config);
  REQUIRE(code.size() == 6);
  const std::string other = "+15032600009"; // no code was sent here
  const auto live = verify(box, config, "1234567");
  const auto none = verify(box, config, "1234567", {}, other);
  CHECK(live.exit_code == 1);
  CHECK(none.exit_code == 1);
  CHECK(live.out == "verification failed\n");
  CHECK(live.out == none.out);
  CHECK(live.err == none.err);
  CHECK(attempts_in_db(box) == 1);
  const auto json = one_json(
      box.run({"-c", config, "--json", "verify", "--to", k_to, "1234567890"}));
  CHECK(json["reason"] == "mismatch");
  CHECK(json["attempts"] == 2);
  CHECK(attempts_in_db(box) == 2);
  // The third attempt is the last one the code allows, and it works.
  CHECK(verify(box, config, code).exit_code == 0);
}
