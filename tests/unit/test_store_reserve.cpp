// The Store contract, both backends (STORE_TEST): reserve and finalize, and
// what the store holds. Purge is in test_store_purge.cpp.

#include "store_fixture.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

using smsotp::core::ExitCode;
using smsotp::core::SendResult;
using smsotp::core::SendStatus;
using smsotp::core::VerifyReason;
using smsotp::test::catch_error;
using smsotp::test::k_alice;
using smsotp::test::k_bob;
using smsotp::test::k_t0;
using smsotp::test::StoreFixture;

namespace {

SendResult result(SendStatus status)
{
  return {status, "sms", status == SendStatus::sent ? "SM123" : "", "", {}};
}

// Lower-case hex, as PostgreSQL shows bytea.
std::string hex(const std::string& bytes)
{
  static const char* const k_digits = "0123456789abcdef";
  std::string out;
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    out += k_digits[byte >> 4U];
    out += k_digits[byte & 15U];
  }
  return out;
}

} // namespace

STORE_TEST("reserve records a pending challenge with its expiry")
{
  StoreFixture fixture(B::k_backend);
  auto request = fixture.request("123456");
  request.ttl = 120;
  const auto reservation = fixture.store().reserve(request, k_t0);
  CHECK(reservation.challenge_id == request.challenge_id);
  CHECK(reservation.created_at == k_t0);
  CHECK(reservation.expires_at == k_t0 + 120);
  CHECK(reservation.superseded == 0);
  CHECK(fixture.state_of(request.challenge_id) == "pending");
}

STORE_TEST("a new reserve supersedes the older live challenge")
{
  StoreFixture fixture(B::k_backend);
  const auto old_request = fixture.request("111111");
  fixture.store().reserve(old_request, k_t0);
  const auto bob = fixture.reserve("333333", k_t0, k_bob);
  const auto new_request = fixture.request("222222");
  const auto reservation = fixture.store().reserve(new_request, k_t0 + 40);
  CHECK(reservation.superseded == 1);
  CHECK(fixture.state_of(old_request.challenge_id) == "superseded");

  // The old code is dead, even when asked for by id.
  const auto old_by_id = fixture.store().verify(
      StoreFixture::verify_request("111111", k_alice, old_request.challenge_id),
      &fixture.key(),
      k_t0 + 50);
  CHECK(old_by_id.reason == VerifyReason::expired);
  CHECK_FALSE(fixture.verify("111111", k_t0 + 51).verified());
  CHECK(fixture.verify("222222", k_t0 + 52).verified());
  // Another recipient's challenge was not touched.
  CHECK(fixture.verify("333333", k_t0 + 53, k_bob).verified());
  CHECK(bob.superseded == 0);
}

STORE_TEST("a different purpose does not supersede")
{
  StoreFixture fixture(B::k_backend);
  const auto login = fixture.request("111111", k_alice, "login");
  fixture.store().reserve(login, k_t0);
  const auto reset = fixture.request("222222", k_alice, "reset");
  CHECK(fixture.store().reserve(reset, k_t0 + 1).superseded == 0);
  CHECK(fixture.state_of(login.challenge_id) == "pending");
}

STORE_TEST("finalize sent keeps the code valid and records the message id")
{
  StoreFixture fixture(B::k_backend);
  const auto request = fixture.request("123456");
  fixture.store().reserve(request, k_t0);
  fixture.store().finalize(
      request.challenge_id, result(SendStatus::sent), k_t0 + 1);
  CHECK(fixture.state_of(request.challenge_id) == "sent");
  const auto row = fixture.rows(
      "SELECT provider, provider_message_id FROM challenge WHERE id = ?",
      {request.challenge_id});
  REQUIRE(row.size() == 1);
  CHECK(row[0] == std::vector<std::string>{"sms", "SM123"});
  CHECK(fixture.verify("123456", k_t0 + 2).verified());
}

STORE_TEST("finalize failed drops the code")
{
  for (const auto status :
       {SendStatus::temporary, SendStatus::permanent, SendStatus::auth}) {
    StoreFixture fixture(B::k_backend);
    const auto request = fixture.request("123456");
    fixture.store().reserve(request, k_t0);
    fixture.store().finalize(request.challenge_id, result(status), k_t0 + 1);
    CAPTURE(static_cast<int>(status));
    CHECK(fixture.state_of(request.challenge_id) == "failed");
    const auto outcome = fixture.verify("123456", k_t0 + 2);
    CHECK_FALSE(outcome.verified());
  }
}

STORE_TEST("finalize unknown keeps the code valid")
{
  StoreFixture fixture(B::k_backend);
  const auto request = fixture.request("123456");
  fixture.store().reserve(request, k_t0);
  fixture.store().finalize(
      request.challenge_id, result(SendStatus::unknown), k_t0 + 1);
  CHECK(fixture.state_of(request.challenge_id) == "pending");
  CHECK(fixture.verify("123456", k_t0 + 2).verified());
}

STORE_TEST("reserve for a locked recipient is a temporary error")
{
  StoreFixture fixture(B::k_backend);
  fixture.reserve("123456", k_t0);
  auto wrong = StoreFixture::verify_request("000000");
  wrong.lockout_after = 2;
  wrong.lockout_duration = 600;
  fixture.store().verify(wrong, &fixture.key(), k_t0 + 1);
  CHECK(fixture.store().verify(wrong, &fixture.key(), k_t0 + 2).locked_now);

  const auto before = fixture.count("challenge");
  const auto caught =
      catch_error([&] { fixture.reserve("654321", k_t0 + 12); });
  CHECK(caught.code == ExitCode::temporary);
  CHECK(static_cast<int>(caught.code) == 75);
  REQUIRE(caught.retry_after.has_value());
  CHECK(*caught.retry_after == 600 - 10);
  CHECK(fixture.count("challenge") == before);
  CHECK_NOT_CONTAINS(caught.message, k_alice);

  // Another recipient is not affected; the lock ends after its duration.
  fixture.reserve("654321", k_t0 + 12, k_bob);
  fixture.reserve("654321", k_t0 + 2 + 600);
}

STORE_TEST("the store never holds the code or the key")
{
  StoreFixture fixture(B::k_backend);
  const std::string code = "918273";
  const auto request = fixture.request(code);
  fixture.store().reserve(request, k_t0);
  fixture.store().finalize(
      request.challenge_id, result(SendStatus::sent), k_t0 + 1);
  const std::string key(reinterpret_cast<const char*>(fixture.key().data()),
                        fixture.key().size());
  const auto check_absent = [&](const std::string& stored) {
    REQUIRE(smsotp::test::contains(stored, request.challenge_id));
    CHECK_NOT_CONTAINS(stored, code);
    CHECK_NOT_CONTAINS(stored, "918274");
    CHECK_FALSE(smsotp::test::contains(stored, key));
    CHECK_FALSE(smsotp::test::contains(stored, hex(key)));
  };
  check_absent(fixture.dump());

  CHECK_FALSE(fixture.verify("918274", k_t0 + 2).verified());
  CHECK(fixture.verify(code, k_t0 + 3).verified());
  check_absent(fixture.dump());
  fixture.close();
  check_absent(fixture.dump());
}

STORE_TEST("the recipient is stored as E.164 with its masked form")
{
  StoreFixture fixture(B::k_backend);
  const auto request = fixture.request("123456");
  fixture.store().reserve(request, k_t0);
  const auto row = fixture.rows(
      "SELECT recipient, recipient_masked, expires_at FROM challenge");
  REQUIRE(row.size() == 1);
  CHECK(row[0]
        == std::vector<std::string>{k_alice,
                                    request.recipient_masked,
                                    std::to_string(k_t0 + request.ttl)});
}

STORE_TEST("a code that surely was not sent brings back the one it replaced")
{
  StoreFixture fixture(B::k_backend);
  const auto old_request = fixture.request("111111");
  fixture.store().reserve(old_request, k_t0);
  fixture.store().finalize(
      old_request.challenge_id, result(SendStatus::sent), k_t0 + 1);
  const auto new_request = fixture.request("222222");
  fixture.store().reserve(new_request, k_t0 + 40);
  fixture.store().finalize(
      new_request.challenge_id, result(SendStatus::temporary), k_t0 + 41);
  CHECK(fixture.state_of(old_request.challenge_id) == "sent");
  // The person still holds the first code and types it as usual.
  const auto outcome = fixture.verify("111111", k_t0 + 42);
  CHECK(outcome.reason == VerifyReason::ok);
  CHECK(outcome.challenge_id == old_request.challenge_id);
}

STORE_TEST("a code that was or may have been sent retires the one it replaced")
{
  for (const auto status : {SendStatus::sent, SendStatus::unknown}) {
    StoreFixture fixture(B::k_backend);
    const auto old_request = fixture.request("111111");
    fixture.store().reserve(old_request, k_t0);
    fixture.store().finalize(
        old_request.challenge_id, result(SendStatus::sent), k_t0 + 1);
    const auto new_request = fixture.request("222222");
    fixture.store().reserve(new_request, k_t0 + 40);
    fixture.store().finalize(
        new_request.challenge_id, result(status), k_t0 + 41);
    CAPTURE(static_cast<int>(status));
    const auto by_id =
        fixture.store().verify(StoreFixture::verify_request(
                                   "111111", k_alice, old_request.challenge_id),
                               &fixture.key(),
                               k_t0 + 42);
    CHECK(by_id.reason == VerifyReason::expired);
    CHECK(fixture.verify("222222", k_t0 + 43).verified());
  }
}

STORE_TEST("a failed send that was itself replaced brings back no older code")
{
  // Three sends to one number, from any hosts: X delivered, then N and M
  // reserved while N's provider call is still running; N fails, M is sent.
  // M is the newest code: X must stay replaced (not verifiable by --id),
  // and N, surely not sent, is failed like any unsent code.
  for (const bool m_first : {false, true}) {
    CAPTURE(m_first);
    StoreFixture fixture(B::k_backend);
    const auto x = fixture.request("111111");
    fixture.store().reserve(x, k_t0);
    fixture.store().finalize(x.challenge_id, result(SendStatus::sent), k_t0);
    const auto n = fixture.request("222222");
    fixture.store().reserve(n, k_t0 + 40);
    const auto m = fixture.request("333333");
    fixture.store().reserve(m, k_t0 + 41);
    if (m_first) {
      fixture.store().finalize(
          m.challenge_id, result(SendStatus::sent), k_t0 + 42);
    }
    fixture.store().finalize(
        n.challenge_id, result(SendStatus::temporary), k_t0 + 43);
    if (!m_first) {
      fixture.store().finalize(
          m.challenge_id, result(SendStatus::sent), k_t0 + 43);
    }
    CHECK(fixture.state_of(x.challenge_id) == "superseded");
    CHECK(fixture.state_of(n.challenge_id) == "failed");
    const auto by_id = fixture.store().verify(
        StoreFixture::verify_request("111111", k_alice, x.challenge_id),
        &fixture.key(),
        k_t0 + 44);
    CHECK(by_id.reason == VerifyReason::expired);
    CHECK(fixture.store().live_challenges(k_t0 + 44) == 1);
    CHECK(fixture.verify("333333", k_t0 + 45).verified());
  }
}

STORE_TEST("when every newer send fails, the delivered code is live again")
{
  StoreFixture fixture(B::k_backend);
  const auto x = fixture.request("111111");
  fixture.store().reserve(x, k_t0);
  fixture.store().finalize(x.challenge_id, result(SendStatus::sent), k_t0);
  const auto n = fixture.request("222222");
  fixture.store().reserve(n, k_t0 + 40);
  const auto m = fixture.request("333333");
  fixture.store().reserve(m, k_t0 + 41);
  fixture.store().finalize(
      n.challenge_id, result(SendStatus::temporary), k_t0 + 42);
  fixture.store().finalize(
      m.challenge_id, result(SendStatus::permanent), k_t0 + 43);
  CHECK(fixture.state_of(x.challenge_id) == "sent");
  CHECK(fixture.state_of(n.challenge_id) == "failed");
  CHECK(fixture.state_of(m.challenge_id) == "failed");
  const auto outcome = fixture.verify("111111", k_t0 + 44);
  CHECK(outcome.reason == VerifyReason::ok);
  CHECK(outcome.challenge_id == x.challenge_id);
}
