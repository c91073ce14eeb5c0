// Secret-file reader: the bytes of a provider secret file (read_secret
// through `token_file`) and of the HMAC key file (load_key), both 0600. A
// secret that is accepted must be non-empty, free of control characters
// and without its trailing newline; a key is exactly 32 bytes.

#include "core/key_file.hpp"
#include "core/secret.hpp"
#include "fuzz_support.hpp"

#include <algorithm>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size)
{
  using namespace smsotp;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto path = fuzz::write_temp_file("secret", bytes, 0600);
  fuzz::expect_only_errors("secret_file", [&] {
    core::ProviderSpec spec;
    spec.name = "fuzz";
    spec.kind = "twilio";
    spec.base_directory = fuzz::temp_dir();
    core::ProviderValue value;
    value.text = path;
    value.where = "fuzz.toml:1:1";
    spec.values.emplace("token_file", value);
    const auto secret =
        core::read_secret(spec, "token", false, "provider.fuzz token");
    const bool control = std::any_of(secret.begin(), secret.end(), [](char c) {
      return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    });
    if (secret.empty() || control) {
      fuzz::fuzz_fail("secret_file",
                      "an empty secret or one with control characters was "
                      "accepted");
    }
  });
  const auto key_path = fuzz::write_temp_file("smsotp.key", bytes, 0600);
  fuzz::expect_only_errors("secret_file", [&] {
    const auto key = core::load_key(key_path);
    if (!key) {
      fuzz::fuzz_fail("secret_file", "an existing key file was not found");
    }
    if (size != key->size()) {
      fuzz::fuzz_fail("secret_file",
                      "a key file of " + std::to_string(size)
                          + " bytes was accepted");
    }
  });
  return 0;
}
