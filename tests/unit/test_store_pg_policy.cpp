// Tests for src/store/pg_passwords.cpp and pg_policy.cpp: finding a
// location's passwords to scrub libpq's text, the TLS rule and schema
// names. None of this needs a server. (What a location is and its masked
// form: test_core_database_location.cpp.)

#include "store/pg_policy.hpp"
#include "testutil.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using smsotp::core::ExitCode;
using smsotp::store::detail::check_schema_name;
using smsotp::store::detail::check_tls;
using smsotp::store::detail::EffectiveConnection;
using smsotp::store::detail::scrub;
using smsotp::test::catch_error;

TEST_CASE("every password of a location is found, raw and decoded")
{
  using smsotp::store::detail::passwords_in;
  const auto has = [](const std::vector<std::string>& found,
                      const std::string& value) {
    return std::find(found.begin(), found.end(), value) != found.end();
  };
  const auto uri = passwords_in("postgresql://alice:s3cr%40t@db:5432/x");
  CHECK(has(uri, "s3cr%40t"));
  CHECK(has(uri, "s3cr@t"));
  // An unescaped '@' in the password: up to the last '@' counts.
  CHECK(has(passwords_in("postgres://a:p@ss@h/db"), "p@ss"));
  // libpq decodes query keys too.
  CHECK(has(passwords_in("postgresql://h/db?pass%77ord=hunter2"), "hunter2"));
  CHECK(has(passwords_in("host=h password='two words\\' x' dbname=d"),
            "two words' x"));
  CHECK(has(passwords_in("password=a\\ b user=u"), "a b"));
  // A URI given as dbname.
  CHECK(has(passwords_in("dbname=postgresql://u:pw@h/db"), "pw"));
  CHECK(passwords_in("postgresql://alice@db/x").empty());
  CHECK(passwords_in("postgresql://db:5432/x?user=alice@corp").empty());
  CHECK(passwords_in("host=h passfile=/etc/pgpass").empty());
  CHECK(passwords_in("/tmp/pass:word@x/state.db").empty());
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
  // Host names are case-insensitive: libpq resolves LOCALHOST to loopback.
  CHECK(allowed({"LOCALHOST", "", "prefer"}));
  CHECK(allowed({"LocalHost", "", "disable"}));
  CHECK_FALSE(smsotp::store::detail::is_loopback("128.0.0.1"));
  CHECK_FALSE(smsotp::store::detail::is_loopback("localhost.example"));
}

TEST_CASE("scrub removes the pieces of a URI password that libpq misreads")
{
  // An unescaped '/' in the password: libpq takes "TOP" for a port and
  // says so; the message must not carry it.
  const std::string database = "postgresql://u:TOP/SECRET@h/d";
  const auto text = scrub(
      "invalid integer value \"TOP\" for connection option \"port\"", database);
  CHECK(text.find("TOP") == std::string::npos);
  CHECK(scrub("as K3YPASS", "host=h PASSWORD=K3YPASS").find("K3YPASS")
        == std::string::npos);
  CHECK(scrub("as K3YPASS", "host=h junk password=K3YPASS").find("K3YPASS")
        == std::string::npos);
  CHECK(scrub("key passphrase K3YPASS wrong", "host=h sslpassword=K3YPASS")
            .find("K3YPASS")
        == std::string::npos);
}
