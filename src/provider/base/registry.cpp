#include "core/error.hpp"
#include "provider/base/kinds.hpp"
#include "util/string.hpp"

#include <algorithm>
#include <array>

namespace smsotp::provider {

namespace {

using Factory = std::unique_ptr<Provider> (*)(const core::ProviderSpec&,
                                              const ProviderContext&);

struct Kind
{
  const char* name;
  Factory factory;
  const KindKeys* keys;
};

const std::array<Kind, 10> k_kinds{{
    {"file", make_file_provider, &k_file_keys},
    {"twilio", make_twilio_provider, &k_twilio_keys},
    {"plivo", make_plivo_provider, &k_plivo_keys},
    {"vonage", make_vonage_provider, &k_vonage_keys},
    {"telnyx", make_telnyx_provider, &k_telnyx_keys},
    {"sinch", make_sinch_provider, &k_sinch_keys},
    {"messagebird", make_messagebird_provider, &k_messagebird_keys},
    {"clicksend", make_clicksend_provider, &k_clicksend_keys},
    {"aws-sns", make_aws_sns_provider, &k_aws_sns_keys},
    {"http", make_http_gateway_provider, &k_http_gateway_keys},
}};

bool contains(std::span<const std::string_view> names, std::string_view name)
{
  return std::find(names.begin(), names.end(), name) != names.end();
}

} // namespace

std::vector<std::string> key_strings(std::span<const std::string_view> names)
{
  return {names.begin(), names.end()};
}

std::optional<std::vector<std::string>> secret_names(const std::string& kind)
{
  for (const auto& entry : k_kinds) {
    if (kind == entry.name) {
      return key_strings(entry.keys->secrets);
    }
  }
  return std::nullopt;
}

std::vector<std::string> unambiguous_secret_names()
{
  std::vector<std::string> names;
  for (const auto& entry : k_kinds) {
    for (const auto& secret : entry.keys->secrets) {
      const bool plain_elsewhere =
          std::any_of(k_kinds.begin(), k_kinds.end(), [&](const Kind& other) {
            return contains(other.keys->plain, secret);
          });
      if (!plain_elsewhere
          && std::find(names.begin(), names.end(), secret) == names.end()) {
        names.emplace_back(secret);
      }
    }
  }
  return names;
}

std::vector<std::string> provider_kinds()
{
  std::vector<std::string> names;
  names.reserve(k_kinds.size());
  for (const auto& kind : k_kinds) {
    names.emplace_back(kind.name);
  }
  return names;
}

std::unique_ptr<Provider> make_provider(const core::ProviderSpec& spec,
                                        const ProviderContext& context)
{
  for (const auto& kind : k_kinds) {
    if (spec.kind == kind.name) {
      return kind.factory(spec, context);
    }
  }
  std::string message = spec.where + ": provider." + spec.name
                        + ": unknown kind '"
                        + util::escape_for_display(spec.kind) + "'";
  const auto kinds = provider_kinds();
  if (const auto hint = util::closest_match(spec.kind, kinds); !hint.empty()) {
    message += " (did you mean '" + hint + "'?)";
  } else {
    message += " (known: " + util::join(kinds, ", ") + "; set kind = \"...\")";
  }
  throw Error(core::ExitCode::config, message);
}

} // namespace smsotp::provider
