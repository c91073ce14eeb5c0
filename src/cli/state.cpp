#include "cli/state.hpp"

namespace smsotp::cli {

std::unique_ptr<store::Store> open_state(const Context& context,
                                         store::OpenMode mode)
{
  const auto& config = context.config;
  store::StoreOptions options;
  options.database = config.database_path();
  options.schema = config.schema.value;
  options.connect_timeout = config.connect_timeout.value;
  options.statement_timeout = config.statement_timeout.value;
  options.lock_timeout = config.lock_timeout.value;
  options.server_time = !context.clock.fixed();
  return store::open_store(options, mode);
}

} // namespace smsotp::cli
