// TEMPORARY (issue 8): open_store() is declared in store/store.hpp but not
// defined on main yet. This weak definition lets the parameterised store
// tests link meanwhile; their PostgreSQL variants fail with this message.
// Remove this file once src/store has open_store().

#include "store/store.hpp"

#include <stdexcept>

namespace smsotp::store {

__attribute__((weak)) std::unique_ptr<Store>
open_store(const StoreOptions& /*options*/, OpenMode /*mode*/)
{
  throw std::runtime_error("open_store() is not implemented yet");
}

} // namespace smsotp::store
