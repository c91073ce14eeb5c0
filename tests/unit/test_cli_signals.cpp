// Tests for src/cli/signals.cpp.

#include "cli/signals.hpp"
#include "testutil.hpp"
#include "util/interrupt.hpp"

#include <doctest/doctest.h>

#include <array>
#include <csignal>

using smsotp::core::ExitCode;
using smsotp::test::catch_error;

namespace {

// Saves and restores the dispositions install_signal_handlers changes.
class SavedHandlers
{
public:
  SavedHandlers()
  {
    for (std::size_t i = 0; i < k_signals.size(); ++i) {
      ::sigaction(k_signals[i], nullptr, &m_saved[i]);
    }
  }
  SavedHandlers(const SavedHandlers&) = delete;
  SavedHandlers& operator=(const SavedHandlers&) = delete;
  ~SavedHandlers()
  {
    for (std::size_t i = 0; i < k_signals.size(); ++i) {
      ::sigaction(k_signals[i], &m_saved[i], nullptr);
    }
    smsotp::util::g_interrupt_signal = 0;
  }

private:
  static constexpr std::array<int, 3> k_signals{SIGINT, SIGTERM, SIGPIPE};
  std::array<struct sigaction, 3> m_saved{};
};

} // namespace

TEST_CASE("check_interrupted throws only after a signal")
{
  const SavedHandlers saved;
  smsotp::util::g_interrupt_signal = 0;
  CHECK_FALSE(catch_error([] { smsotp::cli::check_interrupted(); }).thrown);
  smsotp::util::g_interrupt_signal = SIGINT;
  const auto caught = catch_error([] { smsotp::cli::check_interrupted(); });
  CHECK(caught.code == ExitCode::interrupted);
  CHECK(static_cast<int>(caught.code) == 130);
}

TEST_CASE("the handlers record SIGINT and SIGTERM instead of dying")
{
  const SavedHandlers saved;
  smsotp::util::g_interrupt_signal = 0;
  smsotp::cli::install_signal_handlers();
  std::raise(SIGTERM);
  CHECK(smsotp::util::interrupt_signal() == SIGTERM);
  std::raise(SIGINT);
  CHECK(smsotp::util::interrupt_signal() == SIGINT);
  // SIGPIPE is ignored so that a closed stdout cannot kill a finished run.
  std::raise(SIGPIPE);
  smsotp::util::g_interrupt_signal = 0;
  smsotp::cli::reraise_pending_signal(); // nothing pending: returns
}
