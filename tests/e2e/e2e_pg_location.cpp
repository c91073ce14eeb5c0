// Naming a PostgreSQL store (issue 8, items 1 and 2): --db and
// SMSOTP_STORE_DATABASE choose it; a password never travels in argv and
// never shows (-v masks it); a TCP connection to anything but loopback
// needs sslmode=verify-full, refused as a configuration error before any
// connection is tried.

#include "pg_hosts.hpp"
#include "steps.hpp"

#include <chrono>

using namespace e2e;

namespace {

constexpr const char* k_password = "Sup3rSecretPw42";

// A config for `box` with the file provider and only store.schema and
// store.key_file: the database comes from elsewhere.
std::string schema_only_config(const Sandbox& box, const std::string& schema)
{
  return box.write_file("config.toml",
                        "[store]\nschema = \"" + schema + "\"\nkey_file = \""
                            + box.key_file()
                            + "\"\n\n[send]\nproviders = [\"outbox\"]\n\n"
                              "[provider.outbox]\nkind = \"file\"\npath = \""
                            + box.outbox() + "\"\n\n" + standard_tail(""),
                        0600);
}

} // namespace

TEST_CASE("--db and SMSOTP_STORE_DATABASE choose the PostgreSQL store")
{
  const auto& server = pgtest::shared_server();
  const Sandbox box;
  const std::string schema = pgtest::unique_schema("loc");
  const std::string config = schema_only_config(box, schema);
  const auto sent =
      box.run({"-c", config, "--db", server.tcp_uri(), "send", "--to", k_to});
  CAPTURE(sent.err);
  REQUIRE(sent.exit_code == 0);
  pgtest::Connection sql(server.socket_conninfo(), schema);
  CHECK(sql.value("SELECT count(*) FROM challenge") == "1");
  CHECK_FALSE(file_exists(box.db()));

  RunOptions env;
  env.env = {"SMSOTP_STORE_DATABASE=" + server.socket_conninfo()};
  const auto verified =
      box.run({"-c", config, "verify", "--to", k_to, box.last_code()}, env);
  CAPTURE(verified.err);
  CHECK(verified.exit_code == 0);
  CHECK(sql.value("SELECT state FROM challenge") == "consumed");
}

TEST_CASE("a password in --db is refused and never shown")
{
  const auto& server = pgtest::shared_server();
  const Sandbox box;
  const std::string config =
      schema_only_config(box, pgtest::unique_schema("pw"));
  const std::string port = std::to_string(server.port);
  for (const std::string& database :
       {"postgresql://smsotp:" + std::string(k_password) + "@127.0.0.1:" + port
            + "/smsotp",
        "host=127.0.0.1 port=" + port
            + " user=smsotp dbname=smsotp password=" + k_password}) {
    const auto refused =
        box.run({"-c", config, "--db", database, "send", "--to", k_to});
    CHECK(refused.exit_code == 64);
    CHECK_FALSE(contains(refused.all(), k_password));
    CHECK(contains(refused.err, "password"));
    CHECK(box.outbox_count() == 0);
  }
}

TEST_CASE("-vv shows the store with its password masked")
{
  const auto& server = pgtest::shared_server();
  const std::string port = std::to_string(server.port);
  for (const std::string& database :
       {"postgresql://smsotp:" + std::string(k_password) + "@127.0.0.1:" + port
            + "/smsotp",
        server.socket_conninfo() + " password=" + k_password}) {
    CAPTURE(database);
    const Sandbox box;
    // The test server trusts every local connection; the password is
    // accepted and ignored, which is all this test needs.
    const std::string config =
        pg_file_config(box, database, pgtest::unique_schema("mask"));
    const auto sent = box.run({"-c", config, "-vv", "send", "--to", k_to});
    CAPTURE(sent.err);
    CHECK(sent.exit_code == 0);
    CHECK(contains(sent.err, "***"));
    CHECK(contains(sent.err, port));
    CHECK_FALSE(contains(sent.all(), k_password));
    const auto verified = verify(box, config, box.last_code(), {"-vv"});
    CHECK(verified.exit_code == 0);
    CHECK_FALSE(contains(verified.all(), k_password));
  }
}

TEST_CASE("a remote server without sslmode=verify-full is a config error "
          "before any connection")
{
  const Sandbox box;
  // 192.0.2.1 (TEST-NET-1) answers nobody: a connection attempt would hang
  // for connect_timeout, so a quick 78 shows none was tried.
  for (const std::string& database :
       {std::string("host=192.0.2.1 port=5432 user=smsotp dbname=smsotp "
                    "connect_timeout=20"),
        std::string("host=192.0.2.1 user=smsotp dbname=smsotp sslmode=require "
                    "connect_timeout=20"),
        std::string("postgresql://smsotp@192.0.2.1/smsotp?sslmode=verify-ca"
                    "&connect_timeout=20")}) {
    CAPTURE(database);
    const std::string config =
        pg_file_config(box, database, "smsotp", "", "remote.toml");
    const auto start = std::chrono::steady_clock::now();
    const auto refused = box.run({"-c", config, "send", "--to", k_to});
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CAPTURE(refused.err);
    CHECK(refused.exit_code == 78);
    CHECK(contains(refused.err, "sslmode=verify-full"));
    CHECK(elapsed < std::chrono::seconds(10));
    CHECK(box.outbox_count() == 0);
  }
}

TEST_CASE("a password with '/' or '?', after a malformed word, or an "
          "sslpassword is never shown")
{
  const Sandbox box;
  const std::string config =
      schema_only_config(box, pgtest::unique_schema("pw2"));
  // libpq reads "Sup3r" of "Sup3r/Secret..." as a port and complains about
  // it; '?' stays in libpq's password; sslpassword unlocks a TLS key.
  const std::vector<std::string> databases{
      "postgresql://smsotp:Sup3r/SecretPw42@127.0.0.1:1/smsotp",
      "postgresql://smsotp:Sup3r?SecretPw42@127.0.0.1:1/smsotp",
      "host=127.0.0.1 port=1 sslpassword=Sup3rSecretPw42",
      // A malformed word before the password: libpq's refusal quotes it.
      "host=127.0.0.1 port=1 junk password=Sup3rSecretPw42"};
  for (const auto& database : databases) {
    CAPTURE(database);
    const auto refused =
        box.run({"-c", config, "--db", database, "send", "--to", k_to});
    CHECK(refused.exit_code == 64);
    CHECK_FALSE(contains(refused.all(), "Sup3r"));
    CHECK_FALSE(contains(refused.all(), "SecretPw42"));
    RunOptions env;
    env.env = {"SMSOTP_STORE_DATABASE=" + database};
    const auto failed =
        box.run({"-c", config, "-vv", "send", "--to", k_to}, env);
    CAPTURE(failed.err);
    CHECK(failed.exit_code != 0);
    CHECK_FALSE(contains(failed.all(), "Sup3r"));
    CHECK_FALSE(contains(failed.all(), "SecretPw42"));
  }
  CHECK(box.outbox_count() == 0);
}
