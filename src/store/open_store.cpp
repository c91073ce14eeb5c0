// Picks the backend store.database names: a path opens the SQLite store, a
// PostgreSQL URI or key=value string the PostgreSQL one (issue 8 item 1).
// What a location is and how it is masked is decided once, in
// core/database_location.cpp (config and cli need it without libpq).

#include "core/database_location.hpp"
#include "store/pg_policy.hpp"
#include "store/pg_store.hpp"

namespace smsotp::store {

std::unique_ptr<Store> open_store(const StoreOptions& options, OpenMode mode)
{
  if (!core::is_postgres_location(options.database)) {
    return open_sqlite_store(options.database, mode);
  }
  detail::check_schema_name(options.schema);
  auto connection = std::make_unique<detail::PgConnection>(
      options, "nothing was sent, checked or changed");
  if (!detail::pg_ensure_schema(*connection, options, mode)) {
    return nullptr;
  }
  return std::make_unique<detail::PgStore>(std::move(connection), options);
}

} // namespace smsotp::store
