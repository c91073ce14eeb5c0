// Tests for src/store/location.cpp and pg_policy.cpp: which store a
// location names, password masking, the TLS rule and schema names. None of
// this needs a server.

#include "store/pg_policy.hpp"
#include "store/store.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using smsotp::core::ExitCode;
using smsotp::store::display_location;
using smsotp::store::has_password;
using smsotp::store::is_postgres;
using smsotp::store::detail::check_schema_name;
using smsotp::store::detail::check_tls;
using smsotp::store::detail::EffectiveConnection;
using smsotp::store::detail::scrub;
using smsotp::test::catch_error;

TEST_CASE("a URI or a key=value string names PostgreSQL, anything else a file")
{
  CHECK(is_postgres("postgresql://db.example/smsotp"));
  CHECK(is_postgres("postgres://u@localhost/smsotp"));
  CHECK(is_postgres("host=/run/postgresql dbname=smsotp"));
  CHECK(is_postgres("  service = smsotp"));
  CHECK(is_postgres("dbname=smsotp"));
  CHECK_FALSE(is_postgres("/var/lib/smsotp/state.db"));
  CHECK_FALSE(is_postgres("state.db"));
  CHECK_FALSE(is_postgres("./a=b.db"));
  CHECK_FALSE(is_postgres("1x=2"));
  CHECK_FALSE(is_postgres("my file=1"));
  CHECK_FALSE(is_postgres(""));
  CHECK_FALSE(is_postgres("postgresql:/x"));
}

TEST_CASE("a password in a URI's userinfo is masked and detected")
{
  const std::string uri = "postgresql://alice:s3cr%40t@db.example:5432/smsotp"
                          "?sslmode=verify-full";
  CHECK(has_password(uri));
  CHECK(display_location(uri)
        == "postgresql://alice:***@db.example:5432/smsotp?sslmode=verify-full");
  // An unescaped '@' in the password: everything up to the last '@' goes.
  CHECK(display_location("postgres://a:p@ss@h/db") == "postgres://a:***@h/db");
  CHECK_FALSE(has_password("postgresql://alice@db.example/smsotp"));
  CHECK(display_location("postgresql://alice@db.example/smsotp")
        == "postgresql://alice@db.example/smsotp");
  CHECK_FALSE(has_password("postgresql://[::1]:5432/smsotp"));
  CHECK(display_location("postgresql://[::1]:5432/smsotp")
        == "postgresql://[::1]:5432/smsotp");
}

TEST_CASE("a password query parameter is masked, also percent-encoded")
{
  CHECK(display_location("postgresql:///smsotp?host=/run&password=hunter2")
        == "postgresql:///smsotp?host=/run&password=***");
  CHECK(display_location("postgresql://h/db?pass%77ord=x&user=u")
        == "postgresql://h/db?pass%77ord=***&user=u");
  CHECK(has_password("postgresql://h/db?password=x"));
  CHECK(display_location("postgresql://u:p@h/db?password=q")
        == "postgresql://u:***@h/db?password=***");
}

TEST_CASE("a password key in a key=value string is masked, quoted or not")
{
  CHECK(display_location("host=db password=hunter2 dbname=smsotp")
        == "host=db password=*** dbname=smsotp");
  CHECK(display_location("host=db password = 'two words\\' x' dbname=smsotp")
        == "host=db password = *** dbname=smsotp");
  CHECK(display_location("password=a\\ b user=u") == "password=*** user=u");
  CHECK(has_password("dbname=x password='p'"));
  CHECK_FALSE(has_password("dbname=x passfile=/etc/pgpass"));
  CHECK_FALSE(has_password("dbname=x password=''"));
  // An unterminated quote: the rest is the password.
  CHECK(display_location("dbname=x password='abc def")
        == "dbname=x password=***");
  // A URI given as dbname is masked too.
  CHECK(display_location("dbname=postgresql://u:pw@h/db")
        == "dbname='postgresql://u:***@h/db'");
  CHECK(has_password("dbname=postgresql://u:pw@h/db"));
  // A path is shown as it is.
  CHECK(display_location("/tmp/pass:word@x/state.db")
        == "/tmp/pass:word@x/state.db");
}

TEST_CASE("scrub removes any password of the location from a message")
{
  CHECK(scrub("could not connect as hunter2", "password=hunter2 host=h")
        == "could not connect as ***");
  CHECK(scrub("fine", "host=h") == "fine");
}

TEST_CASE("schema names are plain lower-case identifiers")
{
  check_schema_name("smsotp");
  check_schema_name("_a1");
  check_schema_name(std::string(63, 'a'));
  const std::vector<std::string> bad_names{"",
                                           "Smsotp",
                                           "1abc",
                                           "a-b",
                                           "a\"b",
                                           "a b",
                                           "a;drop",
                                           std::string(64, 'a')};
  for (const auto& bad : bad_names) {
    const auto caught = catch_error([&] { check_schema_name(bad); });
    CHECK(caught.thrown);
    CHECK(caught.code == ExitCode::config);
  }
}

TEST_CASE("TCP to anything but loopback requires sslmode=verify-full")
{
  const auto refused = [](const EffectiveConnection& connection) {
    const auto caught = catch_error([&] { check_tls(connection, "shown"); });
    return caught.thrown && caught.code == ExitCode::config
           && caught.message.find("sslmode=verify-full") != std::string::npos
           && caught.message.find("sslrootcert=") != std::string::npos;
  };
  const auto allowed = [](const EffectiveConnection& connection) {
    return !catch_error([&] { check_tls(connection, "shown"); }).thrown;
  };
  CHECK(refused({"db.example", "", "prefer"}));
  CHECK(refused({"db.example", "", "require"}));
  CHECK(refused({"db.example", "", "verify-ca"}));
  CHECK(refused({"10.0.0.5", "", "disable"}));
  CHECK(allowed({"db.example", "", "verify-full"}));
  CHECK(allowed({"localhost", "", "prefer"}));
  CHECK(allowed({"127.0.0.1", "", "disable"}));
  CHECK(allowed({"127.8.9.10", "", "prefer"}));
  CHECK(allowed({"::1", "", "prefer"}));
  CHECK(allowed({"/run/postgresql", "", "prefer"}));
  CHECK(allowed({"@abstract", "", "prefer"}));
  CHECK(allowed({"", "", "prefer"}));
  // hostaddr is where the connection goes.
  CHECK(refused({"localhost", "192.0.2.1", "prefer"}));
  CHECK(allowed({"db.example", "127.0.0.1", "prefer"}));
  CHECK(refused({"", "192.0.2.1", "prefer"}));
  // Every host of a list counts.
  CHECK(refused({"/run/postgresql,db.example", "", "prefer"}));
  CHECK(allowed({"/run/postgresql,localhost", "", "prefer"}));
  CHECK(refused({"localhost,localhost", ",192.0.2.1", "prefer"}));
  CHECK_FALSE(smsotp::store::detail::is_loopback("128.0.0.1"));
  CHECK_FALSE(smsotp::store::detail::is_loopback("localhost.example"));
}
