// The PostgreSQL module's entry point: built into postgresql.so with the
// pg_* files, never into the executable (see core/module.hpp).

#include "core/module.hpp"
#include "store/pg_module_api.hpp"

namespace {

constexpr smsotp::store::detail::PgModuleApi k_api{
    smsotp::store::detail::open_postgres_store,
};

} // namespace

SMSOTP_MODULE_ENTRY
{
  return abi == smsotp::store::detail::k_pg_module_abi ? &k_api : nullptr;
}
