#pragma once

// The HMAC key for a send: the key file's key, or a new one when there is
// none (or only a partial one) and no live code depends on the old one.

#include "cli/context.hpp"
#include "core/otp.hpp"
#include "store/store.hpp"

namespace smsotp::cli {

// Reads the key file; if it is missing or partial (shorter than a key, what
// an interrupted creation leaves) and the store holds no live challenge,
// creates the key (replacing a partial file, with a warning that names it).
// With live challenges that is Error(config): a new key would silently make
// their codes fail. Other problems are what core::load_or_create_key throws.
core::Key key_for_send(const Context& context,
                       store::Store& store,
                       core::RandomSource& random);

} // namespace smsotp::cli
