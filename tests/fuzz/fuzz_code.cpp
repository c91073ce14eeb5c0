// Code normaliser (what a person typed at `verify`). A result must be 6-10
// ASCII digits and a fixed point; everything else a usage error (64).

#include "core/otp.hpp"
#include "fuzz_support.hpp"

#include <algorithm>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size)
{
  using namespace smsotp;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz::expect_only_errors("code", [&] {
    const auto code = core::normalize_code(text);
    const bool digits = std::all_of(
        code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || code.size() < core::k_min_code_length
        || code.size() > core::k_max_code_length) {
      fuzz::fuzz_fail("code", "normalize_code returned \"" + code + "\"");
    }
    if (core::normalize_code(code) != code) {
      fuzz::fuzz_fail("code", "normalize_code is not idempotent");
    }
  });
  return 0;
}
