#include "core/database_location.hpp"

#include <doctest/doctest.h>

#include <string>

using smsotp::core::has_password;
using smsotp::core::is_postgres_location;
using smsotp::core::masked_location;

TEST_CASE("store.database: PostgreSQL URIs and libpq strings, else a path")
{
  CHECK(is_postgres_location("postgresql://db1/smsotp"));
  CHECK(
      is_postgres_location("postgres://u@db1:5433/smsotp?sslmode=verify-full"));
  CHECK(is_postgres_location("host=/run/postgresql dbname=smsotp"));
  CHECK(is_postgres_location("  service = smsotp"));
  CHECK(is_postgres_location("dbname=smsotp"));
  CHECK_FALSE(is_postgres_location("/var/lib/smsotp/state.db"));
  CHECK_FALSE(is_postgres_location("state.db"));
  CHECK_FALSE(is_postgres_location("./a=b.db"));
  CHECK_FALSE(is_postgres_location("/tmp/host=x"));
  CHECK_FALSE(is_postgres_location("1=2"));
  CHECK_FALSE(is_postgres_location(""));
  CHECK_FALSE(is_postgres_location("postgresql:/db")); // not a URI: a path
}

TEST_CASE("a password is found wherever libpq would read one")
{
  CHECK(has_password("postgresql://alice:s3cret@db1/smsotp"));
  CHECK(has_password("postgresql://alice:@db1/smsotp")); // empty, still set
  CHECK(has_password("postgresql://db1/smsotp?sslmode=require&password=x"));
  CHECK(has_password("host=db1 password=s3cret dbname=smsotp"));
  CHECK(has_password("host=db1 password = 'two words' dbname=smsotp"));
  CHECK_FALSE(has_password("postgresql://alice@db1/smsotp"));
  CHECK_FALSE(has_password("postgresql://db1:5432/smsotp"));
  CHECK_FALSE(has_password("host=db1 passfile=/etc/smsotp/pgpass"));
  CHECK_FALSE(has_password("host=db1 dbname=password"));
  CHECK_FALSE(has_password("/srv/password=1/state.db")); // a path
}

TEST_CASE("masked_location hides every password and keeps the rest")
{
  CHECK(masked_location("postgresql://alice:s3cret@db1:5432/smsotp")
        == "postgresql://alice:***@db1:5432/smsotp");
  CHECK(masked_location(
            "postgresql://db1/smsotp?password=s3cret&sslmode=verify-full")
        == "postgresql://db1/smsotp?password=***&sslmode=verify-full");
  CHECK(masked_location("postgres://a:p%40ss@db1/x?password=y")
        == "postgres://a:***@db1/x?password=***");
  CHECK(masked_location("host=db1 password=s3cret dbname=smsotp")
        == "host=db1 password=*** dbname=smsotp");
  CHECK(masked_location("host=db1 password='it\\'s secret' dbname=smsotp")
        == "host=db1 password='***' dbname=smsotp");
  CHECK(masked_location("host=db1 password=") == "host=db1 password=***");
  CHECK(masked_location("/var/lib/smsotp/state.db")
        == "/var/lib/smsotp/state.db");
  // libpq decodes %XX in parameter names, and expands a dbname that is a
  // connection string of its own.
  CHECK(has_password("postgresql://h/db?pass%77ord=TOPSECRET"));
  CHECK(has_password("dbname=postgresql://u:TOPSECRET@h/db"));
  CHECK(has_password("host=h dbname='user=u password=TOPSECRET'"));
  CHECK(has_password("postgresql://h/db?dbname=postgresql%3A%2F%2Fu%3AX%40h"));
  CHECK(has_password("postgresql://h/postgresql%3A%2F%2Fu%3AX%40h%2Fd"));
  CHECK(masked_location("dbname=postgresql://u:TOPSECRET@h/db port=5432")
        == "dbname=postgresql://u:***@h/db port=5432");
  // Whatever the shape, the secret itself never survives.
  for (const std::string text :
       {"postgresql://u:TOPSECRET@h/d",
        "postgresql://h/d?a=1&password=TOPSECRET",
        "password=TOPSECRET",
        "host=h password='TOPSECRET'",
        "user=u password = TOPSECRET",
        "postgresql://h/db?pass%77ord=TOPSECRET",
        "postgresql://h/db?dbname=postgresql%3A%2F%2Fu%3ATOPSECRET%40h",
        "dbname=postgresql://u:TOPSECRET@h/db",
        "host=h dbname='user=u password=TOPSECRET'"}) {
    CAPTURE(text);
    CHECK(masked_location(text).find("TOPSECRET") == std::string::npos);
  }
}

TEST_CASE("a password libpq reads is masked even where a URI or value "
          "parser could stop early")
{
  // libpq's user info runs to the first '@' and stops only at '/', so an
  // unescaped '?' is part of the password; an unescaped '/' makes libpq
  // read "u:pa" as host and port and echo the port in its error.
  // An unquoted value continues after a backslash-escaped space.
  // sslpassword unlocks the client key: a secret like password.
  for (const std::string text :
       {"postgresql://u:TOP?SECRET@h/d",
        "postgresql://u:TOP/SECRET@h/d",
        "postgresql://u:TOPSECRET/x@h/d?sslmode=verify-full",
        "host=h password=x\\ TOPSECRET dbname=d",
        "host=h sslpassword=TOPSECRET",
        "postgresql://h/d?sslpassword=TOPSECRET",
        // libpq refuses these keys, and our message repeats the string.
        "host=h PASSWORD=TOPSECRET",
        "postgresql://h/d?Password=TOPSECRET",
        // A malformed pair before the password: libpq refuses the string,
        // and the message repeats it.
        "host=h junk password=TOPSECRET",
        "host=h 'x' password=TOPSECRET",
        "host=h =x password=TOPSECRET",
        // An unescaped '&' or space ends libpq's password; the bare rest,
        // which libpq refuses, is still the user's password.
        "postgresql://h/d?password=abc&TOPSECRET",
        "host=h password=abc TOPSECRET",
        "host=h password=abc x!TOPSECRET"}) {
    CAPTURE(text);
    CHECK(has_password(text));
    CHECK(masked_location(text).find("TOPSECRET") == std::string::npos);
  }
  CHECK(masked_location("postgresql://u:p@h/d?application_name=a@b")
        == "postgresql://u:***@h/d?application_name=a@b");
  CHECK_FALSE(has_password("postgresql://u@h:5432/d?application_name=a@b"));
  // An '@' in the query (a user name like alice@corp) is no user info.
  const std::string at_in_query =
      "postgresql://db.example:5432/smsotp?user=alice@corp&sslmode=verify-full";
  CHECK_FALSE(has_password(at_in_query));
  CHECK(masked_location(at_in_query) == at_in_query);
  CHECK(masked_location("postgresql://u:p@h:5432/d?user=alice@corp")
        == "postgresql://u:***@h:5432/d?user=alice@corp");
}
