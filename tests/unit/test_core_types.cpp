// Tests for src/core/types.cpp.

#include "core/types.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

using smsotp::core::SendStatus;
using smsotp::core::VerifyReason;

TEST_CASE("verify reasons use the names of DESIGN §1")
{
  using smsotp::core::verify_reason_name;
  CHECK(verify_reason_name(VerifyReason::ok) == "ok");
  CHECK(verify_reason_name(VerifyReason::mismatch) == "mismatch");
  CHECK(verify_reason_name(VerifyReason::expired) == "expired");
  CHECK(verify_reason_name(VerifyReason::used) == "used");
  CHECK(verify_reason_name(VerifyReason::not_found) == "not_found");
  CHECK(verify_reason_name(VerifyReason::too_many_attempts)
        == "too_many_attempts");
  // A lockout is reported with the documented word, not a new one.
  CHECK(verify_reason_name(VerifyReason::locked) == "too_many_attempts");
}

TEST_CASE("send status names")
{
  using smsotp::core::send_status_name;
  CHECK(send_status_name(SendStatus::sent) == "sent");
  CHECK(send_status_name(SendStatus::temporary) == "temporary");
  CHECK(send_status_name(SendStatus::unknown) == "unknown");
  CHECK(send_status_name(SendStatus::permanent) == "permanent");
  CHECK(send_status_name(SendStatus::auth) == "auth");
}

TEST_CASE("only the ok reason counts as verified")
{
  smsotp::core::VerifyOutcome outcome;
  CHECK_FALSE(outcome.verified());
  for (const auto reason : {VerifyReason::mismatch,
                            VerifyReason::expired,
                            VerifyReason::used,
                            VerifyReason::not_found,
                            VerifyReason::too_many_attempts,
                            VerifyReason::locked}) {
    outcome.reason = reason;
    CHECK_FALSE(outcome.verified());
  }
  outcome.reason = VerifyReason::ok;
  CHECK(outcome.verified());
}
