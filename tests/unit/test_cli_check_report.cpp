// Tests for src/cli/check_report.cpp: the escaping that keeps the JUnit
// report well-formed and the GitHub annotations one line each, whatever
// text a provider's answer put into a detail.

#include "cli/check_report.hpp"

#include <doctest/doctest.h>

using smsotp::cli::CheckEntry;
using smsotp::cli::github_annotations;
using smsotp::cli::junit_report;
using smsotp::cli::parse_amount;
using smsotp::cli::xml_escape;
using Status = smsotp::core::CheckResult::Status;

namespace {

CheckEntry failed_entry(const std::string& detail)
{
  CheckEntry entry;
  entry.name = "sms";
  entry.kind = "twilio";
  entry.status = Status::unexpected_answer;
  entry.detail = detail;
  entry.latency_ms = 1234;
  entry.exit_code = 69;
  return entry;
}

} // namespace

TEST_CASE("xml_escape: markup characters become entities")
{
  CHECK(xml_escape(R"(a<b>&"c'd)") == "a&lt;b&gt;&amp;&quot;c&apos;d");
  CHECK(xml_escape("]]>") == "]]&gt;");
}

TEST_CASE("xml_escape: tab, LF and CR survive attribute normalisation")
{
  CHECK(xml_escape("a\tb\nc\rd") == "a&#9;b&#10;c&#13;d");
}

TEST_CASE("xml_escape: characters XML 1.0 cannot carry become U+FFFD")
{
  const std::string replacement = "\xEF\xBF\xBD";
  CHECK(xml_escape(std::string("a\0b", 3)) == "a" + replacement + "b");
  CHECK(xml_escape("\x1b[31m") == replacement + "[31m");
  CHECK(xml_escape("\xff") == replacement); // not UTF-8
  CHECK(xml_escape("\xc3") == replacement); // truncated sequence
  CHECK(xml_escape("\xc0\xaf") == replacement + replacement); // overlong
  CHECK(xml_escape("\xed\xa0\x80")
        == replacement + replacement + replacement); // a surrogate
  CHECK(xml_escape("\xef\xbf\xbe")
        == replacement + replacement + replacement); // U+FFFE
}

TEST_CASE("xml_escape: valid UTF-8 is kept")
{
  CHECK(xml_escape("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xb1")
        == "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xb1");
}

TEST_CASE("junit_report: counts, time in seconds and an escaped failure")
{
  CheckEntry good;
  good.name = "backup";
  good.kind = "plivo";
  good.latency_ms = 50;
  const auto xml = junit_report({good, failed_entry("<html> & \"x\"")}, 2500);
  CHECK(xml.find("tests=\"2\" failures=\"1\" errors=\"0\" time=\"2.500\"")
        != std::string::npos);
  CHECK(xml.find("<testcase classname=\"smsotp.providers.plivo\" "
                 "name=\"backup\" time=\"0.050\">")
        != std::string::npos);
  CHECK(xml.find("<failure type=\"unexpected_answer\" "
                 "message=\"&lt;html&gt; &amp; &quot;x&quot;\">")
        != std::string::npos);
  CHECK(xml.find("<html>") == std::string::npos);
}

TEST_CASE("github_annotations: one line per failure, escaped as workflow "
          "commands require")
{
  CheckEntry good;
  good.name = "backup";
  good.kind = "plivo";
  const auto lines =
      github_annotations({good, failed_entry("50% off\r\nnext: line, more")});
  REQUIRE(lines.size() == 1);
  CHECK(lines[0]
        == "::error title=smsotp providers check%3A sms::sms (twilio): "
           "unexpected_answer: 50%25 off%0D%0Anext: line, more");
}

TEST_CASE("parse_amount: decimals and JSON numbers only")
{
  CHECK(parse_amount("12.34").value_or(0) == doctest::Approx(12.34));
  CHECK(parse_amount("-0.5").value_or(0) == doctest::Approx(-0.5));
  CHECK(parse_amount("1e2").value_or(0) == doctest::Approx(100.0));
  CHECK_FALSE(parse_amount(""));
  CHECK_FALSE(parse_amount("12,34"));
  CHECK_FALSE(parse_amount("inf"));
  CHECK_FALSE(parse_amount("nan"));
  CHECK_FALSE(parse_amount("1.2.3"));
  CHECK_FALSE(parse_amount("1e999"));
}
