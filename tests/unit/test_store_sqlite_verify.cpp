// Tests for src/store/sqlite_verify.cpp: the verification transaction.
// Lockout across challenges is in test_store_sqlite_verify_lockout.cpp.

#include "store_fixture.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

using smsotp::core::ExitCode;
using smsotp::core::VerifyReason;
using smsotp::test::catch_error;
using smsotp::test::k_alice;
using smsotp::test::k_bob;
using smsotp::test::k_t0;
using smsotp::test::StoreFixture;

TEST_CASE("a correct code verifies once and then counts as used")
{
  StoreFixture fixture;
  const auto request = fixture.request("042424");
  fixture.store().reserve(request, k_t0);
  const auto first = fixture.verify("042424", k_t0 + 5);
  CHECK(first.reason == VerifyReason::ok);
  CHECK(first.challenge_id == request.challenge_id);
  CHECK(first.attempts == 1);
  CHECK(fixture.state_of(request.challenge_id) == "consumed");
  const auto second = fixture.verify("042424", k_t0 + 6);
  CHECK(second.reason == VerifyReason::used);
  CHECK_FALSE(second.verified());
}

TEST_CASE("a wrong code is a mismatch and the attempt is counted")
{
  StoreFixture fixture;
  fixture.reserve("123456", k_t0);
  const auto first = fixture.verify("654321", k_t0 + 1);
  CHECK(first.reason == VerifyReason::mismatch);
  CHECK(first.attempts == 1);
  CHECK(first.max_attempts == 5);
  const auto second = fixture.verify("123457", k_t0 + 2);
  CHECK(second.reason == VerifyReason::mismatch);
  CHECK(second.attempts == 2);
  CHECK(fixture.verify("123456", k_t0 + 3).verified());
}

TEST_CASE("after max_attempts even the correct code is refused")
{
  StoreFixture fixture;
  auto request = fixture.request("123456");
  request.max_attempts = 3;
  fixture.store().reserve(request, k_t0);
  for (int i = 1; i <= 3; ++i) {
    const auto outcome = fixture.verify("000000", k_t0 + i);
    CAPTURE(i);
    CHECK(outcome.reason == VerifyReason::mismatch);
    CHECK(outcome.attempts == i);
  }
  CHECK(fixture.state_of(request.challenge_id) == "exhausted");
  const auto correct = fixture.verify("123456", k_t0 + 10);
  CHECK(correct.reason == VerifyReason::too_many_attempts);
  CHECK_FALSE(correct.verified());
}

TEST_CASE("a code is valid until one second before expires_at")
{
  StoreFixture fixture;
  const auto reservation = fixture.reserve("123456", k_t0);
  CHECK(fixture.verify("123456", reservation.expires_at - 1).verified());

  const auto second = fixture.reserve("654321", k_t0 + 10);
  const auto at_expiry = fixture.verify("654321", second.expires_at);
  CHECK(at_expiry.reason == VerifyReason::expired);
  const auto later = fixture.verify("654321", second.expires_at + 100);
  CHECK(later.reason == VerifyReason::expired);
}

TEST_CASE("verify by id only finds that recipient's challenge")
{
  StoreFixture fixture;
  const auto bob = fixture.request("123456", k_bob);
  fixture.store().reserve(bob, k_t0);
  fixture.reserve("123456", k_t0);
  const auto outcome = fixture.store().verify(
      StoreFixture::verify_request("123456", k_alice, bob.challenge_id),
      &fixture.key(),
      k_t0 + 1);
  CHECK(outcome.reason == VerifyReason::not_found);
  CHECK(outcome.challenge_id.empty());
  // Bob's challenge is untouched and still verifies by id.
  const auto own = fixture.store().verify(
      StoreFixture::verify_request("123456", k_bob, bob.challenge_id),
      &fixture.key(),
      k_t0 + 2);
  CHECK(own.reason == VerifyReason::ok);
  CHECK(own.attempts == 1);
}

TEST_CASE("a code only verifies for its purpose and recipient")
{
  StoreFixture fixture;
  fixture.reserve("123456", k_t0);
  auto other_purpose = StoreFixture::verify_request("123456");
  other_purpose.purpose = "reset";
  CHECK(fixture.store().verify(other_purpose, &fixture.key(), k_t0 + 1).reason
        == VerifyReason::not_found);
  CHECK(fixture.verify("123456", k_t0 + 2, k_bob).reason
        == VerifyReason::not_found);
  CHECK(fixture.verify("123456", k_t0 + 3).verified());
}

TEST_CASE("verify with no challenge at all is not_found")
{
  StoreFixture fixture;
  const auto outcome = fixture.verify("123456", k_t0);
  CHECK(outcome.reason == VerifyReason::not_found);
  const auto no_key = fixture.store().verify(
      StoreFixture::verify_request("123456"), nullptr, k_t0);
  CHECK(no_key.reason == VerifyReason::not_found);
}

TEST_CASE("a different key never verifies")
{
  // A challenge from before key ids were stored: only the tags can differ.
  StoreFixture fixture;
  auto request = fixture.request("123456");
  request.key_id.clear();
  fixture.store().reserve(request, k_t0);
  const auto other_key = smsotp::test::test_key(43);
  const auto outcome = fixture.store().verify(
      StoreFixture::verify_request("123456"), &other_key, k_t0 + 1);
  CHECK(outcome.reason == VerifyReason::mismatch);
}

TEST_CASE("a key other than the issuing one is a config error that counts "
          "nothing")
{
  StoreFixture fixture;
  fixture.reserve("123456", k_t0);
  const auto other_key = smsotp::test::test_key(43);
  const auto caught = catch_error([&] {
    fixture.store().verify(
        StoreFixture::verify_request("123456"), &other_key, k_t0 + 1);
  });
  CHECK(caught.code == ExitCode::config);
  // Both ids are named, and the fix.
  CHECK_CONTAINS(caught.message, smsotp::core::key_id(fixture.key()));
  CHECK_CONTAINS(caught.message, smsotp::core::key_id(other_key));
  CHECK_CONTAINS(caught.message, "copy the key file");
  // Neither the attempt nor a failure was counted: the right key still
  // verifies at its first attempt.
  const auto outcome = fixture.verify("123456", k_t0 + 2);
  CHECK(outcome.verified());
  CHECK(outcome.attempts == 1);
}

TEST_CASE("a key mismatch is only reported for a live challenge")
{
  // Used, expired or absent: the other key cannot matter, and saying so
  // would only tell an attacker which key issued a dead code.
  StoreFixture fixture;
  fixture.reserve("123456", k_t0);
  REQUIRE(fixture.verify("123456", k_t0 + 1).verified());
  const auto other_key = smsotp::test::test_key(43);
  const auto used = fixture.store().verify(
      StoreFixture::verify_request("123456"), &other_key, k_t0 + 2);
  CHECK(used.reason == VerifyReason::used);
}

TEST_CASE("a missing key with a live challenge is a config error")
{
  StoreFixture fixture;
  fixture.reserve("123456", k_t0);
  const auto caught = catch_error([&] {
    fixture.store().verify(
        StoreFixture::verify_request("123456"), nullptr, k_t0 + 1);
  });
  CHECK(caught.code == ExitCode::config);
  CHECK(static_cast<int>(caught.code) == 78);
  // Nothing was counted: the next attempt is the first.
  const auto outcome = fixture.verify("123456", k_t0 + 2);
  CHECK(outcome.verified());
  CHECK(outcome.attempts == 1);
}

TEST_CASE("a code of another length is a mismatch and counts an attempt")
{
  StoreFixture fixture;
  fixture.reserve("12345678", k_t0);
  int attempt = 0;
  for (const std::string code : {"123456", "1234567890"}) {
    CAPTURE(code);
    const auto outcome = fixture.verify(code, k_t0 + 1);
    CHECK(outcome.reason == VerifyReason::mismatch);
    CHECK(outcome.attempts == ++attempt);
  }
  CHECK(fixture.verify("12345678", k_t0 + 3).verified());
}

TEST_CASE("a failed delivery is not verifiable")
{
  StoreFixture fixture;
  const auto request = fixture.request("123456");
  fixture.store().reserve(request, k_t0);
  fixture.store().finalize(
      request.challenge_id,
      smsotp::core::SendResult{
          smsotp::core::SendStatus::permanent, "sms", "", "", {}},
      k_t0 + 1);
  const auto outcome = fixture.verify("123456", k_t0 + 2);
  CHECK_FALSE(outcome.verified());
}
