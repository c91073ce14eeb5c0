#pragma once

// What `send` carries from one step of its flow to the next (DESIGN §3:
// normalise → policy → compose → reserve → deliver → finalize → output),
// and the functions that report each outcome (send_report.cpp). The steps
// themselves are in send.cpp.

#include "cli/context.hpp"
#include "core/types.hpp"
#include "message/compose.hpp"
#include "phone/policy.hpp"
#include "provider/base/chain.hpp"
#include "store/store.hpp"

#include <memory>
#include <string>
#include <vector>

namespace smsotp::cli {

// Where the code goes, once the number is normalised and the destination
// policy allows it.
struct Recipient
{
  std::string to;     // E.164
  std::string masked; // display form, the only one printed
  phone::Destination destination;
};

// The message with the code masked (it costs what the real one will): the
// template chosen for the recipient and what it costs in segments.
struct Draft
{
  message::Selected selected;
  message::TemplateValues values; // `code` is asterisks
  message::Composed preview;
};

// A committed reservation: the store holds the new challenge (the keyed
// hash of its code, older live ones superseded), and `message` carries the
// real code, never printed.
struct Reserved
{
  std::unique_ptr<store::Store> store;
  std::string challenge_id;
  store::Reservation reservation;
  core::Message message;
};

// "destination +15*******67: country US, mobile" (--verbose).
std::string destination_summary(const Recipient& recipient);
// "message.templates.de: GSM-7, 1 segment (58 of 160 septets)".
std::string message_summary(const Draft& draft);

// --dry-run: the masked message and each provider's request; exit 0.
int report_dry_run(
    const Context& context,
    const std::vector<std::unique_ptr<provider::Provider>>& providers,
    const Recipient& recipient,
    const Draft& draft);

// Notes, the redacted HTTP trace (--verbose) and the SSLKEYLOGFILE warning.
void report_delivery(const Output& out, const provider::ChainResult& chain);

// The request may have left but recording the answer failed: throws the
// failure for exit 76 (or 130/143 after a signal) with send's fields, the
// challenge id among them.
[[noreturn]] void fail_unrecorded(const Context& context,
                                  const Recipient& recipient,
                                  const Draft& draft,
                                  const Reserved& reserved,
                                  const core::SendResult& result,
                                  const Error& failure);

// The provider's answer once recorded: the challenge id and exit 0 when
// sent; otherwise throws the failure for the answer (with send's fields,
// the id among them, when the outcome is unknown, as the code may arrive).
int report_answer(const Context& context,
                  const Recipient& recipient,
                  const Draft& draft,
                  const Reserved& reserved,
                  const core::SendResult& result);

} // namespace smsotp::cli
