#include "provider/base/chain.hpp"

#include "util/interrupt.hpp"

namespace smsotp::provider {

bool may_fail_over(const core::SendResult& result)
{
  switch (result.status) {
    case core::SendStatus::temporary:
    case core::SendStatus::auth:
      return true;
    case core::SendStatus::permanent:
      return !result.rejected_recipient;
    case core::SendStatus::sent:
    case core::SendStatus::unknown:
      return false;
  }
  return false;
}

ChainResult deliver(const std::vector<std::unique_ptr<Provider>>& providers,
                    const core::Message& message,
                    const std::map<std::string, std::int64_t>& skipped,
                    std::int64_t cooldown,
                    std::int64_t now)
{
  ChainResult chain;
  std::vector<Provider*> order;
  for (const auto& provider : providers) {
    const auto name = provider->info().name;
    if (const auto it = skipped.find(name); it != skipped.end()) {
      chain.notes.push_back("skipping provider " + name + " for another "
                            + std::to_string(it->second)
                            + "s after a recent failure");
      continue;
    }
    order.push_back(provider.get());
  }
  if (order.empty()) {
    // Everything failed recently: trying beats refusing outright.
    chain.notes.emplace_back(
        "all providers failed recently; trying them anyway");
    for (const auto& provider : providers) {
      order.push_back(provider.get());
    }
  }
  for (std::size_t i = 0; i < order.size(); ++i) {
    chain.result = order[i]->send(message);
    const auto& result = chain.result;
    chain.trace.insert(
        chain.trace.end(), result.trace.begin(), result.trace.end());
    // An answer cut short by SIGINT/SIGTERM says nothing about the
    // provider: recording it would put a healthy provider on cooldown.
    const bool interrupted = util::interrupt_signal() != 0;
    if (result.status == core::SendStatus::sent) {
      chain.health.push_back({result.provider, true, 0, ""});
    } else if (!result.rejected_recipient && !interrupted) {
      chain.health.push_back(
          {result.provider, false, now + cooldown, result.detail});
    }
    // SIGINT/SIGTERM ends the chain: the user asked us to stop.
    if (!may_fail_over(result) || i + 1 == order.size() || interrupted) {
      break;
    }
    chain.notes.push_back("provider " + result.provider + ": " + result.detail
                          + "; trying " + order[i + 1]->info().name);
  }
  return chain;
}

} // namespace smsotp::provider
