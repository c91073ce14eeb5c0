// Tests for src/message/template.cpp.

#include "core/config.hpp"
#include "core/otp.hpp"
#include "message/template.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

using smsotp::core::ExitCode;
using smsotp::message::render;
using smsotp::message::TemplateValues;
using smsotp::message::validate_template;
using smsotp::test::catch_error;

TEST_CASE("render fills every placeholder")
{
  const TemplateValues values{"042424", "Acme", 300, "login"};
  CHECK(render("{app}: {code} for {purpose}, {ttl_minutes} min", values)
        == "Acme: 042424 for login, 5 min");
  CHECK(render("{code}", values) == "042424");
}

TEST_CASE("ttl_minutes rounds up")
{
  TemplateValues values{"123456", "A", 90, "p"};
  CHECK(render("{code} {ttl_minutes}", values) == "123456 2");
  values.ttl_seconds = 30;
  CHECK(render("{code} {ttl_minutes}", values) == "123456 1");
  values.ttl_seconds = 600;
  CHECK(render("{code} {ttl_minutes}", values) == "123456 10");
}

TEST_CASE("double braces write literal braces")
{
  const TemplateValues values{"123456", "Acme", 300, "login"};
  validate_template("{{code}} is {code}", "");
  CHECK(render("{{code}} is {code}", values) == "{code} is 123456");
  CHECK(render("{{{code}}}", values) == "{123456}");
}

TEST_CASE("the default template is valid and contains the code")
{
  const smsotp::core::Config config;
  validate_template(config.message_template.value, "");
  const TemplateValues values{"987654", "smsotp", 300, "login"};
  const auto text = render(config.message_template.value, values);
  CHECK_CONTAINS(text, "987654");
  CHECK_CONTAINS(text, "5 min");
}

TEST_CASE("validate_template rejects bad templates as config errors")
{
  const std::vector<std::pair<std::string, std::string>> table{
      {"no code here", "found 0"},
      {"{code} and {code}", "found 2"},
      {"{{code}}", "found 0"},
      {"{code} {codes}", "{codes}"},
      {"{code} {oops}", "{oops}"},
      {"{code} {", "unclosed"},
      {"{code", "unclosed"},
      {"code} {code}", "unmatched"},
  };
  for (const auto& item : table) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& text = std::get<0>(item);
    const auto& why = std::get<1>(item);
    CAPTURE(text);
    const auto caught =
        catch_error([&] { validate_template(text, "c.toml:9:12"); });
    CHECK(caught.thrown);
    CHECK(caught.code == ExitCode::config);
    CHECK(caught.message.starts_with("c.toml:9:12: message.template: "));
    CHECK_CONTAINS(caught.message, why);
  }
}

TEST_CASE("validate_template names the key it checks")
{
  const auto caught = catch_error([&] {
    validate_template("no code", "c.toml:4:6", "message.templates.de");
  });
  CHECK(caught.code == ExitCode::config);
  CHECK(caught.message.starts_with("c.toml:4:6: message.templates.de: "));
  CHECK_CONTAINS(caught.message, "found 0");
}

TEST_CASE("validate_template rejects text that is not UTF-8")
{
  // TOML guarantees UTF-8, the environment does not.
  const auto caught = catch_error(
      [&] { validate_template("{code} \xff", "SMSOTP_MESSAGE_TEMPLATE"); });
  CHECK(caught.code == ExitCode::config);
  CHECK(caught.message.starts_with(
      "SMSOTP_MESSAGE_TEMPLATE: message.template: not valid UTF-8 at byte 7"));
  validate_template("{app}: Ihr Code lautet {code} 🙂", "");
}

TEST_CASE("group_code splits into threes and never leaves one digit alone")
{
  using smsotp::message::group_code;
  CHECK(group_code("123456") == "123 456");
  CHECK(group_code("1234567") == "123 45 67");
  CHECK(group_code("12345678") == "123 456 78");
  CHECK(group_code("123456789") == "123 456 789");
  CHECK(group_code("1234567890") == "123 456 78 90");
  CHECK(group_code("******") == "*** ***");
  CHECK(group_code("12345") == "12345");
  for (std::size_t length = 6; length <= 10; ++length) {
    const std::string code(length, '7');
    const auto grouped = group_code(code);
    CAPTURE(grouped);
    CHECK(smsotp::core::normalize_code(grouped) == code);
    CHECK_NOT_CONTAINS(" " + grouped + " ", " 7 ");
  }
}
