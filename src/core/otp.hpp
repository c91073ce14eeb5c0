#pragma once

// One-time codes: generation from a CSPRNG without modulo bias, keyed tags
// (HMAC-SHA-256) that are the only thing stored, constant-time comparison,
// and normalisation of what a person typed.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace smsotp::core {

constexpr int k_min_code_length = 6;
constexpr int k_max_code_length = 10;
constexpr std::size_t k_max_code_input =
    64; // bytes accepted before normalising

// Source of random bytes. The production one is OpenSslRandom; tests inject
// deterministic or failing sources.
class RandomSource
{
public:
  virtual ~RandomSource() = default;
  // Fills `size` bytes; returns false if no good randomness is available.
  virtual bool fill(std::uint8_t* data, std::size_t size) = 0;
};

// RAND_bytes (otp.cpp says why not getrandom(2)); only a return value of
// exactly 1 counts as success.
class OpenSslRandom : public RandomSource
{
public:
  bool fill(std::uint8_t* data, std::size_t size) override;
};

// Makes OpenSSL initialise only what smsotp uses (otp.cpp says what and
// why). Called first thing in main(), before any library can initialise
// OpenSSL with its defaults; calling it later, or again, does no harm.
void init_openssl();

// The rejection-sampling map from one random byte to one decimal digit:
// bytes 0..249 give byte % 10 (each digit from exactly 25 bytes), bytes
// 250..255 are rejected (nullopt) so no digit is favoured.
std::optional<char> digit_from_byte(std::uint8_t byte);

// `length` uniform decimal digits (leading zeros kept). Throws Error
// (internal) if the random source fails; never falls back to anything else.
std::string generate_code(RandomSource& random, int length);

// A fresh, non-secret challenge identifier: "ch_" + 24 hex digits.
std::string new_challenge_id(RandomSource& random);

using Key = std::array<std::uint8_t, 32>;
using Tag = std::array<std::uint8_t, 32>;

// HMAC-SHA-256 over "smsotp/v1", the challenge id, recipient, purpose and
// code, each separated by a NUL byte so that no two inputs collide.
Tag compute_tag(const Key& key,
                std::string_view challenge_id,
                std::string_view recipient,
                std::string_view purpose,
                std::string_view code);

// A non-secret name for `key`: 16 hex digits of HMAC-SHA-256(key,
// "smsotp/key-id/v1"). Stored with each challenge so that a host with a
// different key file can say so; it reveals nothing about the key.
std::string key_id(const Key& key);

// Constant-time equality (CRYPTO_memcmp).
bool tags_equal(const Tag& a, const Tag& b);

// Turns what a person typed into a code: one trailing LF, CRLF or CR and any
// ASCII spaces, tabs and dashes are removed, then 6..10 ASCII digits must
// remain. Throws Error(usage) naming the first offending byte otherwise; such
// input can never match, so callers do not count it as an attempt.
std::string normalize_code(std::string_view input);

} // namespace smsotp::core
