// `send`, step by step as DESIGN §3 lays it out: resolve the recipient,
// compose the message, reserve the challenge (one committed transaction),
// deliver, record the answer, report. Reporting is in send_report.cpp.

#include "cli/audit.hpp"
#include "cli/commands.hpp"
#include "cli/provider_use.hpp"
#include "cli/send_flow.hpp"
#include "cli/send_key.hpp"
#include "cli/signals.hpp"
#include "cli/state.hpp"
#include "core/error.hpp"
#include "core/otp.hpp"
#include "phone/phone.hpp"
#include "provider/base/keylog.hpp"
#include "provider/http/transport.hpp"

#include <algorithm>
#include <future>
#include <map>
#include <optional>

namespace smsotp::cli {

namespace {

using Providers = std::vector<std::unique_ptr<provider::Provider>>;

// Normalises the number and applies the destination policy. Policy
// refusals cost nothing: no provider, store or key is touched yet.
Recipient resolve_recipient(const Context& context, const std::string& input)
{
  const auto& config = context.config;
  Recipient recipient;
  recipient.to = phone::normalize(input, config.default_region.value);
  recipient.masked = phone::mask(recipient.to);
  audit::record().to = recipient.masked;
  audit::record().purpose = config.purpose.value;
  recipient.destination =
      phone::check(phone::policy_from(config), recipient.to);
  context.out.detail(destination_summary(recipient));
  return recipient;
}

// Renders the message with the code masked: it costs what the real one
// will, so a message above message.max_segments is refused here, before
// anything is stored or sent.
Draft compose_draft(const Context& context,
                    const Recipient& recipient,
                    const std::optional<std::string>& locale)
{
  const auto& config = context.config;
  Draft draft;
  draft.values = {
      std::string(static_cast<std::size_t>(config.code_length.value), '*'),
      config.app_name.value,
      config.ttl.value,
      config.purpose.value};
  draft.selected =
      message::select_template(config, locale, recipient.destination.region);
  draft.preview = message::compose(config, draft.selected, draft.values);
  context.out.detail("template " + message_summary(draft));
  return draft;
}

// Local checks of each provider (secrets readable, templates valid): a
// local fault must not cost the previous code, so it comes before the
// reserve supersedes it.
void prepare(const Providers& providers)
{
  for (const auto& provider : providers) {
    provider->prepare();
  }
  check_interrupted();
}

store::SendLimits send_limits(const core::Config& config)
{
  return {config.limit_per_recipient.value,
          config.limit_per_recipient_window.value,
          config.limit_min_interval.value,
          config.limit_per_recipient_daily.value,
          config.limit_per_prefix_hourly.value,
          config.limit_global_hourly.value,
          config.limit_global_daily.value};
}

// When a provider that sends over HTTP may be used, loads and sets up the
// transport (libcurl) in the background while the number is parsed
// (issue 9 item 5); the future is waited for when it goes out of scope.
// SSLKEYLOGFILE is dropped first, here, as no other thread runs yet.
std::future<void> warm_up_transport(const Context& context,
                                    const std::optional<std::string>& only)
{
  const auto& config = context.config;
  const auto names =
      only ? std::vector<std::string>{*only} : config.ordered_providers();
  const bool http = std::any_of(names.begin(), names.end(), [&](auto& name) {
    const auto* spec = config.find_provider(name);
    return spec != nullptr && spec->kind != "file";
  });
  if (!http) {
    return {};
  }
  provider::drop_keylog_file();
  return std::async(std::launch::async, [] {
    try {
      provider::warm_up_transport();
    } catch (const Error&) {
      // A missing module: the first real use reports it, in order.
    }
  });
}

// Draws the code and the challenge id and computes the code's tag: all the
// slow set-up (store, key file, crypto) that comes before the store's
// write lock. Nothing is committed yet; the request for reserve() is
// returned alongside.
std::pair<Reserved, store::ReserveRequest>
draw(const Context& context, const Recipient& recipient, const Draft& draft)
{
  const auto& config = context.config;
  core::OpenSslRandom random;
  Reserved reserved;
  reserved.store = open_state(context, store::OpenMode::create);
  const auto key = key_for_send(context, *reserved.store, random);
  auto values = draft.values;
  values.code =
      core::generate_code(random, static_cast<int>(config.code_length.value));
  reserved.challenge_id = core::new_challenge_id(random);
  store::ReserveRequest request{reserved.challenge_id,
                                core::key_id(key),
                                recipient.to,
                                recipient.masked,
                                config.purpose.value,
                                core::compute_tag(key,
                                                  reserved.challenge_id,
                                                  recipient.to,
                                                  config.purpose.value,
                                                  values.code),
                                config.code_length.value,
                                config.ttl.value,
                                config.max_attempts.value,
                                send_limits(config)};
  reserved.message = {recipient.to,
                      message::compose(config, draft.selected, values).text};
  return {std::move(reserved), std::move(request)};
}

// The code is dropped after a local fault in delivery: nothing left our
// hands (or the provider is local), and the fault is the one reported.
void drop_unsent(const Context& context, const Reserved& reserved)
{
  core::SendResult failed;
  failed.status = core::SendStatus::permanent;
  try {
    reserved.store->finalize(
        reserved.challenge_id, failed, {}, context.clock.now());
  } catch (const Error& store_failure) {
    context.out.warn(std::string("the unsent code could not be dropped: ")
                     + store_failure.what());
  }
}

// Reserves the challenge (limits, cooldown and the superseding of older
// codes in one transaction) while the provider chain (retry, failover)
// starts in the background: the first provider's DNS, TCP and TLS run
// during the transaction, and its request is held (`hold`, given to the
// providers when they were made) until the transaction has committed. If
// the reserve fails, the hold is cancelled and nothing is written
// (issue 9 item 5). Only this thread touches the store.
provider::ChainResult reserve_and_deliver(const Context& context,
                                          const Providers& providers,
                                          Reserved& reserved,
                                          const store::ReserveRequest& request,
                                          util::Gate& hold,
                                          bool provider_named)
{
  const auto& clock = context.clock;
  check_interrupted();
  // --provider names the one provider to use: no cooldown applies, and
  // none is reported.
  const auto skipped = provider_named
                           ? std::map<std::string, std::int64_t>{}
                           : reserved.store->skipped_providers(clock.now());
  auto delivery = std::async(std::launch::async, [&] {
    return provider::deliver(providers,
                             reserved.message,
                             skipped,
                             context.config.provider_cooldown.value,
                             clock.now());
  });
  try {
    reserved.reservation = reserved.store->reserve(request, clock.now());
  } catch (...) {
    hold.cancel();
    delivery.wait(); // its outcome is moot: no request was written
    throw;
  }
  hold.open();
  audit::record().challenge_id = reserved.challenge_id;
  try {
    return delivery.get();
  } catch (const Error&) {
    drop_unsent(context, reserved);
    throw;
  }
}

// Records the answer (sent and the provider's message id, or failed) and
// the providers' health, then reports it.
int record_and_report(const Context& context,
                      const Recipient& recipient,
                      const Draft& draft,
                      const Reserved& reserved,
                      const provider::ChainResult& chain)
{
  const auto& result = chain.result;
  try {
    reserved.store->finalize(
        reserved.challenge_id, result, chain.health, context.clock.now());
  } catch (const Error& failure) {
    if (result.status != core::SendStatus::sent
        && result.status != core::SendStatus::unknown) {
      throw; // surely not sent: the store error is the whole story
    }
    report_delivery(context.out, chain);
    fail_unrecorded(context, recipient, draft, reserved, result, failure);
  }
  report_delivery(context.out, chain);
  return report_answer(context, recipient, draft, reserved, result);
}

} // namespace

int run_send(const GlobalOptions& global,
             const SendOptions& options,
             const Output& out,
             const util::Clock& clock)
{
  const auto context = make_context(global, out, clock, options.key_flags());
  const auto transport = warm_up_transport(context, options.provider);
  const auto recipient = resolve_recipient(context, options.to);
  const auto draft = compose_draft(context, recipient, options.locale);
  util::Gate hold;
  const auto providers =
      make_providers(context, options.provider, "--provider", &hold);
  if (options.dry_run) {
    audit::record().event.clear(); // changes nothing: not audited
    return report_dry_run(context, providers, recipient, draft);
  }
  prepare(providers);
  auto [reserved, request] = draw(context, recipient, draft);
  const auto chain = reserve_and_deliver(context,
                                         providers,
                                         reserved,
                                         request,
                                         hold,
                                         options.provider.has_value());
  audit::record().provider = chain.result.provider;
  audit::record().outcome = core::send_status_name(chain.result.status);
  return record_and_report(context, recipient, draft, reserved, chain);
}

} // namespace smsotp::cli
