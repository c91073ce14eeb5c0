// util::Gate: a waiter goes ahead only after open(), gives up after
// cancel() or a SIGINT/SIGTERM, and the first decision stands.

#include "util/gate.hpp"
#include "util/interrupt.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <thread>

using smsotp::util::Gate;

namespace {

// Starts a waiter and checks that it is still waiting a moment later.
std::future<bool> start_waiter(const Gate& gate)
{
  auto waiter = std::async(std::launch::async, [&gate] { return gate.wait(); });
  CHECK(waiter.wait_for(std::chrono::milliseconds(60))
        == std::future_status::timeout);
  return waiter;
}

} // namespace

TEST_CASE("a gate holds its waiter until it is opened")
{
  Gate gate;
  auto waiter = start_waiter(gate);
  gate.open();
  CHECK(waiter.get());
  CHECK(gate.wait()); // later waiters pass at once
}

TEST_CASE("a cancelled gate lets its waiter give up, and stays cancelled")
{
  Gate gate;
  auto waiter = start_waiter(gate);
  gate.cancel();
  CHECK_FALSE(waiter.get());
  gate.open();
  CHECK_FALSE(gate.wait());
}

TEST_CASE("an opened gate stays open")
{
  Gate gate;
  gate.open();
  gate.cancel();
  CHECK(gate.wait());
}

TEST_CASE("SIGINT or SIGTERM ends a wait on a closed gate")
{
  Gate gate;
  auto waiter = start_waiter(gate);
  smsotp::util::g_interrupt_signal = SIGINT;
  const bool passed = waiter.get();
  smsotp::util::g_interrupt_signal = 0;
  CHECK_FALSE(passed);
}

TEST_CASE("called_off says whether the gate was cancelled, without waiting")
{
  Gate gate;
  CHECK_FALSE(gate.called_off());
  gate.cancel();
  CHECK(gate.called_off());
  Gate opened;
  opened.open();
  opened.cancel();
  CHECK_FALSE(opened.called_off());
}
