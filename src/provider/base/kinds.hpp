#pragma once

// Internal to provider/: one factory per kind, collected in registry.cpp.

#include "provider/base/provider.hpp"

#include <string>
#include <vector>

namespace smsotp::provider {

// The keys a kind declares: plain values, and secrets (each of which also
// takes NAME_file and NAME_env). The kind hands these very lists to
// HttpProvider and registry.cpp exports them, so what `secret_names` and
// the inline-secret refusal know is what the kind reads.
struct KindKeys
{
  std::vector<std::string> plain;
  std::vector<std::string> secrets;
};

inline const KindKeys k_file_keys{{"path"}, {}};
inline const KindKeys k_twilio_keys{
    {"account_sid", "from", "messaging_service_sid"}, {"auth_token"}};
inline const KindKeys k_plivo_keys{{"auth_id", "src", "powerpack_uuid"},
                                   {"auth_token"}};
inline const KindKeys k_vonage_keys{{"api_key", "from"}, {"api_secret"}};
inline const KindKeys k_telnyx_keys{{"from", "messaging_profile_id"},
                                    {"api_key"}};
inline const KindKeys k_sinch_keys{{"service_plan_id", "from", "region"},
                                   {"api_token"}};
inline const KindKeys k_messagebird_keys{{"originator"}, {"access_key"}};
inline const KindKeys k_clicksend_keys{{"username", "from"}, {"api_key"}};
inline const KindKeys k_aws_sns_keys{
    {"region", "sender_id", "sms_type"},
    {"access_key_id", "secret_access_key", "session_token"}};
// The generic gateway's plain keys (url, body, ...) are listed in
// http_gateway_config.cpp; none of them is another kind's secret.
// kind_description() there takes its secret from here.
inline const KindKeys k_http_gateway_keys{{}, {"secret"}};

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
make_http_gateway_provider(const core::ProviderSpec& spec,
                           const ProviderContext& context);

} // namespace smsotp::provider
