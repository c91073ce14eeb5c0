#pragma once

// Provider credentials (the HMAC key file is in key_file.hpp). Nothing
// outside this file reads them from disk, and no function here prints them.

#include "core/config.hpp"
#include "util/fs.hpp"

#include <optional>
#include <string>

namespace smsotp::core {

// Opens a file that may be missing (a secret file, the key file): nullopt
// for ENOENT; any other failure is Error(permission) for EACCES, else
// Error(config), with `what` before the system's explanation.
std::optional<util::OpenedFile> open_existing(const std::string& path,
                                              const std::string& what);

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
// (else Error(permission)); inline values are read only when
// `config_is_private` (the caller refuses a readable config with inline
// secrets first, so otherwise Error(internal)); a missing or empty value, an
// unset variable or control characters are Error(config). One trailing LF or
// CRLF is removed. `what` names the secret in messages, e.g. "provider.sms
// auth_token".
std::string read_secret(const ProviderSpec& spec,
                        const std::string& name,
                        bool config_is_private,
                        const std::string& what);

} // namespace smsotp::core
