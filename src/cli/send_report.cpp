// How `send` reports each outcome: the dry run, the delivery notes, an
// answer that could not be recorded, and the recorded answer.

#include "cli/provider_use.hpp"
#include "cli/send_flow.hpp"
#include "core/duration.hpp"
#include "core/error.hpp"
#include "phone/phone.hpp"
#include "provider/base/keylog.hpp"
#include "util/interrupt.hpp"

#include <algorithm>
#include <array>
#include <ctime>
#include <memory>
#include <utility>

namespace smsotp::cli {

namespace {

// The "country" and "number_type" fields of send's JSON.
nlohmann::json destination_fields(const phone::Destination& destination)
{
  return {{"country", destination.region},
          {"number_type", phone::number_type_name(destination.type)}};
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

} // namespace

std::string destination_summary(const Recipient& recipient)
{
  const auto& destination = recipient.destination;
  return "destination " + recipient.masked + ": country "
         + (destination.region.empty() ? "none" : destination.region) + ", "
         + std::string(phone::number_type_name(destination.type));
}

std::string message_summary(const Draft& draft)
{
  const auto& info = draft.preview.info;
  return draft.selected.key + ": "
         + std::string(message::encoding_name(info.encoding)) + ", "
         + std::to_string(info.segments)
         + (info.segments == 1 ? " segment (" : " segments (")
         + std::to_string(info.units) + " of "
         + std::to_string(info.per_segment_limit * info.segments) + " "
         + std::string(message::unit_name(info.encoding)) + ")";
}

int report_dry_run(
    const Context& context,
    const std::vector<std::unique_ptr<provider::Provider>>& providers,
    const Recipient& recipient,
    const Draft& draft)
{
  const auto& out = context.out;
  const core::Message masked_message{recipient.to, draft.preview.text};
  out.data("# template " + message_summary(draft));
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
  json.update(destination_fields(recipient.destination));
  json.update(message_fields(draft.selected, draft.preview.info));
  out.result(json);
  return 0;
}

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

namespace {

// Send's JSON result for a challenge the recipient may get: the same keys
// whether the provider accepted the message (exit 0, status "sent") or
// the outcome is unknown (76, or 130/143 after a signal: status "unknown",
// beside "error"), so a script finds the challenge id in one place.
nlohmann::json challenge_fields(const Context& context,
                                const Recipient& recipient,
                                const Draft& draft,
                                const Reserved& reserved,
                                const core::SendResult& result,
                                bool sent)
{
  const auto& reservation = reserved.reservation;
  nlohmann::json json{{"challenge_id", reserved.challenge_id},
                      {"status", sent ? "sent" : "unknown"},
                      {"to", recipient.masked},
                      {"purpose", context.config.purpose.value},
                      {"provider", result.provider},
                      {"provider_message_id",
                       result.message_id.empty()
                           ? nlohmann::json(nullptr)
                           : nlohmann::json(result.message_id)},
                      {"created_at", reservation.created_at},
                      {"expires_at", reservation.expires_at},
                      {"superseded", reservation.superseded}};
  json.update(destination_fields(recipient.destination));
  json.update(message_fields(draft.selected, draft.preview.info));
  return json;
}

// A failure that carries send's fields for a code that may arrive.
Error with_challenge(Error failure, nlohmann::json fields)
{
  return std::move(failure).with_fields(
      std::make_shared<const nlohmann::json>(std::move(fields)));
}

} // namespace

// The request may have left, but the store could not record the answer:
// the code may be on its way and the database still holds it as live, so
// this is an unknown outcome (76) with the challenge id, whatever the store
// error was. The store's message says what became of the file.
void fail_unrecorded(const Context& context,
                     const Recipient& recipient,
                     const Draft& draft,
                     const Reserved& reserved,
                     const core::SendResult& result,
                     const Error& failure)
{
  const auto expires_at = reserved.reservation.expires_at;
  context.out.data(reserved.challenge_id);
  const std::string answer = result.status == core::SendStatus::sent
                                 ? " accepted the message"
                                 : ": " + result.detail;
  // As on the normal path, a signal that stopped the run decides the exit
  // status (130/143, the process re-raises it); the id is given either way.
  const bool interrupted = util::interrupt_signal() != 0;
  throw with_challenge(
      Error(interrupted ? core::ExitCode::interrupted
                        : core::ExitCode::unknown_outcome,
            std::string(interrupted ? "interrupted; " : "") + "provider "
                + result.provider + answer
                + ", but recording the outcome failed: " + failure.what()
                + "; the code may have been delivered and is valid until "
                + utc_time(expires_at)
                + ", do not resend before the retry-after",
            std::max<std::int64_t>(1, expires_at - context.clock.now())),
      challenge_fields(context, recipient, draft, reserved, result, false));
}

namespace {

// Not sent, or not surely: throws the failure for the answer.
[[noreturn]] void fail_not_sent(const Context& context,
                                const Recipient& recipient,
                                const Draft& draft,
                                const Reserved& reserved,
                                const core::SendResult& result)
{
  const bool unknown = result.status == core::SendStatus::unknown;
  if (unknown) {
    // The code may arrive; the caller needs the id to verify it.
    context.out.data(reserved.challenge_id);
  }
  std::string message_text =
      "provider " + result.provider + ": " + result.detail;
  if (unknown) {
    message_text += "; the code stays valid for "
                    + core::format_duration(context.config.ttl.value)
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
  const auto failure = [&] {
    return result.retry_after ? Error(code, message_text, *result.retry_after)
                              : Error(code, message_text);
  };
  if (!unknown) {
    throw failure(); // nothing was sent: no challenge to speak of
  }
  throw with_challenge(
      failure(),
      challenge_fields(context, recipient, draft, reserved, result, false));
}

} // namespace

int report_answer(const Context& context,
                  const Recipient& recipient,
                  const Draft& draft,
                  const Reserved& reserved,
                  const core::SendResult& result)
{
  if (result.status != core::SendStatus::sent) {
    fail_not_sent(context, recipient, draft, reserved, result);
  }
  const auto& out = context.out;
  const auto& config = context.config;
  out.data(reserved.challenge_id);
  out.info("sent to " + recipient.masked + " via " + result.provider
           + "; expires in " + core::format_duration(config.ttl.value)
           + (reserved.reservation.superseded > 0
                  ? "; the previous code no longer works"
                  : ""));
  out.result(
      challenge_fields(context, recipient, draft, reserved, result, true));
  return 0;
}

} // namespace smsotp::cli
