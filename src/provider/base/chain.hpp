#pragma once

// Delivery along the configured provider order. Failover happens only when
// the provider surely did not deliver and another could: temporary
// failures, rejected credentials, TLS or configuration trouble. It never
// happens after an unknown outcome (the message may be on its way: a second
// provider would deliver the same code twice) or after a rejection of the
// recipient (every provider would refuse it).

#include "provider/base/provider.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace smsotp::provider {

struct ChainResult
{
  core::SendResult result;                  // the last provider's answer
  std::vector<core::ProviderHealth> health; // to record in the store
  std::vector<std::string> notes;           // "skipping X", "trying Y"
  std::vector<std::string> trace;           // every provider's, redacted
};

// `skipped` maps providers that failed recently to the seconds left; they
// are passed over unless every provider is skipped. A provider that fails
// is skipped for `cooldown` seconds from `now`.
ChainResult deliver(const std::vector<std::unique_ptr<Provider>>& providers,
                    const core::Message& message,
                    const std::map<std::string, std::int64_t>& skipped,
                    std::int64_t cooldown,
                    std::int64_t now);

// True when another provider may be tried after `result`.
bool may_fail_over(const core::SendResult& result);

} // namespace smsotp::provider
