#pragma once

// What this build of smsotp is made of, for `smsotp --version` and bug
// reports. OpenSSL is linked into the executable, so its version is asked
// at run time (what actually runs). The libraries of the modules
// (core/module.hpp) are reported as they were when smsotp was built:
// asking them at run time would load the module and its libraries, and
// `--version` must stay as fast as the executable's start (issue 9).

#include <string>

namespace smsotp::core {

struct BuildInfo
{
  std::string version;     // "0.1.0"
  std::string commit;      // abbreviated git commit, "-dirty", or "unknown"
  std::string build_type;  // CMake's build type: "Release", "Debug", ...
  std::string openssl;     // in use: "3.0.17"
  std::string curl;        // built against (the http module)
  std::string phonenumber; // built against (the phone module); its metadata
                           // ships inside the library, so this is the
                           // metadata version too
  std::string libpq;       // built against (the postgresql module)
};

BuildInfo build_info();

} // namespace smsotp::core
