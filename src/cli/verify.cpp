#include "cli/audit.hpp"
#include "cli/code_input.hpp"
#include "cli/commands.hpp"
#include "cli/context.hpp"
#include "cli/signals.hpp"
#include "cli/state.hpp"
#include "core/database_location.hpp"
#include "core/error.hpp"
#include "core/key_file.hpp"
#include "core/otp.hpp"
#include "phone/phone.hpp"
#include "store/store.hpp"

#include <algorithm>
#include <memory>
#include <utility>

namespace smsotp::cli {

namespace {

// Verify's JSON result: the same keys for every outcome (verified, failed
// with exit 1, and beside "error" when the recipient is locked, 75), so a
// script reads one shape. The challenge's fields are null when none was
// found. `attempts_left` is how many more codes that challenge will check:
// 0 once it is consumed, dead or out of attempts, when there is none, and
// while the recipient is locked. `locked`: the recipient is locked now
// (this failure locked it, or it already was and nothing was checked).
nlohmann::json result_fields(const core::VerifyOutcome& outcome,
                             const std::string& masked_to,
                             const std::string& purpose)
{
  const bool found = !outcome.challenge_id.empty();
  const bool locked =
      outcome.locked_now || outcome.reason == core::VerifyReason::locked;
  const bool open =
      found && !locked && outcome.reason == core::VerifyReason::mismatch;
  const auto or_null = [found](const auto& value) {
    return found ? nlohmann::json(value) : nlohmann::json(nullptr);
  };
  return {
      {"verified", outcome.verified()},
      {"reason", std::string(core::verify_reason_name(outcome.reason))},
      {"to", masked_to},
      {"purpose", purpose},
      {"challenge_id", or_null(outcome.challenge_id)},
      {"attempts", or_null(outcome.attempts)},
      {"max_attempts", or_null(outcome.max_attempts)},
      {"attempts_left",
       open ? std::max<std::int64_t>(0, outcome.max_attempts - outcome.attempts)
            : 0},
      {"locked", locked}};
}

} // namespace

int run_verify(const GlobalOptions& global,
               const VerifyOptions& options,
               const Output& out,
               const util::Clock& clock)
{
  const auto context = make_context(global, out, clock, options.key_flags());
  const auto& config = context.config;
  // A number typed the way send printed it ('+' and digits) that the store
  // knows is one phone::normalize() produced, so it is used as it is and
  // libphonenumber is never loaded (issue 9 item 2); any other input is
  // normalised first, as send did. The outcome is the same either way: a
  // stored number is its own normal form. The cost: how long a verify takes
  // tells whether the store holds any row for a number in E.164 form (not
  // whether a code is live), which the man page's SECURITY section states.
  const bool canonical = phone::is_canonical_form(options.to);
  const auto& region = config.default_region.value;
  std::string to;
  if (!canonical) {
    to = phone::normalize(options.to, region);
  }
  // Malformed input can never match, so it is a usage error and no attempt
  // is counted (a typo must not lock anyone out). Which lengths are
  // well-formed (6..10) never depends on the state: a length that differs
  // from the live code's is a counted mismatch (store verify).
  const std::string code = core::normalize_code(read_code(options.code));
  check_interrupted();

  decltype(core::load_key(config.key_path())) key;
  std::unique_ptr<store::Store> store;
  try {
    key = core::load_key(config.key_path());
    store = open_state(context, store::OpenMode::existing_only);
    if (canonical) {
      to = store && store->knows_recipient(options.to)
               ? options.to
               : phone::normalize(options.to, region);
    }
  } catch (const Error&) {
    // An invalid number is a usage error (64) whatever else is wrong, as
    // on the path that parses the number first.
    if (canonical && to.empty()) {
      static_cast<void>(phone::normalize(options.to, region));
    }
    throw;
  }
  auto& audited = audit::record();
  audited.to = phone::mask(to);
  audited.purpose = config.purpose.value;
  core::VerifyOutcome outcome;
  if (store) {
    store::VerifyRequest request{to,
                                 config.purpose.value,
                                 options.challenge_id,
                                 code,
                                 config.lockout_after.value,
                                 config.lockout_duration.value};
    outcome = store->verify(request, key ? &*key : nullptr, clock.now());
  } else {
    // No database yet: nothing was ever sent, so this is "not found". Do
    // the same HMAC work as a real check to keep the timing alike.
    static_cast<void>(core::compute_tag(
        core::Key{}, "ch_none", to, config.purpose.value, code));
    out.detail("no state database at "
               + core::masked_location(config.database_path()));
  }
  // The attempt is committed; only now is anything revealed.
  auto json = result_fields(outcome, phone::mask(to), config.purpose.value);
  const std::string reason = json["reason"];
  audited.challenge_id = outcome.challenge_id;
  audited.outcome = outcome.verified() ? "verified" : reason;
  if (outcome.locked_now) {
    audited.event = "lockout";
  }
  if (outcome.reason == core::VerifyReason::locked) {
    audited.outcome = "locked"; // refused unchecked: the lock holds
    throw Error(core::ExitCode::temporary,
                "recipient " + phone::mask(to)
                    + " is locked after too many failed verifications; "
                      "nothing was checked",
                outcome.retry_after)
        .with_fields(std::make_shared<const nlohmann::json>(std::move(json)));
  }
  if (outcome.verified()) {
    out.data("verified");
    out.result(json);
    return 0;
  }
  // The same words for every kind of rejection; the reason only on request.
  out.data("verification failed");
  out.detail("reason: " + reason
             + (outcome.challenge_id.empty()
                    ? ""
                    : " (attempt " + std::to_string(outcome.attempts) + " of "
                          + std::to_string(outcome.max_attempts) + ")"));
  if (outcome.locked_now) {
    out.detail("this failure locked the recipient for "
               + std::to_string(config.lockout_duration.value) + "s");
  }
  out.result(json);
  return static_cast<int>(core::ExitCode::verify_failed);
}

} // namespace smsotp::cli
