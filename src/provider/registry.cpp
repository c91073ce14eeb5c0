#include "core/error.hpp"
#include "provider/kinds.hpp"
#include "util/string.hpp"

#include <array>

namespace smsotp::provider {

namespace {

using Factory = std::unique_ptr<Provider> (*)(const core::ProviderSpec&,
                                              const ProviderContext&);

struct Kind
{
  const char* name;
  Factory factory;
};

constexpr std::array<Kind, 10> k_kinds{{
    {"file", make_file_provider},
    {"twilio", make_twilio_provider},
    {"plivo", make_plivo_provider},
    {"vonage", make_vonage_provider},
    {"telnyx", make_telnyx_provider},
    {"sinch", make_sinch_provider},
    {"messagebird", make_messagebird_provider},
    {"clicksend", make_clicksend_provider},
    {"aws-sns", make_aws_sns_provider},
    {"http", make_http_generic_provider},
}};

} // namespace

std::vector<std::string> provider_kinds()
{
  std::vector<std::string> names;
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
