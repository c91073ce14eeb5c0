#include "provider/base/keylog.hpp"

#include <cstdlib>

namespace smsotp::provider {

namespace {

bool g_keylog_removed = false;

} // namespace

void drop_keylog_file()
{
  if (std::getenv("SSLKEYLOGFILE") != nullptr) {
    ::unsetenv("SSLKEYLOGFILE");
    g_keylog_removed = true;
  }
}

bool take_keylog_warning()
{
  const bool removed = g_keylog_removed;
  g_keylog_removed = false;
  return removed;
}

} // namespace smsotp::provider
