// Opens the PostgreSQL store: the one function the PostgreSQL module gives
// the executable (pg_module.cpp, core/module.hpp).

#include "store/pg_module_api.hpp"
#include "store/pg_policy.hpp"
#include "store/pg_store.hpp"

namespace smsotp::store::detail {

std::unique_ptr<Store> open_postgres_store(const StoreOptions& options,
                                           OpenMode mode)
{
  check_schema_name(options.schema);
  auto connection = std::make_unique<PgConnection>(
      options, "nothing was sent, checked or changed");
  if (!pg_ensure_schema(*connection, options, mode)) {
    return nullptr;
  }
  return std::make_unique<PgStore>(std::move(connection), options);
}

} // namespace smsotp::store::detail
