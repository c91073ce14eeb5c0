#include "core/secret.hpp"

#include "core/error.hpp"
#include "util/fs.hpp"

#include <cerrno>
#include <cstdlib>

namespace smsotp::core {

namespace {

constexpr std::size_t k_max_secret_size = std::size_t{64} * 1024;

} // namespace

std::optional<util::OpenedFile> open_existing(const std::string& path,
                                              const std::string& what)
{
  try {
    return util::open_regular(path);
  } catch (const util::FsError& error) {
    if (error.error_number() == ENOENT) {
      return std::nullopt;
    }
    throw Error(error.error_number() == EACCES ? ExitCode::permission
                                               : ExitCode::config,
                what + ": " + error.what());
  }
}

std::string SecretRef::describe() const
{
  switch (source) {
    case Source::none:
      return "not configured";
    case Source::file:
      return "file " + detail;
    case Source::environment:
      return "environment $" + detail;
    case Source::inline_value:
      return "inline in config";
  }
  return "not configured";
}

SecretRef find_secret(const ProviderSpec& spec, const std::string& name)
{
  std::vector<SecretRef> found;
  if (const auto it = spec.values.find(name + "_file");
      it != spec.values.end()) {
    found.push_back(
        {SecretRef::Source::file,
         util::resolve_relative(spec.base_directory, it->second.text),
         it->second.where});
  }
  if (const auto it = spec.values.find(name + "_env");
      it != spec.values.end()) {
    found.push_back(
        {SecretRef::Source::environment, it->second.text, it->second.where});
  }
  if (const auto it = spec.values.find(name); it != spec.values.end()) {
    found.push_back({SecretRef::Source::inline_value, "", it->second.where});
  }
  if (found.size() > 1) {
    throw Error(ExitCode::config,
                found[1].where + ": provider." + spec.name + ": " + name
                    + " is configured twice; keep one of " + name + "_file, "
                    + name + "_env, " + name);
  }
  return found.empty() ? SecretRef{} : found.front();
}

namespace {

std::string checked_secret(std::string value, const std::string& what)
{
  if (value.ends_with("\r\n")) {
    value.resize(value.size() - 2);
  } else if (value.ends_with('\n')) {
    value.pop_back();
  }
  if (value.find_first_not_of(" \t") == std::string::npos) {
    throw Error(ExitCode::config, what + " is empty");
  }
  for (const char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      throw Error(ExitCode::config, what + " contains control characters");
    }
  }
  return value;
}

} // namespace

std::string read_secret(const ProviderSpec& spec,
                        const std::string& name,
                        bool config_is_private,
                        const std::string& what)
{
  const SecretRef ref = find_secret(spec, name);
  switch (ref.source) {
    case SecretRef::Source::none:
      throw Error(ExitCode::config,
                  spec.where + ": " + what + " is not configured (set " + name
                      + "_file, " + name + "_env or, in a chmod 600 config, "
                      + name + ")");
    case SecretRef::Source::file: {
      auto file = open_existing(ref.detail, what);
      if (!file) {
        throw Error(ExitCode::config,
                    ref.where + ": " + what + ": " + ref.detail
                        + ": No such file");
      }
      if (const auto problem = util::private_file_problem(file->info);
          !problem.empty()) {
        throw Error(ExitCode::permission,
                    what + ": " + ref.detail + ": " + problem);
      }
      try {
        return checked_secret(util::read_all(file->fd.get(), k_max_secret_size),
                              what + " (" + ref.detail + ")");
      } catch (const util::FsError& error) {
        throw Error(ExitCode::config,
                    what + ": " + ref.detail + ": " + error.what());
      }
    }
    case SecretRef::Source::environment: {
      const char* value = std::getenv(ref.detail.c_str());
      if (value == nullptr) {
        throw Error(ExitCode::config,
                    what + ": environment variable " + ref.detail
                        + " is not set");
      }
      return checked_secret(value, what + " ($" + ref.detail + ")");
    }
    case SecretRef::Source::inline_value:
      // cli::make_context refuses a readable config that holds a secret
      // inline before any provider exists, with the one user-facing
      // message for that; reaching here with one is a bug, not a
      // configuration the user can fix.
      if (!config_is_private) {
        throw Error(ExitCode::internal,
                    ref.where + ": " + what
                        + ": internal error: inline secret read from a "
                          "config that was not checked as private");
      }
      return checked_secret(spec.values.at(name).text, what);
  }
  return {};
}

} // namespace smsotp::core
