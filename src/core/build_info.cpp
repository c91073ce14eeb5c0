#include "core/build_info.hpp"

// SMSOTP_GIT_COMMIT: written at every build by cmake/git_commit.cmake.
#include "smsotp_commit.h"

#include <openssl/crypto.h>

// The other values come from src/CMakeLists.txt, set on this file only.
#ifndef SMSOTP_BUILD_TYPE
#error "SMSOTP_BUILD_TYPE is set by src/CMakeLists.txt"
#endif

namespace smsotp::core {

BuildInfo build_info()
{
  return {SMSOTP_VERSION,
          SMSOTP_GIT_COMMIT,
          SMSOTP_BUILD_TYPE,
          OpenSSL_version(OPENSSL_VERSION_STRING),
          SMSOTP_CURL_VERSION,
          SMSOTP_PHONENUMBER_VERSION,
          SMSOTP_LIBPQ_VERSION};
}

} // namespace smsotp::core
