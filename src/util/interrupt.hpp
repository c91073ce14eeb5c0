#pragma once

// The signal that asked us to stop (SIGINT/SIGTERM), or 0. Set by the handler
// that cli installs; read by long operations such as an HTTP transfer, which
// then abort.

#include <csignal>

namespace smsotp::util {

inline volatile std::sig_atomic_t g_interrupt_signal = 0;

inline int interrupt_signal()
{
  return static_cast<int>(g_interrupt_signal);
}

} // namespace smsotp::util
