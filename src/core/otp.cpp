#include "core/otp.hpp"

#include "core/error.hpp"
#include "util/string.hpp"

#include <climits>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <vector>

namespace smsotp::core {

// OpenSSL, only what smsotp uses (issue 9; the measurements are in
// bench/README.md and research/verify-floor.md §1):
// - openssl.cnf is still loaded, lazily by the first HMAC or by libcurl:
//   it is where an administrator turns on the FIPS provider or sets a
//   system-wide TLS policy, which both the HMAC here and send's TLS must
//   follow. Skipping it would save about 0.1 ms.
// - No libcrypto error strings (about 0.2 ms): smsotp never prints an
//   OpenSSL error text, its own messages say what failed. In libcurl's TLS
//   errors libssl's reasons and the certificate check's texts stay (they
//   are loaded by libssl or built in); a rare libcrypto reason would show
//   as a number.
// - No clean-up at exit (about 0.08 ms): it frees memory and zeroes DRBG
//   state of a process that is ending; the kernel discards both.
// - HMAC() stays the MAC: the one-shot is not deprecated, runs through the
//   provider (so a FIPS provider applies) and costs what EVP_MAC costs,
//   since fetching the algorithm is the cost either way. The low-level
//   SHA256_* functions would save about 0.5 ms more but are deprecated in
//   OpenSSL 3 and bypass the providers, FIPS included.
void init_openssl()
{
  OPENSSL_init_crypto(
      OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS | OPENSSL_INIT_NO_ATEXIT, nullptr);
}

// OpenSSL's RAND_bytes, not getrandom(2), although its DRBG costs about
// 1.2 ms to set up per process (verify-floor.md §1.4): DESIGN §4 makes
// RAND_bytes the source of codes, and under a FIPS configuration (kept
// loadable above for exactly that) only the provider's approved DRBG may
// produce them. Only a return value of exactly 1 counts as success.
bool OpenSslRandom::fill(std::uint8_t* data, std::size_t size)
{
  if (size > static_cast<std::size_t>(INT_MAX)) {
    return false;
  }
  return RAND_bytes(data, static_cast<int>(size)) == 1;
}

std::optional<char> digit_from_byte(std::uint8_t byte)
{
  if (byte >= 250) {
    return std::nullopt;
  }
  return static_cast<char>('0' + byte % 10);
}

namespace {

void fill_or_throw(RandomSource& random, std::uint8_t* data, std::size_t size)
{
  if (!random.fill(data, size)) {
    throw Error(ExitCode::internal,
                "random number generator failed; nothing was stored or sent");
  }
}

} // namespace

std::string generate_code(RandomSource& random, int length)
{
  if (length < k_min_code_length || length > k_max_code_length) {
    throw Error(ExitCode::internal, "code length out of range");
  }
  std::string code;
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(length) + 4);
  // Each byte is rejected with probability 6/256, so a second round is rare
  // and a tenth practically impossible; the bound only stops a broken source
  // that returns success with constant rejected bytes.
  for (int round = 0;
       round < 64 && code.size() < static_cast<std::size_t>(length);
       ++round) {
    fill_or_throw(random, bytes.data(), bytes.size());
    for (const auto byte : bytes) {
      if (const auto digit = digit_from_byte(byte);
          digit && code.size() < static_cast<std::size_t>(length)) {
        code += *digit;
      }
    }
  }
  if (code.size() != static_cast<std::size_t>(length)) {
    throw Error(ExitCode::internal,
                "random number generator returned unusable data");
  }
  return code;
}

std::string new_challenge_id(RandomSource& random)
{
  std::array<std::uint8_t, 12> bytes{};
  fill_or_throw(random, bytes.data(), bytes.size());
  return "ch_" + util::to_hex(bytes.data(), bytes.size());
}

Tag compute_tag(const Key& key,
                std::string_view challenge_id,
                std::string_view recipient,
                std::string_view purpose,
                std::string_view code)
{
  std::string message = "smsotp/v1";
  for (const auto field : {challenge_id, recipient, purpose, code}) {
    message += '\0';
    message += field;
  }
  Tag tag{};
  unsigned int size = 0;
  const auto* result =
      HMAC(EVP_sha256(),
           key.data(),
           static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()),
           message.size(),
           tag.data(),
           &size);
  OPENSSL_cleanse(message.data(), message.size());
  if (result == nullptr || size != tag.size()) {
    throw Error(ExitCode::internal, "HMAC-SHA-256 failed");
  }
  return tag;
}

std::string key_id(const Key& key)
{
  static constexpr std::string_view k_label = "smsotp/key-id/v1";
  Tag digest{};
  unsigned int size = 0;
  const auto* result =
      HMAC(EVP_sha256(),
           key.data(),
           static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(k_label.data()),
           k_label.size(),
           digest.data(),
           &size);
  if (result == nullptr || size != digest.size()) {
    throw Error(ExitCode::internal, "HMAC-SHA-256 failed");
  }
  // The first 8 bytes: 16 hex digits.
  return util::to_hex(digest.data(), 8);
}

bool tags_equal(const Tag& a, const Tag& b)
{
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string normalize_code(std::string_view input)
{
  if (input.size() > k_max_code_input) {
    throw Error(ExitCode::usage,
                "code: too long (" + std::to_string(input.size())
                    + " bytes, max " + std::to_string(k_max_code_input) + ")");
  }
  // One line ending: LF, CRLF, or a lone CR left over when the reader
  // already removed the LF of a CRLF line.
  if (input.ends_with("\r\n")) {
    input.remove_suffix(2);
  } else if (input.ends_with('\n') || input.ends_with('\r')) {
    input.remove_suffix(1);
  }
  std::string code;
  for (std::size_t i = 0; i < input.size(); ++i) {
    const auto byte = static_cast<unsigned char>(input[i]);
    if (byte == ' ' || byte == '\t' || byte == '-') {
      continue;
    }
    if (byte >= '0' && byte <= '9') {
      code += static_cast<char>(byte);
      continue;
    }
    const std::string shown = util::escape_for_display(input.substr(i, 1));
    if (byte >= 0x80) {
      throw Error(ExitCode::usage,
                  "code: non-ASCII byte " + shown + " at byte "
                      + std::to_string(i)
                      + " (type the digits from the message)");
    }
    throw Error(ExitCode::usage,
                "code: unexpected character '" + shown + "' at byte "
                    + std::to_string(i) + " (only digits, spaces and dashes)");
  }
  if (code.size() < static_cast<std::size_t>(k_min_code_length)
      || code.size() > static_cast<std::size_t>(k_max_code_length)) {
    throw Error(ExitCode::usage,
                "code: expected " + std::to_string(k_min_code_length) + " to "
                    + std::to_string(k_max_code_length) + " digits, got "
                    + std::to_string(code.size()));
  }
  return code;
}

} // namespace smsotp::core
