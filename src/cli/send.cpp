#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "cli/send_key.hpp"
#include "cli/signals.hpp"
#include "core/duration.hpp"
#include "core/error.hpp"
#include "core/otp.hpp"
#include "message/compose.hpp"
#include "phone/phone.hpp"
#include "phone/policy.hpp"
#include "provider/base/chain.hpp"
#include "provider/base/keylog.hpp"
#include "store/store.hpp"
#include "util/interrupt.hpp"

#include <algorithm>
#include <array>
#include <ctime>

namespace smsotp::cli {

namespace {

// Notes, the redacted HTTP trace (--verbose) and the SSLKEYLOGFILE warning.
void report_delivery(const Output& out, const provider::ChainResult& chain)
{
  for (const auto& note : chain.notes) {
    out.info(note);
  }
  for (const auto& line : chain.trace) {
    out.detail(line);
  }
  if (provider::take_keylog_warning()) {
    out.warn("SSLKEYLOGFILE was ignored: TLS keys in a file would expose "
             "provider credentials and codes");
  }
}

// The "country" and "number_type" fields of send's JSON.
nlohmann::json destination_fields(const phone::Destination& destination)
{
  return {{"country", destination.region},
          {"number_type", phone::number_type_name(destination.type)}};
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

// The "locale", "encoding" and "segments" fields of send's JSON.
nlohmann::json message_fields(const message::Selected& selected,
                              const message::SegmentInfo& info)
{
  return {{"locale",
           selected.locale.empty() ? nlohmann::json(nullptr)
                                   : nlohmann::json(selected.locale)},
          {"encoding", message::encoding_id(info.encoding)},
          {"segments", info.segments}};
}

// "message.templates.de: GSM-7, 1 segment (58 of 160 septets)".
std::string message_summary(const message::Selected& selected,
                            const message::SegmentInfo& info)
{
  return selected.key + ": "
         + std::string(message::encoding_name(info.encoding)) + ", "
         + std::to_string(info.segments)
         + (info.segments == 1 ? " segment (" : " segments (")
         + std::to_string(info.units) + " of "
         + std::to_string(info.per_segment_limit * info.segments) + " "
         + std::string(message::unit_name(info.encoding)) + ")";
}

int dry_run(const Context& context,
            const std::vector<std::unique_ptr<provider::Provider>>& providers,
            const core::Message& masked_message,
            const phone::Destination& destination,
            const message::Selected& selected,
            const message::SegmentInfo& cost)
{
  const auto& out = context.out;
  out.data("# template " + message_summary(selected, cost));
  nlohmann::json requests = nlohmann::json::array();
  for (const auto& provider : providers) {
    const auto info = provider->info();
    const std::string request = provider->describe_request(masked_message);
    out.data("# provider " + info.name + " (" + info.kind + ")");
    out.data(request);
    requests.push_back(
        {{"provider", info.name}, {"kind", info.kind}, {"request", request}});
  }
  out.info("dry run: nothing was stored or sent");
  nlohmann::json json{{"dry_run", true},
                      {"to", phone::mask(masked_message.to)},
                      {"text", masked_message.text},
                      {"requests", requests}};
  json.update(destination_fields(destination));
  json.update(message_fields(selected, cost));
  out.result(json);
  return 0;
}

// "2026-12-07 00:30:00 UTC".
std::string utc_time(std::int64_t seconds)
{
  const auto time = static_cast<std::time_t>(seconds);
  std::tm parts{};
  ::gmtime_r(&time, &parts);
  std::array<char, 32> text{};
  std::strftime(text.data(), text.size(), "%Y-%m-%d %H:%M:%S UTC", &parts);
  return text.data();
}

// The request may have left, but the store could not record the answer:
// the code may be on its way and the database still holds it as live, so
// this is an unknown outcome (76) with the challenge id, whatever the store
// error was. The store's message says what became of the file.
int report_unrecorded(const Output& out,
                      const std::string& challenge_id,
                      const core::SendResult& result,
                      const store::Reservation& reservation,
                      const Error& failure,
                      std::int64_t now)
{
  out.data(challenge_id);
  const std::string answer = result.status == core::SendStatus::sent
                                 ? " accepted the message"
                                 : ": " + result.detail;
  // As on the normal path, a signal that stopped the run decides the exit
  // status (130/143, the process re-raises it); the id is given either way.
  const bool interrupted = util::interrupt_signal() != 0;
  const Error unknown(
      interrupted ? core::ExitCode::interrupted
                  : core::ExitCode::unknown_outcome,
      std::string(interrupted ? "interrupted; " : "") + "provider "
          + result.provider + answer
          + ", but recording the outcome failed: " + failure.what()
          + "; the code may have been delivered and is valid until "
          + utc_time(reservation.expires_at)
          + ", do not resend before the retry-after",
      std::max<std::int64_t>(1, reservation.expires_at - now));
  out.error(unknown, {{"challenge_id", challenge_id}});
  return static_cast<int>(unknown.code());
}

} // namespace

int run_send(const GlobalOptions& global,
             const SendOptions& options,
             const Output& out,
             const util::Clock& clock)
{
  auto context = make_context(global, out, clock);
  auto& config = context.config;
  apply_flag(config, "otp.ttl", options.ttl, "--ttl");
  apply_flag(config, "otp.length", options.length, "--length");
  apply_flag(config, "otp.purpose", options.purpose, "--purpose");
  const std::string to =
      phone::normalize(options.to, config.default_region.value);
  const std::string masked = phone::mask(to);
  // Policy refusals cost nothing: no provider, store or key is touched yet.
  const auto destination = phone::check(phone::policy_from(config), to);
  out.detail("destination " + masked + ": country "
             + (destination.region.empty() ? "none" : destination.region) + ", "
             + std::string(phone::number_type_name(destination.type)));
  const auto length = static_cast<int>(config.code_length.value);
  message::TemplateValues values{
      std::string(static_cast<std::size_t>(length), '*'),
      config.app_name.value,
      config.ttl.value,
      config.purpose.value};
  // The masked code costs what the real one will, so a message above
  // message.max_segments is refused here, before anything is stored or sent.
  const auto selected =
      message::select_template(config, options.locale, destination.region);
  const auto preview = message::compose(config, selected, values);
  out.detail("template " + message_summary(selected, preview.info));
  const auto providers = make_providers(context, options.provider);
  if (options.dry_run) {
    return dry_run(context,
                   providers,
                   {to, preview.text},
                   destination,
                   selected,
                   preview.info);
  }

  for (const auto& provider : providers) {
    provider->prepare(); // local faults must not cost the previous code
  }
  check_interrupted();
  // Slow set-up (key file, crypto) happens before the store's write lock.
  core::OpenSslRandom random;
  const auto store =
      store::open_store(store_options(context), store::OpenMode::create);
  const auto key = key_for_send(context, *store, random);
  values.code = core::generate_code(random, length);
  const std::string challenge_id = core::new_challenge_id(random);
  store::ReserveRequest request{
      challenge_id,
      core::key_id(key),
      to,
      masked,
      config.purpose.value,
      core::compute_tag(
          key, challenge_id, to, config.purpose.value, values.code),
      config.code_length.value,
      config.ttl.value,
      config.max_attempts.value,
      send_limits(config)};
  const auto reservation = store->reserve(request, clock.now());
  const core::Message message{to,
                              message::compose(config, selected, values).text};

  provider::ChainResult chain;
  try {
    check_interrupted();
    // --provider names the one provider to use: no cooldown applies, and
    // none is reported.
    chain = provider::deliver(providers,
                              message,
                              !options.provider
                                  ? store->skipped_providers(clock.now())
                                  : std::map<std::string, std::int64_t>{},
                              config.provider_cooldown.value,
                              clock.now());
  } catch (const Error&) {
    // Nothing left our hands (or the provider is local): drop the code.
    core::SendResult failed;
    failed.status = core::SendStatus::permanent;
    try {
      store->finalize(challenge_id, failed, {}, clock.now());
    } catch (const Error& store_failure) {
      // The first failure is the one to report; the code was never sent.
      out.warn(std::string("the unsent code could not be dropped: ")
               + store_failure.what());
    }
    throw;
  }
  const auto& result = chain.result;
  try {
    store->finalize(challenge_id, result, chain.health, clock.now());
  } catch (const Error& failure) {
    if (result.status != core::SendStatus::sent
        && result.status != core::SendStatus::unknown) {
      throw; // surely not sent: the store error is the whole story
    }
    report_delivery(out, chain);
    return report_unrecorded(
        out, challenge_id, result, reservation, failure, clock.now());
  }
  report_delivery(out, chain);

  const nlohmann::json id_field{{"challenge_id", challenge_id}};
  if (result.status != core::SendStatus::sent) {
    if (result.status == core::SendStatus::unknown) {
      // The code may arrive; the caller needs the id to verify it.
      out.data(challenge_id);
    }
    std::string message_text =
        "provider " + result.provider + ": " + result.detail;
    if (result.status == core::SendStatus::unknown) {
      message_text += "; the code stays valid for "
                      + core::format_duration(config.ttl.value)
                      + ", do not resend before the retry-after";
    }
    // A signal that stopped the delivery decides the exit status (the
    // process re-raises it); the message says what became of the code.
    const auto code = util::interrupt_signal() != 0
                          ? core::ExitCode::interrupted
                          : exit_for_send(result.status);
    if (code == core::ExitCode::interrupted) {
      message_text = "interrupted; " + message_text;
    }
    const Error failure = result.retry_after
                              ? Error(code, message_text, *result.retry_after)
                              : Error(code, message_text);
    out.error(failure,
              result.status == core::SendStatus::unknown
                  ? id_field
                  : nlohmann::json::object());
    return static_cast<int>(failure.code());
  }
  out.data(challenge_id);
  out.info("sent to " + masked + " via " + result.provider + "; expires in "
           + core::format_duration(config.ttl.value)
           + (reservation.superseded > 0 ? "; the previous code no longer works"
                                         : ""));
  nlohmann::json json{{"challenge_id", challenge_id},
                      {"status", "sent"},
                      {"to", masked},
                      {"purpose", config.purpose.value},
                      {"provider", result.provider},
                      {"provider_message_id", result.message_id},
                      {"created_at", reservation.created_at},
                      {"expires_at", reservation.expires_at},
                      {"superseded", reservation.superseded}};
  json.update(destination_fields(destination));
  json.update(message_fields(selected, preview.info));
  out.result(json);
  return 0;
}

} // namespace smsotp::cli
