// The Store contract, both backends (STORE_TEST): the per-recipient lockout
// after consecutive failures across challenges.

#include "store_fixture.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

using smsotp::core::VerifyReason;
using smsotp::store::VerifyRequest;
using smsotp::test::k_alice;
using smsotp::test::k_bob;
using smsotp::test::k_t0;
using smsotp::test::StoreFixture;

namespace {

VerifyRequest attempt(const std::string& code,
                      const std::string& recipient = k_alice)
{
  auto request = StoreFixture::verify_request(code, recipient);
  request.lockout_after = 3;
  request.lockout_duration = 60;
  return request;
}

} // namespace

STORE_TEST("lockout_after consecutive failures lock the recipient")
{
  StoreFixture fixture(B::k_backend);
  auto challenge = fixture.request("123456");
  challenge.max_attempts = 10;
  fixture.store().reserve(challenge, k_t0);
  auto& store = fixture.store();
  CHECK_FALSE(
      store.verify(attempt("000001"), &fixture.key(), k_t0 + 1).locked_now);
  CHECK_FALSE(
      store.verify(attempt("000002"), &fixture.key(), k_t0 + 2).locked_now);
  const auto third = store.verify(attempt("000003"), &fixture.key(), k_t0 + 3);
  CHECK(third.reason == VerifyReason::mismatch);
  CHECK(third.locked_now);

  // Locked: even the correct code is not compared, and nothing is counted.
  const auto locked =
      store.verify(attempt("123456"), &fixture.key(), k_t0 + 10);
  CHECK(locked.reason == VerifyReason::locked);
  CHECK(locked.retry_after == 60 - 7);
  CHECK(locked.challenge_id.empty());
  CHECK_FALSE(locked.verified());

  // Another recipient is not locked.
  fixture.reserve("654321", k_t0, k_bob);
  CHECK(store.verify(attempt("654321", k_bob), &fixture.key(), k_t0 + 11)
            .verified());

  // After the lock, the correct code works; the locked tries did not count.
  const auto after = store.verify(attempt("123456"), &fixture.key(), k_t0 + 63);
  CHECK(after.reason == VerifyReason::ok);
  CHECK(after.attempts == 4);
}

STORE_TEST("failures count across challenges")
{
  StoreFixture fixture(B::k_backend);
  auto& store = fixture.store();
  fixture.reserve("111111", k_t0);
  CHECK_FALSE(
      store.verify(attempt("000000"), &fixture.key(), k_t0 + 1).locked_now);
  CHECK_FALSE(
      store.verify(attempt("000000"), &fixture.key(), k_t0 + 2).locked_now);
  fixture.reserve("222222", k_t0 + 3);
  const auto third = store.verify(attempt("000000"), &fixture.key(), k_t0 + 4);
  CHECK(third.locked_now);
  CHECK(store.verify(attempt("222222"), &fixture.key(), k_t0 + 5).reason
        == VerifyReason::locked);
}

STORE_TEST("failures without a challenge count toward the lock")
{
  StoreFixture fixture(B::k_backend);
  auto& store = fixture.store();
  store.verify(attempt("000000"), &fixture.key(), k_t0);
  store.verify(attempt("000000"), &fixture.key(), k_t0 + 1);
  CHECK(store.verify(attempt("000000"), &fixture.key(), k_t0 + 2).locked_now);
}

STORE_TEST("a success resets the failure counter")
{
  StoreFixture fixture(B::k_backend);
  auto& store = fixture.store();
  fixture.reserve("111111", k_t0);
  store.verify(attempt("000000"), &fixture.key(), k_t0 + 1);
  store.verify(attempt("000000"), &fixture.key(), k_t0 + 2);
  REQUIRE(store.verify(attempt("111111"), &fixture.key(), k_t0 + 3).verified());

  fixture.reserve("222222", k_t0 + 4);
  CHECK_FALSE(
      store.verify(attempt("000000"), &fixture.key(), k_t0 + 5).locked_now);
  CHECK_FALSE(
      store.verify(attempt("000000"), &fixture.key(), k_t0 + 6).locked_now);
  CHECK(store.verify(attempt("000000"), &fixture.key(), k_t0 + 7).locked_now);
}

STORE_TEST("the lock lifts after lockout_duration and counting starts again")
{
  StoreFixture fixture(B::k_backend);
  auto& store = fixture.store();
  for (int i = 0; i < 3; ++i) {
    store.verify(attempt("000000"), &fixture.key(), k_t0 + i);
  }
  CHECK(store.verify(attempt("000000"), &fixture.key(), k_t0 + 61).reason
        == VerifyReason::locked);
  // locked_until = k_t0 + 2 + 60.
  const auto lifted =
      store.verify(attempt("000000"), &fixture.key(), k_t0 + 62);
  CHECK(lifted.reason == VerifyReason::not_found);
  CHECK_FALSE(lifted.locked_now);
  fixture.reserve("123456", k_t0 + 63);
  CHECK(store.verify(attempt("123456"), &fixture.key(), k_t0 + 64).verified());
}
