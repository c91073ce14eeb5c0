#include "cli/signals.hpp"

#include "core/error.hpp"
#include "util/interrupt.hpp"

#include <csignal>

namespace smsotp::cli {

namespace {

extern "C" void on_signal(int signal_number)
{
  util::g_interrupt_signal = signal_number;
}

} // namespace

void install_signal_handlers()
{
  struct sigaction action
  {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  // A closed stdout must not kill us after the database was updated.
  std::signal(SIGPIPE, SIG_IGN);
  // Past RLIMIT_FSIZE a write must fail with EFBIG, which the store reports
  // as a full disk (74), instead of the kernel killing us mid-transaction.
  std::signal(SIGXFSZ, SIG_IGN);
}

void check_interrupted()
{
  if (util::interrupt_signal() != 0) {
    throw Error(core::ExitCode::interrupted, "interrupted");
  }
}

void reraise_pending_signal()
{
  const int signal_number = util::interrupt_signal();
  if (signal_number == 0) {
    return;
  }
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

} // namespace smsotp::cli
