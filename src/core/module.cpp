#include "core/module.hpp"

#include "core/error.hpp"

#include <array>
#include <dlfcn.h>
#include <filesystem>
#include <map>
#include <mutex>
#include <unistd.h>

namespace smsotp::core {

namespace {

std::string executable_directory()
{
  // /proc/self/exe is the resolved path, so a symlink such as
  // /usr/local/bin/smsotp -> /opt/smsotp/bin/smsotp finds /opt's modules.
  std::array<char, 4096> buffer{};
  const auto length =
      ::readlink("/proc/self/exe", buffer.data(), buffer.size());
  if (length <= 0 || static_cast<std::size_t>(length) >= buffer.size()) {
    throw Error(ExitCode::internal,
                "cannot find the smsotp executable through /proc/self/exe, so "
                "its modules cannot be found either; is /proc mounted?");
  }
  const std::string path(buffer.data(), static_cast<std::size_t>(length));
  return path.substr(0, path.rfind('/'));
}

[[noreturn]] void
fail(const ModuleSpec& spec, const std::string& file, const std::string& why)
{
  throw Error(ExitCode::internal,
              "cannot load the module that smsotp needs to "
                  + std::string(spec.purpose) + ", " + file + ": " + why
                  + ". The module needs " + std::string(spec.library)
                  + " (Debian package " + std::string(spec.package)
                  + "): install that package, or reinstall smsotp");
}

} // namespace

std::string beside_executable(std::string_view relative)
{
  // Lexically normal ("bin/../lib" is "lib"): the directory is a resolved
  // path, so this names the real place in messages.
  return (std::filesystem::path(executable_directory()) / relative)
      .lexically_normal()
      .string();
}

std::string module_directory()
{
  return beside_executable(SMSOTP_MODULE_DIR);
}

const void* load_module(const ModuleSpec& spec, std::string_view abi)
{
  static std::mutex mutex;
  static std::map<std::string, const void*, std::less<>> loaded;
  const std::lock_guard lock(mutex);
  if (const auto it = loaded.find(spec.name); it != loaded.end()) {
    return it->second;
  }
  const std::string file =
      module_directory() + "/" + std::string(spec.name) + ".so";
  // RTLD_NOW: a missing symbol or library fails here, not in the middle of
  // a command. RTLD_LOCAL: nothing of it leaks into later lookups. The
  // handle is never closed (the libraries keep static state to the end).
  void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    fail(spec, file, why != nullptr ? why : "unknown dlopen error");
  }
  using Entry = const void* (*)(const char*);
  void* symbol = ::dlsym(handle, "smsotp_module_entry");
  if (symbol == nullptr) {
    fail(spec,
         file,
         "it has no smsotp_module_entry, so it is not an smsotp module");
  }
  const std::string abi_text(abi);
  const void* table = reinterpret_cast<Entry>(symbol)(abi_text.c_str());
  if (table == nullptr) {
    fail(spec,
         file,
         "it was built for another smsotp than this one (" SMSOTP_VERSION ")");
  }
  loaded.emplace(std::string(spec.name), table);
  return table;
}

} // namespace smsotp::core
