// Picks the backend store.database names.

#include "core/database_location.hpp"
#include "core/error.hpp"
#include "store/store.hpp"

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
  if (is_postgres(options.database)) {
    throw Error(core::ExitCode::config,
                "store.database names a PostgreSQL server, which this build "
                "cannot reach yet");
  }
  return open_sqlite_store(options.database, mode);
}

} // namespace smsotp::store
