#pragma once

// Several hosts, one PostgreSQL store (issue 8), for the e2e tests: a
// "host" is a Sandbox (its own HOME, config file, outbox and key file) whose
// config names a shared store.database and store.schema. Every TwoHosts
// gets a schema of its own on the suite's server, so tests sharing the
// server never see each other's rows.

#include "harness.hpp"
#include "pg_support.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace e2e {

// The [store] table of a PostgreSQL store: database, schema, and the key
// file at box.key_file() (a PostgreSQL store has no directory of its own).
std::string pg_store_table(const Sandbox& box,
                           const std::string& database,
                           const std::string& schema);

// Like Sandbox::file_config(): the file provider appending to box.outbox(),
// `extra`, then standard_tail(extra); but the state in PostgreSQL.
std::string pg_file_config(const Sandbox& box,
                           const std::string& database,
                           const std::string& schema,
                           std::string_view extra = "",
                           const std::string& file = "config.toml");

class TwoHosts
{
public:
  // `database`: the shared server over its Unix socket unless given;
  // `schema`: a fresh unique name unless given.
  explicit TwoHosts(std::string database = "", std::string schema = "");

  const Sandbox& a() const
  {
    return m_a;
  }
  const Sandbox& b() const
  {
    return m_b;
  }
  const std::string& database() const
  {
    return m_database;
  }
  const std::string& schema() const
  {
    return m_schema;
  }

  // Writes pg_file_config(`extra`) on both hosts; returns {A's, B's}.
  std::pair<std::string, std::string> configure(std::string_view extra = "");
  const std::string& config_a() const
  {
    return m_config_a;
  }
  const std::string& config_b() const
  {
    return m_config_b;
  }

  // Copies host A's key file (made by its first send) to host B, 0600:
  // what the README tells an operator to do.
  void share_key() const;

  // A connection to the shared database with the schema on its search
  // path, to look at the rows smsotp wrote.
  pgtest::Connection sql() const;
  // One value of a query on the schema ("" if no row).
  std::string value(const std::string& query) const;

private:
  Sandbox m_a;
  Sandbox m_b;
  std::string m_database;
  std::string m_schema;
  std::string m_config_a;
  std::string m_config_b;
};

// Runs smsotp-testclock with SMSOTP_TEST_SKEW=`skew`: a host whose clock
// is `skew` seconds off (not a fixed time).
Result run_skewed(const Sandbox& box,
                  const std::vector<std::string>& args,
                  std::int64_t skew);

// Starts `count` processes of each (sandbox, args) pair, interleaved so
// that the hosts really race, then waits for all of them.
std::vector<Result>
race(const std::vector<std::pair<const Sandbox*, std::vector<std::string>>>&
         runs,
     int count);

} // namespace e2e
