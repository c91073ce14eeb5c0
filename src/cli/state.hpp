#pragma once

// The state database as commands open it: where it lives and how long to
// wait come from store.* in the config.

#include "cli/context.hpp"
#include "store/store.hpp"

#include <memory>

namespace smsotp::cli {

// store::open_store with the context's store.* settings; nullptr when
// `mode` is existing_only and there is no database yet.
std::unique_ptr<store::Store> open_state(const Context& context,
                                         store::OpenMode mode);

} // namespace smsotp::cli
