#pragma once

// What the PostgreSQL module (libpq, the store/pg_* files) gives the
// executable: one function that opens the store (core/module.hpp). Change
// k_module_abi whenever this table, Store or StoreOptions changes.

#include "store/store.hpp"

namespace smsotp::store::detail {

struct PgModuleApi
{
  std::unique_ptr<Store> (*open)(const StoreOptions& options, OpenMode mode);
};

constexpr std::string_view k_pg_module_abi =
    "smsotp-postgresql-1 " SMSOTP_VERSION;

// open_store() for a PostgreSQL location; returns nullptr like it.
std::unique_ptr<Store> open_postgres_store(const StoreOptions& options,
                                           OpenMode mode);

} // namespace smsotp::store::detail
