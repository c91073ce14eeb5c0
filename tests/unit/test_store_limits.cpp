// The Store contract, both backends (STORE_TEST): the sending limits checked
// inside reserve(). Each test turns on only the limit it is about (the
// fixture's requests have every limit off) and checks the exact retry_after.

#include "store_fixture.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

#include <string>

using smsotp::core::ExitCode;
using smsotp::core::SendResult;
using smsotp::core::SendStatus;
using smsotp::store::ReserveRequest;
using smsotp::store::SendLimits;
using smsotp::test::catch_error;
using smsotp::test::Caught;
using smsotp::test::k_alice;
using smsotp::test::k_bob;
using smsotp::test::k_t0;
using smsotp::test::StoreFixture;

namespace {

// Reserves a code for `recipient` and `purpose` under `limits` at `now`;
// returns what reserve() threw (thrown is false when it was allowed).
Caught send(StoreFixture& fixture,
            const SendLimits& limits,
            std::int64_t now,
            const std::string& recipient = k_alice,
            const std::string& purpose = "login")
{
  ReserveRequest request = fixture.request("123456", recipient, purpose);
  request.limits = limits;
  return catch_error([&] { fixture.store().reserve(request, now); });
}

// A refusal by a limit: exit class 75, retry_after `seconds`.
void check_refused(const Caught& caught, std::int64_t seconds)
{
  REQUIRE(caught.thrown);
  CHECK(caught.code == ExitCode::temporary);
  CHECK_CONTAINS(caught.message, "rate limit");
  CHECK_CONTAINS(caught.message, "nothing was sent");
  REQUIRE(caught.retry_after.has_value());
  CHECK(*caught.retry_after == seconds);
}

SendLimits only_per_recipient(std::int64_t count, std::int64_t window)
{
  SendLimits limits = StoreFixture::no_limits();
  limits.per_recipient = count;
  limits.per_recipient_window = window;
  return limits;
}

// "+1555123" followed by four digits: one block of the prefix limit.
std::string in_block(int last_four)
{
  std::string digits = std::to_string(last_four);
  return "+1555123" + std::string(4 - digits.size(), '0') + digits;
}

} // namespace

STORE_TEST("per-recipient count per window refuses with the exact retry_after")
{
  StoreFixture fixture(B::k_backend);
  const SendLimits limits = only_per_recipient(3, 600);
  CHECK_FALSE(send(fixture, limits, k_t0).thrown);
  CHECK_FALSE(send(fixture, limits, k_t0 + 10).thrown);
  CHECK_FALSE(send(fixture, limits, k_t0 + 20).thrown);
  // The oldest send (k_t0) leaves the window at k_t0 + 600.
  check_refused(send(fixture, limits, k_t0 + 30), 570);
  check_refused(send(fixture, limits, k_t0 + 599), 1);
  // A refusal stores nothing.
  CHECK(fixture.count("challenge") == 3);
  CHECK_FALSE(send(fixture, limits, k_t0 + 600).thrown);
  // Now the k_t0 + 10 send is the oldest of three in the window.
  check_refused(send(fixture, limits, k_t0 + 601), 9);
  // Another number has its own count.
  CHECK_FALSE(send(fixture, limits, k_t0 + 601, k_bob).thrown);
}

STORE_TEST("min_interval refuses until the gap has passed")
{
  StoreFixture fixture(B::k_backend);
  SendLimits limits = StoreFixture::no_limits();
  limits.min_interval = 30;
  CHECK_FALSE(send(fixture, limits, k_t0).thrown);
  check_refused(send(fixture, limits, k_t0), 30);
  check_refused(send(fixture, limits, k_t0 + 10), 20);
  check_refused(send(fixture, limits, k_t0 + 29), 1);
  CHECK_FALSE(send(fixture, limits, k_t0 + 29, k_bob).thrown);
  CHECK_FALSE(send(fixture, limits, k_t0 + 30).thrown);
  check_refused(send(fixture, limits, k_t0 + 31), 29);
}

STORE_TEST("the daily cap counts sends to one number over 24 hours")
{
  StoreFixture fixture(B::k_backend);
  SendLimits limits = StoreFixture::no_limits();
  limits.per_recipient_daily = 10;
  for (int i = 0; i < 10; ++i) {
    CAPTURE(i);
    CHECK_FALSE(send(fixture, limits, k_t0 + std::int64_t{i} * 60).thrown);
  }
  check_refused(send(fixture, limits, k_t0 + 1000), 86400 - 1000);
  check_refused(send(fixture, limits, k_t0 + 86399), 1);
  CHECK_FALSE(send(fixture, limits, k_t0 + 1000, k_bob).thrown);
  CHECK_FALSE(send(fixture, limits, k_t0 + 86400).thrown);
}

STORE_TEST("the prefix cap stops a burst across adjacent numbers")
{
  StoreFixture fixture(B::k_backend);
  SendLimits limits = StoreFixture::no_limits();
  limits.per_prefix_hourly = 10;
  for (int i = 0; i < 10; ++i) {
    CAPTURE(i);
    CHECK_FALSE(send(fixture, limits, k_t0 + i, in_block(i * 1000 + 1)).thrown);
  }
  // An 11th number of the block is refused until the first send is an
  // hour old, and so is one that was already used.
  check_refused(send(fixture, limits, k_t0 + 100, in_block(9999)), 3500);
  check_refused(send(fixture, limits, k_t0 + 100, in_block(1)), 3500);
  CHECK(fixture.count("challenge") == 10);
  // The neighbouring block (+1555124....) and the one below it are not
  // affected.
  CHECK_FALSE(send(fixture, limits, k_t0 + 100, "+15551240000").thrown);
  CHECK_FALSE(send(fixture, limits, k_t0 + 100, "+15551229999").thrown);
  CHECK_FALSE(send(fixture, limits, k_t0 + 3600, in_block(9999)).thrown);
}

STORE_TEST("a prefix refusal names the block and the purge that lifts it")
{
  StoreFixture fixture(B::k_backend);
  SendLimits limits = StoreFixture::no_limits();
  limits.per_prefix_hourly = 3;
  for (int i = 0; i < 3; ++i) {
    REQUIRE_FALSE(send(fixture, limits, k_t0 + i, in_block(i + 1)).thrown);
  }
  REQUIRE_FALSE(send(fixture, limits, k_t0, "+15551240000").thrown);
  const auto refused = send(fixture, limits, k_t0 + 10, in_block(9999));
  check_refused(refused, 3590);
  CHECK_CONTAINS(refused.message, "+1555123****");
  CHECK_CONTAINS(refused.message, "smsotp purge --prefix +1555123");
  // The full number is never named (only the block's digits).
  CHECK(refused.message.find(in_block(9999)) == std::string::npos);

  // A failure counter in the block (a lockout in the making) survives the
  // purge of the block: lockouts are lifted one number at a time (--to).
  CHECK_FALSE(fixture.verify("000000", k_t0 + 20, in_block(1)).verified());
  const auto locked_before = fixture.count("recipient");
  CHECK(locked_before == 1);

  smsotp::store::PurgeRequest purge;
  purge.prefix = "+1555123";
  purge.dry_run = true;
  CHECK(fixture.store().purge(purge, k_t0 + 30).challenges == 3);
  CHECK(fixture.count("challenge") == 4);
  purge.dry_run = false;
  const auto counts = fixture.store().purge(purge, k_t0 + 30);
  CHECK(counts.challenges == 3);
  CHECK(counts.recipients == 0);
  CHECK(fixture.count("recipient") == locked_before);
  // The neighbouring block keeps its challenge; the block sends again.
  CHECK(fixture.count("challenge") == 1);
  CHECK_FALSE(send(fixture, limits, k_t0 + 31, in_block(9999)).thrown);
}

STORE_TEST("the global hourly cap counts every number")
{
  StoreFixture fixture(B::k_backend);
  SendLimits limits = StoreFixture::no_limits();
  limits.global_hourly = 3;
  CHECK_FALSE(send(fixture, limits, k_t0, k_alice).thrown);
  CHECK_FALSE(send(fixture, limits, k_t0 + 5, k_bob).thrown);
  CHECK_FALSE(send(fixture, limits, k_t0 + 10, "+61491570156").thrown);
  check_refused(send(fixture, limits, k_t0 + 20, "+33612345678"), 3580);
  CHECK_FALSE(send(fixture, limits, k_t0 + 3600, "+33612345678").thrown);
  check_refused(send(fixture, limits, k_t0 + 3601, "+33612345679"), 4);
}

STORE_TEST("the global daily cap counts every number over 24 hours")
{
  StoreFixture fixture(B::k_backend);
  SendLimits limits = StoreFixture::no_limits();
  limits.global_daily = 2;
  CHECK_FALSE(send(fixture, limits, k_t0, k_alice).thrown);
  CHECK_FALSE(send(fixture, limits, k_t0 + 3600, k_bob).thrown);
  check_refused(send(fixture, limits, k_t0 + 7200, "+61491570156"),
                86400 - 7200);
}

STORE_TEST("a send that surely failed does not count, an unknown one does")
{
  StoreFixture fixture(B::k_backend);
  SendLimits limits = only_per_recipient(1, 600);
  limits.min_interval = 60;

  ReserveRequest failed = fixture.request("123456");
  failed.limits = limits;
  fixture.store().reserve(failed, k_t0);
  fixture.store().finalize(
      failed.challenge_id,
      SendResult(SendStatus::temporary, "outbox", "", "connection refused"),
      k_t0 + 1);
  REQUIRE(fixture.state_of(failed.challenge_id) == "failed");

  // Neither the count nor the interval sees the failed challenge.
  ReserveRequest unknown = fixture.request("654321");
  unknown.limits = limits;
  CHECK_NOTHROW(fixture.store().reserve(unknown, k_t0 + 2));
  fixture.store().finalize(
      unknown.challenge_id,
      SendResult(SendStatus::unknown, "outbox", "", "no answer"),
      k_t0 + 3);
  REQUIRE(fixture.state_of(unknown.challenge_id) == "pending");

  // The unknown outcome may have reached the phone: it counts.
  check_refused(send(fixture, limits, k_t0 + 100), 502);
}

STORE_TEST("limits of 0 are off")
{
  StoreFixture fixture(B::k_backend);
  const SendLimits off = StoreFixture::no_limits();
  CHECK(off.per_recipient == 0);
  for (int i = 0; i < 30; ++i) {
    CAPTURE(i);
    CHECK_FALSE(send(fixture, off, k_t0, in_block(i)).thrown);
    CHECK_FALSE(send(fixture, off, k_t0, k_alice).thrown);
  }
  CHECK(fixture.count("challenge") == 60);
}

STORE_TEST("the default limits refuse a second send within 30 seconds")
{
  StoreFixture fixture(B::k_backend);
  const SendLimits defaults;
  CHECK_FALSE(send(fixture, defaults, k_t0).thrown);
  check_refused(send(fixture, defaults, k_t0 + 1), 29);
  CHECK_FALSE(send(fixture, defaults, k_t0 + 30).thrown);
  CHECK_FALSE(send(fixture, defaults, k_t0 + 60).thrown);
  // Three in ten minutes: the fourth waits for the first to age out.
  check_refused(send(fixture, defaults, k_t0 + 90), 510);
}

STORE_TEST("limits apply per recipient, not per purpose")
{
  StoreFixture fixture(B::k_backend);
  SendLimits limits = only_per_recipient(2, 600);
  CHECK_FALSE(send(fixture, limits, k_t0, k_alice, "login").thrown);
  CHECK_FALSE(send(fixture, limits, k_t0 + 1, k_alice, "signup").thrown);
  check_refused(send(fixture, limits, k_t0 + 2, k_alice, "reset"), 598);
  check_refused(send(fixture, limits, k_t0 + 2, k_alice, "login"), 598);

  SendLimits gap = StoreFixture::no_limits();
  gap.min_interval = 30;
  CHECK_FALSE(send(fixture, gap, k_t0, k_bob, "login").thrown);
  check_refused(send(fixture, gap, k_t0 + 5, k_bob, "signup"), 25);
}
