// The `vonage` provider. (Being written; see issue 3.)

#include "core/error.hpp"
#include "provider/kinds.hpp"

namespace smsotp::provider {

std::unique_ptr<Provider>
make_vonage_provider(const core::ProviderSpec& spec,
                     const ProviderContext& /*context*/)
{
  throw Error(core::ExitCode::config,
              spec.where + ": provider kind " + spec.kind
                  + " is not implemented yet");
}

} // namespace smsotp::provider
