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

namespace smsotp::cli {

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
  const std::string reason(core::verify_reason_name(outcome.reason));
  audited.challenge_id = outcome.challenge_id;
  audited.outcome = outcome.verified() ? "verified" : reason;
  if (outcome.locked_now) {
    audited.event = "lockout";
  }
  nlohmann::json json{{"verified", outcome.verified()},
                      {"reason", reason},
                      {"to", phone::mask(to)},
                      {"purpose", config.purpose.value}};
  if (!outcome.challenge_id.empty()) {
    json["challenge_id"] = outcome.challenge_id;
    json["attempts"] = outcome.attempts;
    json["max_attempts"] = outcome.max_attempts;
  }
  if (outcome.reason == core::VerifyReason::locked) {
    audited.outcome = "locked"; // refused unchecked: the lock holds
    const Error failure(core::ExitCode::temporary,
                        "recipient " + phone::mask(to)
                            + " is locked after too many failed verifications; "
                              "nothing was checked",
                        outcome.retry_after);
    out.error(failure, {{"verified", false}, {"reason", reason}});
    return static_cast<int>(failure.code());
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
  json["locked"] = outcome.locked_now;
  out.result(json);
  return static_cast<int>(core::ExitCode::verify_failed);
}

} // namespace smsotp::cli
