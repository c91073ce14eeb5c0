#include "core/types.hpp"

namespace smsotp::core {

std::string_view verify_reason_name(VerifyReason reason)
{
  switch (reason) {
    case VerifyReason::ok:
      return "ok";
    case VerifyReason::mismatch:
      return "mismatch";
    case VerifyReason::expired:
      return "expired";
    case VerifyReason::used:
      return "used";
    case VerifyReason::not_found:
      return "not_found";
    case VerifyReason::too_many_attempts:
    case VerifyReason::locked:
      return "too_many_attempts";
  }
  return "not_found";
}

std::string_view send_status_name(SendStatus status)
{
  switch (status) {
    case SendStatus::sent:
      return "sent";
    case SendStatus::temporary:
      return "temporary";
    case SendStatus::unknown:
      return "unknown";
    case SendStatus::permanent:
      return "permanent";
    case SendStatus::auth:
      return "auth";
  }
  return "unknown";
}

std::string_view check_status_name(CheckResult::Status status)
{
  switch (status) {
    case CheckResult::Status::ok:
      return "ok";
    case CheckResult::Status::credentials_rejected:
      return "credentials_rejected";
    case CheckResult::Status::unreachable:
      return "unreachable";
    case CheckResult::Status::rate_limited:
      return "rate_limited";
    case CheckResult::Status::unexpected_answer:
      return "unexpected_answer";
    case CheckResult::Status::config_error:
      return "config_error";
    case CheckResult::Status::low_balance:
      return "low_balance";
  }
  return "unexpected_answer";
}

std::string balance_text(const std::optional<Balance>& balance)
{
  if (!balance) {
    return "";
  }
  return balance->amount + (balance->currency ? " " + *balance->currency : "");
}

std::string_view delivery_state_name(DeliveryReport::State state)
{
  switch (state) {
    case DeliveryReport::State::pending:
      return "pending";
    case DeliveryReport::State::delivered:
      return "delivered";
    case DeliveryReport::State::failed:
      return "failed";
    case DeliveryReport::State::unknown:
      return "unknown";
  }
  return "unknown";
}

} // namespace smsotp::core
