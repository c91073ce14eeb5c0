// Duration parser ("30s", "1h30m", bare seconds). A parsed value must be
// non-negative and survive format_duration -> parse_duration unchanged.

#include "core/duration.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size)
{
  using namespace smsotp;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz::expect_only_errors("duration", [&] {
    const auto seconds = core::parse_duration(text);
    if (!seconds) {
      return;
    }
    if (*seconds < 0) {
      fuzz::fuzz_fail("duration", "negative duration");
    }
    const auto shown = core::format_duration(*seconds);
    if (core::parse_duration(shown) != seconds) {
      fuzz::fuzz_fail("duration",
                      "format_duration(" + std::to_string(*seconds) + ") = \""
                          + shown + "\" does not parse back");
    }
  });
  return 0;
}
