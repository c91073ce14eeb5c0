#pragma once

// Internal to provider/: one factory per kind, collected in registry.cpp.

#include "provider/provider.hpp"

namespace smsotp::provider {

std::unique_ptr<Provider> make_file_provider(const core::ProviderSpec& spec,
                                             const ProviderContext& context);
std::unique_ptr<Provider> make_twilio_provider(const core::ProviderSpec& spec,
                                               const ProviderContext& context);

} // namespace smsotp::provider
