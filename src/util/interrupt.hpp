#pragma once

// The signal that asked us to stop (SIGINT/SIGTERM), or 0. Set by the handler
// that cli installs; read by long operations such as an HTTP transfer, which
// then abort.

#include <csignal>

namespace smsotp::util {

// Default visibility: the modules (core/module.hpp) are built with hidden
// visibility and would otherwise read a copy of their own that the handler
// never sets; this way every reference binds to the executable's.
inline volatile std::sig_atomic_t g_interrupt_signal
    __attribute__((visibility("default"))) = 0;

inline int interrupt_signal()
{
  return static_cast<int>(g_interrupt_signal);
}

} // namespace smsotp::util
