// Picks the backend store.database names: a path opens the SQLite store, a
// PostgreSQL URI or key=value string the PostgreSQL one (issue 8 item 1).
// What a location is and how it is masked is decided once, in
// core/database_location.cpp (config and cli need it without libpq).

#include "core/database_location.hpp"
#include "store/pg_policy.hpp"
#include "store/pg_store.hpp"

namespace smsotp::store {

bool is_postgres(const std::string& database)
{
  return core::is_postgres_location(database);
}

bool has_password(const std::string& database)
{
  return core::has_password(database);
}

std::string display_location(const std::string& database)
{
  return core::masked_location(database);
}

std::unique_ptr<Store> open_store(const StoreOptions& options, OpenMode mode)
{
  if (!is_postgres(options.database)) {
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
