// `providers test NAME --to N [--wait DURATION]`: send one plain message
// that is not a code and, with --wait, follow it through the provider's
// message-status API until it is delivered, failed, or the time is up.
//
// Exit status of --wait (DESIGN §2, man page): delivered 0; the provider
// reports it not delivered 69 (refused: do not retry as is); still pending
// at the deadline, or a final state without a verdict, 76 (outcome
// unknown: it was sent, whether it arrived is not known).

#include "cli/check_report.hpp"
#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "cli/provider_use.hpp"
#include "core/duration.hpp"
#include "core/error.hpp"
#include "phone/phone.hpp"
#include "phone/policy.hpp"
#include "provider/base/keylog.hpp"
#include "provider/http/transport.hpp"
#include "util/interrupt.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <thread>

namespace smsotp::cli {

namespace {

using State = core::DeliveryReport::State;
using SteadyClock = std::chrono::steady_clock;

constexpr std::int64_t k_max_wait_seconds = 3600;
// Pauses before each look at the status: none before the first (the file
// kind knows at once), short ones next (a test message is often delivered
// within seconds), then every 5 s, so a long wait costs the provider's API
// at most 12 requests a minute.
constexpr std::array<std::int64_t, 5> k_pauses_ms{0, 1000, 2000, 3000, 5000};

const char* const k_kinds_with_status =
    "twilio, plivo, telnyx, messagebird, sinch, clicksend and file";

std::optional<std::int64_t> wait_seconds(const ProvidersOptions& options)
{
  if (!options.wait) {
    return std::nullopt;
  }
  const auto seconds = core::parse_duration(*options.wait);
  if (!seconds || *seconds < 1 || *seconds > k_max_wait_seconds) {
    throw Error(core::ExitCode::usage,
                "--wait needs a DURATION from 1s to 1h, such as 30s or 2m");
  }
  return seconds;
}

// Sleeps `milliseconds`; false if SIGINT/SIGTERM arrived meanwhile.
bool pause(std::int64_t milliseconds)
{
  const auto end = SteadyClock::now() + std::chrono::milliseconds(milliseconds);
  while (SteadyClock::now() < end) {
    if (util::interrupt_signal() != 0) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return util::interrupt_signal() == 0;
}

void interrupted()
{
  throw Error(core::ExitCode::interrupted,
              "interrupted while waiting for the delivery status; the test "
              "message was sent");
}

// Asks until a final state or the deadline; the last answer is the result
// (pending if the deadline came first).
core::DeliveryReport follow(provider::Provider& provider,
                            const std::string& message_id,
                            const std::string& to,
                            std::int64_t seconds,
                            const Output& out)
{
  const auto deadline = SteadyClock::now() + std::chrono::seconds(seconds);
  core::DeliveryReport report;
  report.state = State::pending;
  report.detail = "no status asked yet";
  for (std::size_t round = 0;; ++round) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - SteadyClock::now())
                          .count();
    if (left <= 0) {
      return report;
    }
    const auto step = k_pauses_ms.at(std::min(round, k_pauses_ms.size() - 1));
    if (!pause(std::min(step, left))) {
      interrupted();
    }
    report = provider.delivery_status(message_id, to);
    for (const auto& line : report.trace) {
      out.detail(line);
    }
    if (util::interrupt_signal() != 0) {
      interrupted();
    }
    out.detail("delivery status: " + report.detail);
    if (report.state != State::pending) {
      return report;
    }
  }
}

} // namespace

int run_providers_test(const GlobalOptions& global,
                       const ProvidersOptions& options,
                       const Output& out,
                       const util::Clock& clock)
{
  const auto wait = wait_seconds(options);
  const auto context = make_context(global, out, clock);
  const std::string& name = options.names.at(0);
  const std::string number =
      phone::normalize(options.to, context.config.default_region.value);
  // A test message is a real SMS: the same destination policy as send.
  static_cast<void>(phone::check(phone::policy_from(context.config), number));
  const auto providers = make_providers(context, name, "providers NAME");
  auto& provider = *providers.front();
  if (wait && !provider.reports_delivery()) {
    throw Error(core::ExitCode::usage,
                "--wait: provider " + name + " (kind " + provider.info().kind
                    + ") has no message-status API to ask; the kinds with "
                      "one are "
                    + k_kinds_with_status + ". Nothing was sent.");
  }
  const core::Message message{number,
                              context.config.app_name.value
                                  + ": test message from smsotp via " + name
                                  + ". No action needed."};
  const auto start = SteadyClock::now();
  const auto result = provider.send(message);
  for (const auto& line : result.trace) {
    out.detail(line);
  }
  if (provider::take_keylog_warning()) {
    out.warn("SSLKEYLOGFILE was ignored: TLS keys in a file would expose "
             "provider credentials and codes");
  }
  if (result.status != core::SendStatus::sent) {
    const auto code = exit_for_send(result.status);
    const std::string text = "provider " + name + ": " + result.detail;
    // Every 75 and 76 says how long to wait (DESIGN §2).
    const bool wait_applies = code == core::ExitCode::temporary
                              || code == core::ExitCode::unknown_outcome;
    throw wait_applies
        ? Error(code,
                text,
                result.retry_after.value_or(provider::k_default_retry_after))
        : Error(code, text);
  }
  out.data(result.message_id);
  out.info("test message sent to " + phone::mask(number) + " via " + name);
  nlohmann::json summary{{"provider", name},
                         {"status", "sent"},
                         {"to", phone::mask(number)},
                         {"provider_message_id", result.message_id},
                         {"delivery", nullptr}};
  if (!wait) {
    return finish(out, summary, core::ExitCode::success, "");
  }
  const auto report = follow(provider, result.message_id, number, *wait, out);
  const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
                          SteadyClock::now() - start)
                          .count();
  summary["delivery"] = {{"state", core::delivery_state_name(report.state)},
                         {"provider_status",
                          report.provider_status.empty()
                              ? nlohmann::json(nullptr)
                              : nlohmann::json(report.provider_status)},
                         {"detail", report.detail},
                         {"waited_ms", waited}};
  std::string unknown;
  switch (report.state) {
    case State::delivered:
      out.info("delivered: " + report.detail);
      return finish(out, summary, core::ExitCode::success, "");
    case State::failed:
      return finish(out,
                    summary,
                    core::ExitCode::refused,
                    "provider " + name
                        + ": the test message was sent but not "
                          "delivered: "
                        + report.detail);
    case State::pending:
      unknown = ": the test message was sent but is still not delivered "
                "after --wait "
                + core::format_duration(*wait) + " (" + report.detail
                + "); wait longer or check the provider's console";
      break;
    case State::unknown:
      unknown = ": the test message was sent; " + report.detail;
      break;
  }
  // Pending at the deadline or no verdict: 76, with a wait like any 76.
  return finish(out,
                summary,
                core::ExitCode::unknown_outcome,
                "provider " + name + unknown,
                provider::k_default_retry_after);
}

} // namespace smsotp::cli
