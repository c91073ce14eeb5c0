#pragma once

// Internal to provider/: one factory per kind, collected in registry.cpp.

#include "provider/base/provider.hpp"

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smsotp::provider {

// The keys a kind declares: plain values, and secrets (each of which also
// takes NAME_file and NAME_env). The kind hands these very lists to
// HttpProvider and registry.cpp exports them, so what `secret_names` and
// the inline-secret refusal know is what the kind reads. Constant data
// (views of constexpr arrays), so that no static initializer can throw
// before main.
struct KindKeys
{
  std::span<const std::string_view> plain;
  std::span<const std::string_view> secrets;
};

// Copies for the interfaces that own their lists (HttpKind, SpecReader).
std::vector<std::string> key_strings(std::span<const std::string_view> names);

namespace kind_keys {
using Key = std::string_view;
inline constexpr auto k_file_plain = std::to_array<Key>({"path"});
inline constexpr auto k_twilio_plain =
    std::to_array<Key>({"account_sid", "from", "messaging_service_sid"});
inline constexpr auto k_twilio_secrets = std::to_array<Key>({"auth_token"});
inline constexpr auto k_plivo_plain =
    std::to_array<Key>({"auth_id", "src", "powerpack_uuid"});
inline constexpr auto k_plivo_secrets = std::to_array<Key>({"auth_token"});
inline constexpr auto k_vonage_plain = std::to_array<Key>({"api_key", "from"});
inline constexpr auto k_vonage_secrets = std::to_array<Key>({"api_secret"});
inline constexpr auto k_telnyx_plain =
    std::to_array<Key>({"from", "messaging_profile_id"});
inline constexpr auto k_telnyx_secrets = std::to_array<Key>({"api_key"});
inline constexpr auto k_sinch_plain =
    std::to_array<Key>({"service_plan_id", "from", "region"});
inline constexpr auto k_sinch_secrets = std::to_array<Key>({"api_token"});
inline constexpr auto k_messagebird_plain = std::to_array<Key>({"originator"});
inline constexpr auto k_messagebird_secrets =
    std::to_array<Key>({"access_key"});
inline constexpr auto k_clicksend_plain =
    std::to_array<Key>({"username", "from"});
inline constexpr auto k_clicksend_secrets = std::to_array<Key>({"api_key"});
inline constexpr auto k_aws_sns_plain =
    std::to_array<Key>({"region", "sender_id", "sms_type"});
inline constexpr auto k_aws_sns_secrets =
    std::to_array<Key>({"access_key_id", "secret_access_key", "session_token"});
inline constexpr auto k_http_gateway_secrets = std::to_array<Key>({"secret"});
} // namespace kind_keys

inline constexpr KindKeys k_file_keys{kind_keys::k_file_plain, {}};
inline constexpr KindKeys k_twilio_keys{kind_keys::k_twilio_plain,
                                        kind_keys::k_twilio_secrets};
inline constexpr KindKeys k_plivo_keys{kind_keys::k_plivo_plain,
                                       kind_keys::k_plivo_secrets};
inline constexpr KindKeys k_vonage_keys{kind_keys::k_vonage_plain,
                                        kind_keys::k_vonage_secrets};
inline constexpr KindKeys k_telnyx_keys{kind_keys::k_telnyx_plain,
                                        kind_keys::k_telnyx_secrets};
inline constexpr KindKeys k_sinch_keys{kind_keys::k_sinch_plain,
                                       kind_keys::k_sinch_secrets};
inline constexpr KindKeys k_messagebird_keys{kind_keys::k_messagebird_plain,
                                             kind_keys::k_messagebird_secrets};
inline constexpr KindKeys k_clicksend_keys{kind_keys::k_clicksend_plain,
                                           kind_keys::k_clicksend_secrets};
inline constexpr KindKeys k_aws_sns_keys{kind_keys::k_aws_sns_plain,
                                         kind_keys::k_aws_sns_secrets};
// The generic gateway's plain keys (url, body, ...) are listed in
// http_gateway_config.cpp; none of them is another kind's secret.
// kind_description() there takes its secret from here.
inline constexpr KindKeys k_http_gateway_keys{
    {}, kind_keys::k_http_gateway_secrets};

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
