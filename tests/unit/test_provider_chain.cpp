// Tests for src/provider/chain.cpp.

#include "provider/base/chain.hpp"
#include "util/interrupt.hpp"

#include <doctest/doctest.h>

#include <csignal>

namespace {

// A provider whose send() gives a fixed answer and, if asked, behaves as if
// SIGINT arrived during the transfer (the handler sets the flag).
class ScriptedProvider : public smsotp::provider::Provider
{
public:
  ScriptedProvider(std::string name,
                   smsotp::core::SendStatus status,
                   bool interrupt)
      : m_name(std::move(name)), m_status(status), m_interrupt(interrupt)
  {}

  smsotp::provider::ProviderInfo info() const override
  {
    return {m_name, "scripted", "", "", {}};
  }
  void prepare() override
  {}
  smsotp::core::SendResult send(const smsotp::core::Message&) override
  {
    ++sends;
    if (m_interrupt) {
      smsotp::util::g_interrupt_signal = SIGINT;
    }
    return {m_status, m_name, "", "transfer ended"};
  }
  std::string describe_request(const smsotp::core::Message&) const override
  {
    return {};
  }
  smsotp::core::CheckResult check() override
  {
    return {};
  }

  int sends = 0;

private:
  std::string m_name;
  smsotp::core::SendStatus m_status;
  bool m_interrupt;
};

// Clears the interrupt flag on scope exit, whatever the test did.
struct ResetInterrupt
{
  ~ResetInterrupt()
  {
    smsotp::util::g_interrupt_signal = 0;
  }
};

smsotp::provider::ChainResult
deliver_one(smsotp::core::SendStatus status, bool interrupt, int& sends)
{
  std::vector<std::unique_ptr<smsotp::provider::Provider>> providers;
  auto first = std::make_unique<ScriptedProvider>("first", status, interrupt);
  auto* first_ptr = first.get();
  providers.push_back(std::move(first));
  providers.push_back(std::make_unique<ScriptedProvider>(
      "second", smsotp::core::SendStatus::sent, false));
  auto chain = smsotp::provider::deliver(
      providers, smsotp::core::Message{}, {}, 300, 1000);
  sends = first_ptr->sends;
  return chain;
}

} // namespace

TEST_CASE("a failure is recorded for the provider's cooldown")
{
  const ResetInterrupt reset;
  int sends = 0;
  const auto chain =
      deliver_one(smsotp::core::SendStatus::temporary, false, sends);
  REQUIRE(chain.health.size() == 2);
  CHECK(chain.health[0].provider == "first");
  CHECK_FALSE(chain.health[0].healthy);
  CHECK(chain.health[0].skip_until == 1300);
  CHECK(chain.result.provider == "second");
}

TEST_CASE("an interrupted transfer puts no provider on cooldown")
{
  // Ctrl-C during a send says nothing about the provider's health: a
  // healthy provider must not be skipped by the next send.
  for (const auto status : {smsotp::core::SendStatus::temporary,
                            smsotp::core::SendStatus::unknown}) {
    const ResetInterrupt reset;
    int sends = 0;
    const auto chain = deliver_one(status, true, sends);
    CHECK(sends == 1);
    CHECK(chain.health.empty());
    CHECK(chain.result.provider == "first"); // no failover either
  }
}
