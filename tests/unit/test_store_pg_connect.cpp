// Tests for src/store/pg_connection.cpp through open_store(), with no
// PostgreSQL server: which strings are refused before any credential is
// sent (the TLS rule on libpq's effective options, service file and PG*
// variables included), and how an unreachable server is reported. The
// only "remote" address used is 0.0.0.0, which Linux connects to this
// host: no packet leaves the machine.

#include "store/store.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

using smsotp::core::ExitCode;
using smsotp::store::open_store;
using smsotp::store::OpenMode;
using smsotp::store::StoreOptions;
using smsotp::test::catch_error;
using smsotp::test::ScopedEnv;
using smsotp::test::TempDir;

namespace {

// No PG* variable of the caller's environment may change a result.
class CleanPgEnvironment
{
public:
  CleanPgEnvironment()
  {
    for (const char* name : {"PGHOST",
                             "PGHOSTADDR",
                             "PGPORT",
                             "PGSSLMODE",
                             "PGSERVICE",
                             "PGSERVICEFILE",
                             "PGSYSCONFDIR",
                             "PGCONNECT_TIMEOUT",
                             "PGDATABASE",
                             "PGUSER",
                             "PGPASSWORD",
                             "PGPASSFILE",
                             "PGREQUIRESSL"}) {
      m_saved.push_back(std::make_unique<ScopedEnv>(name, std::nullopt));
    }
  }

private:
  std::vector<std::unique_ptr<ScopedEnv>> m_saved;
};

smsotp::test::Caught open(const std::string& database,
                          const std::string& schema = "smsotp")
{
  StoreOptions options;
  options.database = database;
  options.schema = schema;
  options.connect_timeout = 2;
  return catch_error([&] { open_store(options, OpenMode::create); });
}

bool names_tls_fix(const smsotp::test::Caught& caught)
{
  return caught.thrown && caught.code == ExitCode::config
         && caught.message.find("sslmode=verify-full") != std::string::npos
         && caught.message.find("sslrootcert=") != std::string::npos;
}

} // namespace

TEST_CASE("a weak sslmode to a non-loopback host is refused (78), password "
          "masked")
{
  const CleanPgEnvironment clean;
  const auto caught = open("host=0.0.0.0 port=1 dbname=x password=hunter2");
  CHECK(names_tls_fix(caught));
  CHECK_NOT_CONTAINS(caught.message, "hunter2");
  CHECK_CONTAINS(caught.message, "password=***");
  CHECK(names_tls_fix(
      open("postgresql://u:hunter2@0.0.0.0:1/x?sslmode=require")));
  CHECK(names_tls_fix(open("host=localhost hostaddr=0.0.0.0 port=1 dbname=x")));
  CHECK(names_tls_fix(open("host=/tmp,0.0.0.0 port=1 dbname=x")));
}

TEST_CASE("the TLS rule sees PG* variables and the service file")
{
  const CleanPgEnvironment clean;
  {
    const ScopedEnv host("PGHOST", std::string("0.0.0.0"));
    CHECK(names_tls_fix(open("port=1 dbname=x")));
  }
  {
    const ScopedEnv mode("PGSSLMODE", std::string("verify-ca"));
    CHECK(names_tls_fix(open("host=0.0.0.0 port=1 dbname=x")));
  }
  const TempDir dir;
  std::ofstream(dir.file("pg_service.conf"))
      << "[shared]\nhost=0.0.0.0\nport=1\ndbname=x\n";
  const ScopedEnv file("PGSERVICEFILE", dir.file("pg_service.conf"));
  CHECK(names_tls_fix(open("service=shared")));
  const ScopedEnv service("PGSERVICE", std::string("shared"));
  CHECK(names_tls_fix(open("dbname=x")));
}

TEST_CASE("loopback and Unix sockets are exempt; no server there is 75")
{
  const CleanPgEnvironment clean;
  for (const std::string database :
       {"host=127.0.0.1 port=1 dbname=x",
        "postgresql://localhost:1/x",
        "host=/nonexistent-smsotp-dir port=1 dbname=x"}) {
    INFO(database);
    const auto caught = open(database);
    CHECK(caught.code == ExitCode::temporary);
    CHECK(caught.retry_after.value_or(0) > 0);
    CHECK_CONTAINS(caught.message, "nothing was sent");
  }
}

TEST_CASE("malformed strings and schema names are config errors (78)")
{
  const CleanPgEnvironment clean;
  const auto bogus = open("host=/tmp bogus=1 password=hunter2");
  CHECK(bogus.code == ExitCode::config);
  CHECK_NOT_CONTAINS(bogus.message, "hunter2");
  // An unescaped '&' or space inside a password: libpq stops the password
  // there and quotes the rest as a bad parameter; the rest is a secret too.
  for (const std::string& database :
       {std::string("postgresql:///d?host=/tmp&password=abc&XYZSECRET"),
        std::string("postgresql:///d?host=/tmp&password=abc&XYZ=SECRET"),
        std::string("host=/tmp password=abc XYZSECRET")}) {
    CAPTURE(database);
    const auto split = open(database);
    CHECK(split.code == ExitCode::config);
    CHECK_NOT_CONTAINS(split.message, "XYZ");
    CHECK_NOT_CONTAINS(split.message, "SECRET");
    CHECK_CONTAINS(split.message, "not a valid PostgreSQL connection string");
  }
  CHECK(open("host=/tmp dbname=x", "Bad-Name").code == ExitCode::config);
  const TempDir dir;
  const ScopedEnv file("PGSERVICEFILE", dir.file("none.conf"));
  CHECK(open("service=nosuch").code == ExitCode::config);
}
