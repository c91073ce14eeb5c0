#pragma once

// Shared by the fuzz targets (one LLVMFuzzerTestOneInput per file). Each
// target is built twice: with replay_main.cpp into an ordinary program that
// runs the checked-in corpus (every build, no clang needed), and, with
// SMSOTP_FUZZ=ON under clang, against libFuzzer.
//
// Rules for targets: no network (answers are fed to the parsers through
// HttpProvider::send_outcome/check_outcome, requests only described), no
// writes outside the private temporary directory below. An expected
// rejection is smsotp::Error; any other exception, a crash or a broken
// invariant is a finding and aborts (fuzz_fail).

#include "core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size);

namespace smsotp::fuzz {

// Multi-part inputs separate their parts with this line, so that seeds
// stay readable text: "part one\n%%\npart two".
constexpr std::string_view k_separator = "\n%%\n";

// Splits `data` at k_separator into at most `max_parts` parts (the last
// one keeps any further separators). Missing parts are empty.
std::vector<std::string> split_parts(std::string_view data,
                                     std::size_t max_parts);

// The first line of `text` (without '\n'); `rest` receives what follows.
std::string first_line(std::string_view text, std::string& rest);

// A directory private to this process (mode 0700) under $TMPDIR or /tmp,
// removed with its files at exit.
const std::string& temp_dir();

// Writes `content` to `name` in temp_dir() with `mode`; returns the path.
std::string write_temp_file(const std::string& name,
                            std::string_view content,
                            unsigned mode = 0600);

// Reports a broken invariant with the input's target name and aborts, so
// that libFuzzer keeps the input and the replay test fails.
[[noreturn]] void fuzz_fail(const char* target, const std::string& what);

// Runs `body`. smsotp::Error is an expected rejection, unless its class is
// "internal" (70, a bug by definition); anything else thrown is a finding.
template<typename Body> void expect_only_errors(const char* target, Body body)
{
  try {
    body();
  } catch (const smsotp::Error& error) {
    if (error.code() == core::ExitCode::internal) {
      fuzz_fail(target, std::string("internal error: ") + error.what());
    }
  } catch (const std::exception& error) {
    fuzz_fail(target,
              std::string("exception other than smsotp::Error escaped (the "
                          "CLI would exit 70): ")
                  + error.what());
  }
}

} // namespace smsotp::fuzz
