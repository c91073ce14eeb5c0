// The Store contract, both backends (STORE_TEST): purge.

#include "store_fixture.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

using smsotp::core::SendResult;
using smsotp::core::SendStatus;
using smsotp::core::VerifyReason;
using smsotp::store::PurgeRequest;
using smsotp::test::k_alice;
using smsotp::test::k_bob;
using smsotp::test::k_t0;
using smsotp::test::StoreFixture;

namespace {

// Alice: one consumed, one expired, one failed (all finished by k_t0 + 400)
// and one live challenge (reserved at k_t0 + 400, valid until k_t0 + 700).
struct Scenario
{
  explicit Scenario(StoreFixture& fixture)
  {
    auto consumed = fixture.request("111111", k_alice, "a");
    fixture.store().reserve(consumed, k_t0);
    auto verify = StoreFixture::verify_request("111111");
    verify.purpose = "a";
    REQUIRE(
        fixture.store().verify(verify, &fixture.key(), k_t0 + 1).verified());

    expired = fixture.request("222222", k_alice, "b");
    expired.ttl = 60;
    fixture.store().reserve(expired, k_t0);

    auto failed = fixture.request("333333", k_alice, "c");
    fixture.store().reserve(failed, k_t0);
    fixture.store().finalize(failed.challenge_id,
                             SendResult{SendStatus::permanent, "x", "", "", {}},
                             k_t0 + 2);

    live = fixture.request("444444");
    fixture.store().reserve(live, k_t0 + 400);
  }
  smsotp::store::ReserveRequest expired;
  smsotp::store::ReserveRequest live;
};

} // namespace

STORE_TEST("default purge removes finished challenges and keeps live ones")
{
  StoreFixture fixture(B::k_backend);
  const Scenario scenario(fixture);
  PurgeRequest request;
  const auto counts = fixture.store().purge(request, k_t0 + 500);
  CHECK(counts.challenges == 3);
  CHECK(fixture.count("challenge") == 1);
  CHECK(fixture.state_of(scenario.live.challenge_id) == "pending");
  CHECK(fixture.verify("444444", k_t0 + 501).verified());
}

STORE_TEST("dry-run purge counts without deleting")
{
  StoreFixture fixture(B::k_backend);
  const Scenario scenario(fixture);
  PurgeRequest request;
  request.dry_run = true;
  const auto dry = fixture.store().purge(request, k_t0 + 500);
  CHECK(dry.challenges == 3);
  CHECK(fixture.count("challenge") == 4);
  request.dry_run = false;
  const auto real = fixture.store().purge(request, k_t0 + 500);
  CHECK(real.challenges == dry.challenges);
  CHECK(real.recipients == dry.recipients);
}

STORE_TEST("purge older-than keeps recently finished challenges")
{
  StoreFixture fixture(B::k_backend);
  const auto consumed = fixture.request("111111");
  fixture.store().reserve(consumed, k_t0);
  REQUIRE(fixture.verify("111111", k_t0 + 10).verified());
  PurgeRequest request;
  request.older_than = 3600;
  CHECK(fixture.store().purge(request, k_t0 + 20).challenges == 0);
  CHECK(fixture.state_of(consumed.challenge_id) == "consumed");
  CHECK(fixture.store().purge(request, k_t0 + 10 + 3600).challenges == 1);
  CHECK(fixture.count("challenge") == 0);
}

STORE_TEST("purge older-than removes a code that expired long ago")
{
  // Nothing touched the database between the code's expiry (k_t0 + 300)
  // and the purge, 2 h 40 min later: it is older than 1 h by any reading.
  StoreFixture fixture(B::k_backend);
  fixture.reserve("123456", k_t0);
  PurgeRequest request;
  request.older_than = 3600;
  request.dry_run = true;
  const auto dry = fixture.store().purge(request, k_t0 + 10000);
  request.dry_run = false;
  const auto real = fixture.store().purge(request, k_t0 + 10000);
  CHECK(dry.challenges == 1);
  CHECK(real.challenges == dry.challenges);
  CHECK(fixture.count("challenge") == 0);
}

STORE_TEST("purge of one recipient removes everything about it")
{
  StoreFixture fixture(B::k_backend);
  fixture.reserve("123456", k_t0);
  auto wrong = StoreFixture::verify_request("000000");
  wrong.lockout_after = 1;
  REQUIRE(fixture.store().verify(wrong, &fixture.key(), k_t0 + 1).locked_now);
  const auto bob = fixture.request("654321", k_bob);
  fixture.store().reserve(bob, k_t0);

  PurgeRequest request;
  request.recipient = k_alice;
  const auto counts = fixture.store().purge(request, k_t0 + 2);
  CHECK(counts.challenges == 1);
  CHECK(counts.recipients == 1);
  // The lock is gone, Bob's live challenge stays.
  fixture.reserve("777777", k_t0 + 3);
  CHECK(fixture.verify("777777", k_t0 + 4).verified());
  CHECK(fixture.state_of(bob.challenge_id) == "pending");
}

STORE_TEST("purge all removes every challenge and counter")
{
  StoreFixture fixture(B::k_backend);
  const Scenario scenario(fixture);
  fixture.reserve("654321", k_t0, k_bob);
  CHECK_FALSE(fixture.verify("000000", k_t0 + 1, k_bob).verified());
  PurgeRequest request;
  request.all = true;
  request.dry_run = true;
  const auto dry = fixture.store().purge(request, k_t0 + 500);
  CHECK(dry.challenges == 5);
  CHECK(dry.recipients == 1);
  request.dry_run = false;
  const auto counts = fixture.store().purge(request, k_t0 + 500);
  CHECK(counts.challenges == 5);
  CHECK(counts.recipients == 1);
  CHECK(fixture.count("challenge") == 0);
  CHECK(fixture.count("recipient") == 0);
}

STORE_TEST("idle failure counters are purged but active locks stay")
{
  StoreFixture fixture(B::k_backend);
  fixture.reserve("123456", k_t0);
  fixture.reserve("654321", k_t0, k_bob);
  auto locking = StoreFixture::verify_request("000000", k_bob);
  locking.lockout_after = 1;
  locking.lockout_duration = 7200;
  REQUIRE(fixture.store().verify(locking, &fixture.key(), k_t0).locked_now);
  CHECK_FALSE(fixture.verify("000000", k_t0).verified()); // Alice: counter

  PurgeRequest request;
  request.counter_idle = 3600;
  CHECK(fixture.store().purge(request, k_t0 + 100).recipients == 0);
  CHECK(fixture.store().purge(request, k_t0 + 3600).recipients == 1);
  CHECK(fixture.count("recipient") == 1); // Bob's lock is still active
  const auto outcome = fixture.verify("654321", k_t0 + 3601, k_bob);
  CHECK(outcome.reason == VerifyReason::locked);
}
