// Replays fuzz inputs without libFuzzer: every file in each directory (or
// each file) given on the command line goes through the target's
// LLVMFuzzerTestOneInput once, in name order. A crash or a broken invariant
// aborts, and the last "replaying" line names the input. This is how every
// build (GCC, no clang) runs the corpora as ordinary tests.

#include "fuzz_support.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

std::vector<std::uint8_t> read_file(const std::filesystem::path& path)
{
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

int main(int argc, char** argv)
{
  namespace fs = std::filesystem;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR_OR_FILE...\n", argv[0]);
    return 64;
  }
  std::size_t count = 0;
  for (int i = 1; i < argc; ++i) {
    std::vector<fs::path> inputs;
    const fs::path arg(argv[i]);
    if (fs::is_directory(arg)) {
      for (const auto& entry : fs::directory_iterator(arg)) {
        if (entry.is_regular_file()) {
          inputs.push_back(entry.path());
        }
      }
      std::sort(inputs.begin(), inputs.end());
    } else if (fs::is_regular_file(arg)) {
      inputs.push_back(arg);
    } else {
      std::fprintf(stderr, "%s: no such file or directory\n", argv[i]);
      return 66;
    }
    for (const auto& input : inputs) {
      std::fprintf(stderr, "replaying %s\n", input.c_str());
      const auto data = read_file(input);
      LLVMFuzzerTestOneInput(data.data(), data.size());
      ++count;
    }
  }
  if (count == 0) {
    std::fprintf(stderr, "no input found: the corpus is missing\n");
    return 66;
  }
  std::printf("%zu inputs replayed, no finding\n", count);
  return 0;
}
