#pragma once

// Values passed between modules. Expected outcomes are values (VerifyOutcome,
// SendResult); operational failures throw smsotp::Error.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace smsotp::core {

enum class VerifyReason
{
  ok,
  mismatch,
  expired,
  used,
  not_found,
  too_many_attempts, // the challenge's attempt cap is reached
  locked,            // the recipient is locked out: nothing was compared
};

std::string_view verify_reason_name(VerifyReason reason);

struct VerifyOutcome
{
  VerifyReason reason = VerifyReason::not_found;
  std::string challenge_id;  // "" when no challenge was found
  std::int64_t attempts = 0; // attempts on that challenge, this one included
  std::int64_t max_attempts = 0;
  std::int64_t retry_after = 0; // seconds, for `locked`
  bool locked_now = false;      // this failure locked the recipient

  [[nodiscard]] bool verified() const
  {
    return reason == VerifyReason::ok;
  }
};

// What a provider did with one message.
enum class SendStatus
{
  sent,      // accepted by the provider
  temporary, // surely not sent (connect failure, 429): retry later
  unknown,   // may have been sent: do not resend before retry_after
  permanent, // rejected (number, policy, TLS trust): do not retry
  auth,      // credentials rejected
};

std::string_view send_status_name(SendStatus status);

struct SendResult
{
  SendResult() = default;
  SendResult(SendStatus status_,
             std::string provider_,
             std::string message_id_,
             std::string detail_,
             std::optional<std::int64_t> retry_after_ = std::nullopt)
      : status(status_), provider(std::move(provider_)),
        message_id(std::move(message_id_)), detail(std::move(detail_)),
        retry_after(retry_after_)
  {}

  SendStatus status = SendStatus::unknown;
  std::string provider;   // configured provider name
  std::string message_id; // provider's id when sent
  std::string detail;     // human explanation, never containing secrets
  std::optional<std::int64_t> retry_after;
  // A permanent failure that is about the recipient (invalid, barred,
  // unsubscribed): another provider would refuse it too, so no failover.
  bool rejected_recipient = false;
  // Redacted lines for --verbose: requests, answers, retries.
  std::vector<std::string> trace;
};

// A provider's recent failure, shared between processes through the store
// so that the next send skips a provider that just failed.
struct ProviderHealth
{
  std::string provider;
  bool healthy = true;
  std::int64_t skip_until = 0; // when unhealthy
  std::string reason;
};

// An account balance as the provider states it: the amount as text (a
// decimal number, never reformatted) and its unit where the API names one
// ("USD"; MessageBird's "credits").
struct Balance
{
  std::string amount;
  std::optional<std::string> currency;
};

// "12.34 USD", "10.5 credits", "7" without a unit; "" for no balance.
std::string balance_text(const std::optional<Balance>& balance);

// The answer to "do these credentials work?", found without sending. A
// check delivers nothing, so its classes are its own, not SendStatus's.
struct CheckResult
{
  enum class Status
  {
    ok,                   // the provider answered with the documented shape
    credentials_rejected, // 401/403 or the kind's credential error code
    unreachable,          // no answer (connect, timeout, 5xx): try later
    rate_limited,         // 429: try after retry_after
    unexpected_answer,    // any other answer (wrong shape, 3xx, TLS trust)
    config_error,         // the local side cannot be checked as configured
    low_balance,          // accepted, but below --min-balance (set by cli)
  };
  Status status = Status::unexpected_answer;
  std::string detail;             // human explanation, never containing secrets
  std::optional<Balance> balance; // where the API tells
  std::optional<std::int64_t> retry_after; // seconds, where one is known
  std::vector<std::string> trace;
};

// "ok", "credentials_rejected", ...: the `providers check` result column and
// its JSON "status".
std::string_view check_status_name(CheckResult::Status status);

// What a provider's message-status API says about one sent message
// (`providers test --wait`). pending: ask again later; delivered and
// failed: final; unknown: final, but the provider cannot or will not say
// (Telnyx's delivery_unconfirmed, Sinch's Unknown, an answer of another
// shape).
struct DeliveryReport
{
  enum class State
  {
    pending,
    delivered,
    failed,
    unknown,
  };
  State state = State::unknown;
  std::string provider_status; // the provider's own word, display-escaped
  std::string detail;          // human explanation, never a secret
  std::vector<std::string> trace;
};

// "pending", "delivered", "failed", "unknown".
std::string_view delivery_state_name(DeliveryReport::State state);

// One SMS to deliver.
struct Message
{
  std::string to;   // E.164
  std::string text; // rendered body
};

} // namespace smsotp::core
