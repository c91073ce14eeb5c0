#pragma once

// A one-shot decision that one thread makes and another waits for: go
// ahead (open) or give up (cancel). send uses it to let a provider's
// connection be set up in the background while the reserve transaction
// commits, and to hold the request itself until it has (issue 9 item 5).

#include <condition_variable>
#include <mutex>

namespace smsotp::util {

class Gate
{
public:
  // Lets waiters go ahead. The first of open() and cancel() wins.
  void open();
  // Tells waiters to give up.
  void cancel();
  // Blocks until open() or cancel() was called, or SIGINT/SIGTERM arrived
  // (util::interrupt_signal()). True only if opened.
  bool wait() const;
  // True once cancel() has decided (never blocks).
  bool called_off() const;

private:
  enum class State
  {
    closed,
    opened,
    cancelled,
  };
  void decide(State state);

  mutable std::mutex m_mutex;
  mutable std::condition_variable m_changed;
  State m_state = State::closed;
};

} // namespace smsotp::util
