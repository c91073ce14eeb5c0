#pragma once

// Secret bytes: the HMAC key file and provider credentials. Nothing outside
// this file reads them from disk, and no function here prints them.

#include "core/config.hpp"
#include "core/otp.hpp"

#include <optional>
#include <string>

namespace smsotp::core {

// Reads the 32-byte key. Returns nullopt if the file does not exist.
// Throws Error(permission) if it is not private (ssh-style check on the
// opened descriptor), Error(config) if it is not a 32-byte regular file.
std::optional<Key> load_key(const std::string& path);

// Loads the key or, if absent, creates it with O_CREAT|O_EXCL and mode 0600
// (its directory 0700). Two processes racing here end up with the same key.
// Throws Error(cant_create) if the file cannot be created.
Key load_or_create_key(const std::string& path, RandomSource& random);

// Where a provider secret comes from, for `providers` listings.
struct SecretRef
{
  enum class Source
  {
    none,
    file,
    environment,
    inline_value,
  };
  Source source = Source::none;
  std::string detail; // file path or variable name; never the value
  std::string where;  // config location of the key that named it

  std::string describe() const;
};

// Finds how secret `name` of a provider is configured: `<name>_file`,
// `<name>_env` or inline `<name>`. Exactly one may be given.
SecretRef find_secret(const ProviderSpec& spec, const std::string& name);

// Reads secret `name` of `spec` (see find_secret). Files must be private
// (else Error(permission)); inline values need a private config file (else
// Error(permission)); a missing or empty value, an unset variable or control
// characters are Error(config). One trailing LF or CRLF is removed.
// `what` names the secret in messages, e.g. "provider.sms auth_token".
std::string read_secret(const ProviderSpec& spec,
                        const std::string& name,
                        bool config_is_private,
                        const std::string& what);

} // namespace smsotp::core
