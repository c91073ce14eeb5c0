#include "util/fs_dir.hpp"

#include "util/fs.hpp"

#include <climits>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <unistd.h>
#include <utility>
#include <vector>

namespace smsotp::util {

namespace {

std::string absolute(const std::string& path)
{
  if (path.starts_with('/')) {
    return path;
  }
  std::array<char, PATH_MAX> cwd{};
  if (::getcwd(cwd.data(), cwd.size()) == nullptr) {
    return path;
  }
  return std::string(cwd.data()) + "/" + path;
}

// `directory` and each one above it, up to "/".
void add_chain(std::vector<std::string>& chain, std::string directory)
{
  while (true) {
    chain.push_back(directory);
    if (directory == "/" || directory == ".") {
      return;
    }
    directory = parent_directory(directory);
  }
}

std::string resolved(const std::string& path)
{
  const std::unique_ptr<char, decltype(&std::free)> real(
      ::realpath(path.c_str(), nullptr), &std::free);
  return real ? std::string(real.get()) : std::string();
}

} // namespace

std::string directory_problem(const struct stat& info)
{
  if (info.st_uid != 0 && info.st_uid != ::geteuid()) {
    return "owned by uid " + std::to_string(info.st_uid)
           + ", not by you or root, who can replace what is in it";
  }
  if ((info.st_mode & 022U) != 0 && (info.st_mode & S_ISVTX) == 0) {
    return "permissions " + mode_string(info.st_mode)
           + " let group or others replace what is in it";
  }
  return {};
}

std::optional<UnsafeDirectory>
first_unsafe_directory_above(const std::string& path)
{
  std::vector<std::string> chain;
  add_chain(chain, parent_directory(absolute(path)));
  if (const auto real = resolved(path); !real.empty()) {
    add_chain(chain, parent_directory(real));
  }
  for (const auto& directory : chain) {
    struct stat info
    {};
    if (::stat(directory.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
      continue;
    }
    if (auto problem = directory_problem(info); !problem.empty()) {
      return UnsafeDirectory{directory, std::move(problem)};
    }
  }
  return std::nullopt;
}

std::string unsafe_directory_above(const std::string& path)
{
  const auto unsafe = first_unsafe_directory_above(path);
  return unsafe ? "directory " + unsafe->directory + ": " + unsafe->problem
                : std::string();
}

} // namespace smsotp::util
