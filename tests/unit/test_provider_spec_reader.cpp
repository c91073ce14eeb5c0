// Tests for src/provider/spec_reader.cpp.

#include "core/config.hpp"
#include "provider/base/spec_reader.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

using smsotp::core::ExitCode;
using smsotp::provider::SpecReader;
using smsotp::test::catch_error;

namespace {

smsotp::core::ProviderSpec spec_from(const std::string& body)
{
  smsotp::core::Config config;
  smsotp::core::parse_config_text(config,
                                  "[provider.gw]\nkind = \"x\"\n" + body,
                                  "/etc/smsotp/c.toml",
                                  "/etc/smsotp");
  REQUIRE(config.providers.size() == 1);
  return config.providers.front();
}

} // namespace

TEST_CASE("an unknown key names its position and the likely key")
{
  const auto spec = spec_from("path = \"a\"\ntimout = \"5s\"\n");
  const auto caught = catch_error([&] {
    SpecReader reader(spec, {"path", "timeout"});
  });
  CHECK(caught.code == ExitCode::config);
  CHECK(caught.message.starts_with("/etc/smsotp/c.toml:4:10:"));
  CHECK_CONTAINS(caught.message, "'timout'");
  CHECK_CONTAINS(caught.message, "did you mean 'timeout'");
}

TEST_CASE("typed reads reject values of the wrong type")
{
  const auto spec = spec_from("name = 5\nflag = true\n");
  const SpecReader reader(spec, {"name", "flag"});
  const auto caught = catch_error([&] { reader.string("name"); });
  CHECK(caught.code == ExitCode::config);
  CHECK(caught.message.starts_with("/etc/smsotp/c.toml:3:8:"));
  CHECK_CONTAINS(caught.message, "provider.gw.name");
  CHECK_FALSE(reader.string("absent").has_value());
  CHECK(reader.string_or("absent", "dflt") == "dflt");
}

TEST_CASE("required strings must be present and non-empty")
{
  const auto spec = spec_from("empty = \"\"\n");
  const SpecReader reader(spec, {"empty", "missing"});
  for (const std::string key : {"empty", "missing"}) {
    const auto caught =
        catch_error([&] { reader.required_string(key, "a hint"); });
    CHECK(caught.code == ExitCode::config);
    CHECK_CONTAINS(caught.message, key);
    CHECK_CONTAINS(caught.message, "a hint");
  }
}

TEST_CASE("durations are 1s to 5m given as text or seconds")
{
  const auto spec = spec_from(
      "a = \"10s\"\nb = 7\nc = \"0s\"\nd = \"6m\"\ne = \"soon\"\nf = true\n");
  const SpecReader reader(spec, {"a", "b", "c", "d", "e", "f"});
  CHECK(reader.duration_ms_or("a", 1) == 10000);
  CHECK(reader.duration_ms_or("b", 1) == 7000);
  CHECK(reader.duration_ms_or("absent", 1234) == 1234);
  for (const std::string key : {"c", "d", "e", "f"}) {
    CAPTURE(key);
    CHECK(catch_error([&] { reader.duration_ms_or(key, 1); }).code
          == ExitCode::config);
  }
}

TEST_CASE("paths resolve against the config's directory")
{
  const auto spec = spec_from("rel = \"ca.pem\"\nabs = \"/x/ca.pem\"\n");
  const SpecReader reader(spec, {"rel", "abs"});
  CHECK(reader.path_or("rel", "") == "/etc/smsotp/ca.pem");
  CHECK(reader.path_or("abs", "") == "/x/ca.pem");
  CHECK(reader.path_or("none", "-") == "-");
}
