#pragma once

// What store.database names: a file path (the SQLite store) or a PostgreSQL
// server (a postgresql:// or postgres:// URI, or a libpq key=value string).
// Pure string work: the -v view, messages and the --db check need it before
// (and without) any database library.

#include <string>

namespace smsotp::core {

// True for a postgresql:// or postgres:// URI, or a string whose first word
// is a libpq keyword followed by '=' ("host=db1 dbname=smsotp"). Anything
// else is a path; a relative path containing '=' needs a leading "./".
bool is_postgres_location(const std::string& database);

// True if a PostgreSQL location carries a password: the URI's user info
// ("user:secret@"), its "password=" query parameter, or a password= key.
bool has_password(const std::string& database);

// `database` for messages and -v: every password replaced by "***". Paths
// are returned unchanged.
std::string masked_location(const std::string& database);

} // namespace smsotp::core
