// Picks the backend store.database names: a path opens the SQLite store, a
// PostgreSQL URI or key=value string the PostgreSQL one (issue 8 item 1).
// What a location is and how it is masked is decided once, in
// core/database_location.cpp (config and cli need it without libpq).

#include "core/database_location.hpp"
#include "store/pg_module_api.hpp"

#include <sqlite3.h>

namespace smsotp::store {

std::unique_ptr<Store> open_store(const StoreOptions& options, OpenMode mode)
{
  if (!core::is_postgres_location(options.database)) {
    return open_sqlite_store(options.database, mode);
  }
  return detail::open_postgres_store(options, mode);
}

std::vector<std::string> backend_names()
{
  return {"sqlite", "postgresql"};
}

std::string sqlite_library_version()
{
  return sqlite3_libversion();
}

} // namespace smsotp::store
