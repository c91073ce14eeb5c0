#pragma once

// PostgreSQL for the tests (issue 8): the facts of the server the ctest
// fixture `pg_server` started (tests/pg/pg_server.sh), short-lived private
// servers for tests that must stop one, a small libpq connection to look at
// and change what smsotp stored, and unique schema names that keep tests
// sharing one server apart. Used by the unit and the e2e tests; only tests
// include libpq, the product keeps it inside src/store/.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgtest {

// Where a server listens; what pg_server.sh writes to its facts file.
struct ServerFacts
{
  std::string dir;  // its temporary directory, also the Unix socket directory
  std::string host; // the socket directory
  int port = 0;     // on the socket and on 127.0.0.1
  std::string user;
  std::string dbname;
  int bouncer_port = 0; // PgBouncer (transaction pooling) on 127.0.0.1; 0: none

  // libpq key=value strings: over the Unix socket, over loopback TCP, and
  // through PgBouncer.
  std::string socket_conninfo() const;
  std::string tcp_conninfo() const;
  std::string bouncer_conninfo() const;
  // "postgresql://user@127.0.0.1:port/dbname".
  std::string tcp_uri() const;
};

// The facts of the suite's shared server. Throws std::runtime_error that
// says how to start it when the fixture did not (a PostgreSQL test fails,
// it is never skipped).
const ServerFacts& shared_server();

// A server of the test's own, for tests that stop it or break its
// connections; stopped (no process left) by stop() or the destructor.
class PrivateServer
{
public:
  explicit PrivateServer(bool with_bouncer = false);
  ~PrivateServer();
  PrivateServer(const PrivateServer&) = delete;
  PrivateServer& operator=(const PrivateServer&) = delete;

  const ServerFacts& facts() const
  {
    return m_facts;
  }
  void stop();

private:
  std::string m_facts_file;
  ServerFacts m_facts;
  bool m_running = false;
};

// A schema name no other test of this run uses: `prefix` + pid + counter +
// random suffix, lower case, a valid unquoted identifier.
std::string unique_schema(std::string_view prefix = "t");

// `name` as a quoted SQL identifier.
std::string quote_ident(std::string_view name);

// One libpq connection. Every method throws std::runtime_error with the
// server's message on failure.
class Connection
{
public:
  // With `schema`, unqualified table names resolve there.
  explicit Connection(const std::string& conninfo,
                      const std::string& schema = "");
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements.
  void exec(const std::string& sql);
  // The first column of the first row ("" if no row, "NULL" for null);
  // `params` bind to $1, $2, ...
  std::string value(const std::string& sql,
                    const std::vector<std::string>& params = {});
  // All rows, every column as text ("NULL" for null).
  std::vector<std::vector<std::string>>
  rows(const std::string& sql, const std::vector<std::string>& params = {});

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// A TCP port of 127.0.0.1 that nothing listens on (bound, then closed).
int unused_port();

} // namespace pgtest
