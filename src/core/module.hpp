#pragma once

// Optional parts of smsotp live in shared objects ("modules") that are
// loaded on first use, so that a command pays only for the libraries its
// input needs (issue 9): a verify of an E.164 number never loads
// libphonenumber, ICU or protobuf, and nothing but a PostgreSQL location
// loads libpq. The modules sit in the directory the build configured
// relative to the executable (SMSOTP_MODULE_DIR: `../lib/<multiarch>/smsotp`
// for an installed tree, the same layout under the build directory), so
// a build tree, a `cmake --install` tree and an unpacked package all work
// without settings. They resolve smsotp's own functions from the
// executable (which exports them), so there is one copy of every global.

#include <string>
#include <string_view>

namespace smsotp::core {

struct ModuleSpec
{
  std::string_view name;    // the file is NAME.so in module_directory()
  std::string_view purpose; // "parse phone numbers"
  std::string_view library; // "libphonenumber"
  std::string_view package; // the Debian package of `library`
};

// The directory modules are loaded from.
std::string module_directory();

// `relative` (a path relative to the executable's directory, as CMake
// computed it for the install layout) made absolute and normal, the way
// module_directory() finds the modules. Throws Error(internal) when the
// executable cannot be found.
std::string beside_executable(std::string_view relative);

// Loads the module once per process and returns what its entry point
// `smsotp_module_entry(abi)` returned: a table of functions whose layout
// `abi` names. Throws Error(internal) naming the file, the library and its
// package when the file is missing, cannot be loaded (a missing library,
// a broken file) or was built for another smsotp.
const void* load_module(const ModuleSpec& spec, std::string_view abi);

} // namespace smsotp::core

// The entry point every module defines.
#define SMSOTP_MODULE_ENTRY                                                    \
  extern "C" __attribute__((visibility("default"))) const void*                \
  smsotp_module_entry(const char* abi)
