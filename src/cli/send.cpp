// `send`, step by step as DESIGN §3 lays it out: resolve the recipient,
// compose the message, reserve the challenge (one committed transaction),
// deliver, record the answer, report. Reporting is in send_report.cpp.

#include "cli/commands.hpp"
#include "cli/provider_use.hpp"
#include "cli/send_flow.hpp"
#include "cli/send_key.hpp"
#include "cli/signals.hpp"
#include "cli/state.hpp"
#include "core/error.hpp"
#include "core/otp.hpp"
#include "phone/phone.hpp"

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

// Generates the code and reserves its challenge: limits, cooldown and the
// superseding of older codes in one transaction, committed when this
// returns. Slow set-up (key file, crypto) happens before the store's write
// lock.
Reserved
reserve(const Context& context, const Recipient& recipient, const Draft& draft)
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
  const store::ReserveRequest request{reserved.challenge_id,
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
  reserved.reservation = reserved.store->reserve(request, context.clock.now());
  reserved.message = {recipient.to,
                      message::compose(config, draft.selected, values).text};
  return reserved;
}

// Runs the provider chain (retry, failover). If it throws, nothing left
// our hands (or the provider is local): the code is dropped, and the
// first failure is the one reported.
provider::ChainResult deliver(const Context& context,
                              const Providers& providers,
                              const Reserved& reserved,
                              bool provider_named)
{
  const auto& clock = context.clock;
  try {
    check_interrupted();
    // --provider names the one provider to use: no cooldown applies, and
    // none is reported.
    return provider::deliver(
        providers,
        reserved.message,
        provider_named ? std::map<std::string, std::int64_t>{}
                       : reserved.store->skipped_providers(clock.now()),
        context.config.provider_cooldown.value,
        clock.now());
  } catch (const Error&) {
    core::SendResult failed;
    failed.status = core::SendStatus::permanent;
    try {
      reserved.store->finalize(reserved.challenge_id, failed, {}, clock.now());
    } catch (const Error& store_failure) {
      context.out.warn(std::string("the unsent code could not be dropped: ")
                       + store_failure.what());
    }
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
    return report_unrecorded(context, reserved, result, failure);
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
  const auto recipient = resolve_recipient(context, options.to);
  const auto draft = compose_draft(context, recipient, options.locale);
  const auto providers = make_providers(context, options.provider);
  if (options.dry_run) {
    return report_dry_run(context, providers, recipient, draft);
  }
  prepare(providers);
  const auto reserved = reserve(context, recipient, draft);
  // The reservation has committed. Nothing before this point may write a
  // request; network set-up that needs no request (DNS, TCP, TLS) may run
  // alongside the steps above.
  const auto chain =
      deliver(context, providers, reserved, options.provider.has_value());
  return record_and_report(context, recipient, draft, reserved, chain);
}

} // namespace smsotp::cli
