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

} // namespace smsotp::core
