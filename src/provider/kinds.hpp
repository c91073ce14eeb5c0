#pragma once

// Internal to provider/: one factory per kind, collected in registry.cpp.

#include "provider/provider.hpp"

namespace smsotp::provider {

std::unique_ptr<Provider> make_file_provider(const core::ProviderSpec& spec,
                                             const ProviderContext& context);
std::unique_ptr<Provider> make_twilio_provider(const core::ProviderSpec& spec,
                                               const ProviderContext& context);

std::unique_ptr<Provider> make_plivo_provider(const core::ProviderSpec& spec,
                                              const ProviderContext& context);
std::unique_ptr<Provider> make_vonage_provider(const core::ProviderSpec& spec,
                                               const ProviderContext& context);
std::unique_ptr<Provider> make_telnyx_provider(const core::ProviderSpec& spec,
                                               const ProviderContext& context);
std::unique_ptr<Provider> make_sinch_provider(const core::ProviderSpec& spec,
                                              const ProviderContext& context);
std::unique_ptr<Provider>
make_messagebird_provider(const core::ProviderSpec& spec,
                          const ProviderContext& context);
std::unique_ptr<Provider>
make_clicksend_provider(const core::ProviderSpec& spec,
                        const ProviderContext& context);
std::unique_ptr<Provider> make_aws_sns_provider(const core::ProviderSpec& spec,
                                                const ProviderContext& context);
std::unique_ptr<Provider>
make_http_generic_provider(const core::ProviderSpec& spec,
                           const ProviderContext& context);

} // namespace smsotp::provider
