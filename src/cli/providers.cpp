#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "provider/base/provider.hpp"
#include "util/string.hpp"

#include <algorithm>

namespace smsotp::cli {

namespace {

int list_providers(const Context& context)
{
  const auto& out = context.out;
  const auto& config = context.config;
  const auto order = config.ordered_providers();
  nlohmann::json list = nlohmann::json::array();
  provider::ProviderContext provider_context;
  provider_context.config_private = config.file_private;
  for (const auto& spec : config.providers) {
    // Building a provider validates its table but reads no secret.
    const auto info = provider::make_provider(spec, provider_context)->info();
    const auto position = std::find(order.begin(), order.end(), spec.name);
    const long rank =
        position == order.end() ? 0 : (position - order.begin()) + 1;
    nlohmann::json secrets = nlohmann::json::object();
    std::vector<std::string> secret_texts;
    for (const auto& [name, ref] : info.secrets) {
      secrets[name] = ref.describe();
      secret_texts.push_back(name + ": " + ref.describe());
    }
    out.data(
        info.name + "\t" + info.kind + "\t" + info.sender + "\t"
        + (rank > 0 ? "order " + std::to_string(rank) : "not in send.providers")
        + (secret_texts.empty() ? "" : "\t" + util::join(secret_texts, "; ")));
    list.push_back({{"name", info.name},
                    {"kind", info.kind},
                    {"sender", info.sender},
                    {"endpoint", info.endpoint},
                    {"order", rank},
                    {"secrets", secrets}});
  }
  if (config.providers.empty()) {
    out.info("no providers configured"
             + (config.path.empty() ? std::string(" (no config file found)")
                                    : " in " + config.path));
  }
  out.result({{"providers", list}, {"kinds", provider::provider_kinds()}});
  return 0;
}

} // namespace

int run_providers(const GlobalOptions& global,
                  const ProvidersOptions& /*options*/,
                  const Output& out,
                  const util::Clock& clock)
{
  return list_providers(make_context(global, out, clock));
}

} // namespace smsotp::cli
