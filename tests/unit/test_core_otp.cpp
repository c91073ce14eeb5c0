// Tests for src/core/otp.cpp: code generation and keyed tags. Input
// normalisation is in test_core_otp_normalize.cpp.

#include "core/otp.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <map>

using smsotp::core::ExitCode;
using smsotp::core::Key;
using smsotp::core::Tag;
using smsotp::test::catch_error;
using smsotp::test::FakeRandom;

namespace {

// The first `length` bytes of `bytes` that the rejection sampler accepts,
// as digits: what generate_code must produce from that byte stream.
std::string expected_code(const std::vector<std::uint8_t>& bytes,
                          std::size_t length)
{
  std::string code;
  for (std::size_t i = 0; code.size() < length; ++i) {
    const auto byte = bytes[i % bytes.size()];
    if (byte < 250) {
      code += static_cast<char>('0' + byte % 10);
    }
  }
  return code;
}

Tag reference_hmac(const Key& key, const std::string& message)
{
  Tag tag{};
  unsigned int size = 0;
  REQUIRE(HMAC(EVP_sha256(),
               key.data(),
               static_cast<int>(key.size()),
               reinterpret_cast<const unsigned char*>(message.data()),
               message.size(),
               tag.data(),
               &size)
          != nullptr);
  REQUIRE(size == tag.size());
  return tag;
}

} // namespace

TEST_CASE("digit_from_byte maps all 256 bytes without bias")
{
  std::map<char, int> per_digit;
  int rejected = 0;
  for (int value = 0; value < 256; ++value) {
    const auto digit =
        smsotp::core::digit_from_byte(static_cast<std::uint8_t>(value));
    CAPTURE(value);
    if (value >= 250) {
      CHECK_FALSE(digit.has_value());
    }
    if (!digit) {
      ++rejected;
      continue;
    }
    REQUIRE(*digit >= '0');
    REQUIRE(*digit <= '9');
    CHECK(*digit - '0' == value % 10);
    ++per_digit[*digit];
  }
  CHECK(rejected == 6);
  CHECK(per_digit.size() == 10);
  for (const auto& item : per_digit) {
    // Not a structured binding: clang 14 (clang-tidy) cannot capture one.
    const auto& digit = std::get<0>(item);
    const auto& count = std::get<1>(item);
    CAPTURE(digit);
    CHECK(count == 25);
  }
}

TEST_CASE("generate_code of all-zero bytes is all zeros")
{
  FakeRandom zeros({0});
  CHECK(smsotp::core::generate_code(zeros, 6) == "000000");
  CHECK(smsotp::core::generate_code(zeros, 10) == "0000000000");
}

TEST_CASE("generate_code keeps leading zeros and skips rejected bytes")
{
  const std::vector<std::uint8_t> stream{
      250, 0, 255, 10, 251, 20, 252, 253, 254, 1, 249, 123, 7, 8, 9};
  FakeRandom random(stream);
  const auto code = smsotp::core::generate_code(random, 6);
  CHECK(code == expected_code(stream, 6));
  CHECK(code.starts_with("000"));
}

TEST_CASE("generate_code honours every length from 6 to 10")
{
  std::vector<std::uint8_t> stream;
  for (int i = 0; i < 97; ++i) {
    stream.push_back(static_cast<std::uint8_t>((i * 37 + 11) & 0xff));
  }
  for (int length = 6; length <= 10; ++length) {
    FakeRandom random(stream);
    const auto code = smsotp::core::generate_code(random, length);
    CAPTURE(length);
    CHECK(code.size() == static_cast<std::size_t>(length));
    CHECK(code == expected_code(stream, static_cast<std::size_t>(length)));
  }
}

TEST_CASE("generate_code refuses lengths outside 6 to 10")
{
  FakeRandom random({1});
  for (const int length : {0, 5, 11, -1}) {
    CAPTURE(length);
    const auto caught =
        catch_error([&] { smsotp::core::generate_code(random, length); });
    CHECK(caught.thrown);
  }
}

TEST_CASE("a failing random source is an internal error")
{
  smsotp::test::FailingRandom random;
  const auto caught =
      catch_error([&] { smsotp::core::generate_code(random, 6); });
  CHECK(caught.thrown);
  CHECK(caught.code == ExitCode::internal);
  CHECK(static_cast<int>(caught.code) == 70);
  CHECK(random.calls() == 1); // no second try with the same source

  smsotp::test::FailingRandom for_id;
  const auto id_caught =
      catch_error([&] { smsotp::core::new_challenge_id(for_id); });
  CHECK(id_caught.code == ExitCode::internal);
}

TEST_CASE("a source of only rejected bytes throws instead of looping")
{
  FakeRandom random({0xff});
  const auto caught =
      catch_error([&] { smsotp::core::generate_code(random, 6); });
  CHECK(caught.thrown);
  CHECK(caught.code == ExitCode::internal);
  CHECK(random.calls() < 1000);
}

TEST_CASE("generated codes from RAND_bytes are uniform decimal strings")
{
  smsotp::core::OpenSslRandom random;
  std::array<int, 10> counts{};
  constexpr int k_codes = 2000;
  for (int i = 0; i < k_codes; ++i) {
    const auto code = smsotp::core::generate_code(random, 10);
    REQUIRE(code.size() == 10);
    for (const char c : code) {
      REQUIRE(c >= '0');
      REQUIRE(c <= '9');
      ++counts[static_cast<std::size_t>(c - '0')];
    }
  }
  // 20000 digits: 2000 expected per digit, standard deviation about 42.
  for (const int count : counts) {
    CHECK(count > 1700);
    CHECK(count < 2300);
  }
}

TEST_CASE("new_challenge_id is ch_ and 24 hex digits of random bytes")
{
  std::vector<std::uint8_t> bytes;
  for (std::uint8_t i = 0; i < 12; ++i) {
    bytes.push_back(static_cast<std::uint8_t>(i * 17));
  }
  FakeRandom random(bytes);
  const auto id = smsotp::core::new_challenge_id(random);
  std::string hex;
  for (const auto byte : bytes) {
    static constexpr const char* k_digits = "0123456789abcdef";
    hex += k_digits[byte / 16];
    hex += k_digits[byte % 16];
  }
  CHECK(id == "ch_" + hex);
  CHECK(id.size() == 3 + 24);
}

TEST_CASE("the reference HMAC reproduces RFC 4231 test case 2")
{
  // Guards the cross-checks below: key "Jefe", data "what do ya want for
  // nothing?".
  const std::string key = "Jefe";
  const std::string data = "what do ya want for nothing?";
  std::array<unsigned char, 32> mac{};
  unsigned int size = 0;
  HMAC(EVP_sha256(),
       key.data(),
       static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()),
       data.size(),
       mac.data(),
       &size);
  std::string hex;
  for (const auto byte : mac) {
    static constexpr const char* k_digits = "0123456789abcdef";
    hex += k_digits[byte / 16];
    hex += k_digits[byte % 16];
  }
  CHECK(hex
        == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("compute_tag is HMAC-SHA-256 over the documented message layout")
{
  const Key key = smsotp::test::test_key(7);
  const std::string id = "ch_0123456789abcdef01234567";
  const std::string message = std::string("smsotp/v1") + '\0' + id + '\0'
                              + "+15551234567" + '\0' + "login" + '\0'
                              + "012345";
  CHECK(smsotp::core::compute_tag(key, id, "+15551234567", "login", "012345")
        == reference_hmac(key, message));
}

TEST_CASE("compute_tag binds every field")
{
  const Key key = smsotp::test::test_key(1);
  const auto base =
      smsotp::core::compute_tag(key, "ch_a", "+15551234567", "login", "123456");
  CHECK(base
        == smsotp::core::compute_tag(
            key, "ch_a", "+15551234567", "login", "123456"));
  CHECK(base
        != smsotp::core::compute_tag(
            key, "ch_b", "+15551234567", "login", "123456"));
  CHECK(base
        != smsotp::core::compute_tag(
            key, "ch_a", "+15551234568", "login", "123456"));
  CHECK(base
        != smsotp::core::compute_tag(
            key, "ch_a", "+15551234567", "reset", "123456"));
  CHECK(base
        != smsotp::core::compute_tag(
            key, "ch_a", "+15551234567", "login", "123457"));
  CHECK(base
        != smsotp::core::compute_tag(smsotp::test::test_key(2),
                                     "ch_a",
                                     "+15551234567",
                                     "login",
                                     "123456"));
}

TEST_CASE("compute_tag separates fields so shifted boundaries differ")
{
  const Key key = smsotp::test::test_key(3);
  CHECK(smsotp::core::compute_tag(key, "ab", "c", "p", "123456")
        != smsotp::core::compute_tag(key, "a", "bc", "p", "123456"));
  CHECK(smsotp::core::compute_tag(key, "id", "+1555", "login1", "23456")
        != smsotp::core::compute_tag(key, "id", "+1555", "login", "123456"));
  CHECK(smsotp::core::compute_tag(key, "", "x", "p", "123456")
        != smsotp::core::compute_tag(key, "x", "", "p", "123456"));
}

TEST_CASE("tags_equal compares every byte")
{
  const Key key = smsotp::test::test_key(9);
  const auto tag = smsotp::core::compute_tag(key, "ch", "+1", "p", "123456");
  CHECK(smsotp::core::tags_equal(tag, tag));
  for (std::size_t i = 0; i < tag.size(); ++i) {
    auto other = tag;
    other[i] ^= 0x01;
    CAPTURE(i);
    CHECK_FALSE(smsotp::core::tags_equal(tag, other));
  }
}

TEST_CASE("key_id names a key without revealing it")
{
  const auto key = smsotp::test::test_key(42);
  const auto id = smsotp::core::key_id(key);
  CHECK(id.size() == 16);
  CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
  // Stable for one key, different for another.
  CHECK(smsotp::core::key_id(key) == id);
  CHECK(smsotp::core::key_id(smsotp::test::test_key(43)) != id);
  // It is a keyed digest, not the key's bytes in hex.
  std::string key_hex;
  for (const auto byte : key) {
    key_hex += "0123456789abcdef"[byte >> 4U];
    key_hex += "0123456789abcdef"[byte & 0x0fU];
  }
  CHECK(key_hex.find(id) == std::string::npos);
}
