#pragma once

// The HMAC key file (DESIGN §4): 32 random bytes, private to its owner,
// created atomically on the first send. Nothing else reads it, and nothing
// here prints it.

#include "core/otp.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace smsotp::core {

// What is at the key path.
struct KeyFileState
{
  enum class Status
  {
    missing,
    valid,
    wrong_size,
  };
  Status status = Status::missing;
  Key key{};             // when valid
  std::int64_t size = 0; // bytes in the file (wrong_size)

  // A file shorter than a key is what an interrupted write leaves behind
  // (older versions wrote the key in place). Only such a file is ever
  // replaced; a longer one is some other file named by mistake.
  [[nodiscard]] bool partial() const
  {
    return status == Status::wrong_size
           && size < static_cast<std::int64_t>(Key{}.size());
  }
};

// Reads the key file. Throws Error(permission) if it is not private
// (ssh-style check on the opened descriptor), Error(config) if it is not a
// regular file, Error(io) if reading fails.
KeyFileState read_key_file(const std::string& path);

// "key file PATH: N bytes; it is not an smsotp key ..." with what to do:
// the one answer (exit 78) for a key file of the wrong size.
std::string wrong_size_message(const std::string& path, std::int64_t size);

// Reads the 32-byte key. Returns nullopt if the file does not exist; throws
// Error(config) with wrong_size_message() if it has the wrong size, and
// what read_key_file() throws.
std::optional<Key> load_key(const std::string& path);

// Loads the key or, if absent, creates it atomically: 32 random bytes go to
// a temporary file (0600, O_EXCL|O_NOFOLLOW) in the same directory, which
// is fsynced and link()ed into place, so the key path never holds a partial
// key and an existing key is never replaced; if another process links first,
// its key is returned. The directory is then fsynced (and created 0700 if
// needed). With `replace_partial`, a partial() key file is replaced by
// rename() under an exclusive lock on it (the caller has made sure that no
// live code depends on it); without, it is Error(config) like any file of
// the wrong size. Throws Error(cant_create) if the key cannot be created.
Key load_or_create_key(const std::string& path,
                       RandomSource& random,
                       bool replace_partial = false);

// Removes the temporary files of key creations that were killed (they are
// never read) once they are an hour old, when no creation can still be
// using them. Errors are ignored: they are litter, not a fault.
void remove_stale_key_temps(const std::string& path);

} // namespace smsotp::core
