// The executable's side of the PostgreSQL module: loads postgresql.so the
// first time a PostgreSQL location is opened (core/module.hpp says why).
// Never linked together with pg_module.cpp.

#include "core/module.hpp"
#include "store/pg_module_api.hpp"

namespace smsotp::store::detail {

std::unique_ptr<Store> open_postgres_store(const StoreOptions& options,
                                           OpenMode mode)
{
  static const auto* api = static_cast<const PgModuleApi*>(
      core::load_module({.name = "postgresql",
                         .purpose = "use a PostgreSQL store",
                         .library = "libpq",
                         .package = "libpq5"},
                        k_pg_module_abi));
  return api->open(options, mode);
}

} // namespace smsotp::store::detail
