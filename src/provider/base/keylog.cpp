#include "provider/base/keylog.hpp"

#include <cstdlib>

namespace smsotp::provider {

namespace {

bool g_keylog_removed = false;

} // namespace

void drop_keylog_file()
{
  if (std::getenv("SSLKEYLOGFILE") != nullptr) {
    // Only the first call finds it set, and every command makes that call
    // before it starts a second thread (send.cpp); later calls change nothing.
    ::unsetenv("SSLKEYLOGFILE"); // NOLINT(concurrency-mt-unsafe)
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
