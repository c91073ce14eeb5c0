#include "util/gate.hpp"

#include "util/interrupt.hpp"

#include <chrono>

namespace smsotp::util {

void Gate::open()
{
  decide(State::opened);
}

void Gate::cancel()
{
  decide(State::cancelled);
}

void Gate::decide(State state)
{
  {
    const std::lock_guard lock(m_mutex);
    if (m_state == State::closed) {
      m_state = state;
    }
  }
  m_changed.notify_all();
}

bool Gate::called_off() const
{
  const std::lock_guard lock(m_mutex);
  return m_state == State::cancelled;
}

bool Gate::wait() const
{
  std::unique_lock lock(m_mutex);
  // A signal handler cannot notify a condition variable, so the wait wakes
  // now and then to look for one.
  constexpr auto k_poll = std::chrono::milliseconds(20);
  while (m_state == State::closed) {
    if (interrupt_signal() != 0) {
      return false;
    }
    m_changed.wait_for(lock, k_poll);
  }
  return m_state == State::opened;
}

} // namespace smsotp::util
