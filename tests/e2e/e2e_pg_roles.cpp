// The man page's least-privilege set-up (SHARED STORE, issue 8 items 3 and
// 12), run as written: an owner role that creates and migrates the schema,
// a runtime role with only SELECT, INSERT, UPDATE and DELETE on its tables.
// The runtime role does every command's work, across two hosts; before the
// owner's first run, or on a schema older than its smsotp, it exits 77,
// modifies nothing, and says to run smsotp once as the owner.

#include "pg_hosts.hpp"
#include "steps.hpp"

using namespace e2e;

namespace {

// The schema of the man page's example, also store.schema's default.
constexpr const char* k_schema = "smsotp";

// One copy of the man page's SQL on the shared server, run by its
// superuser. Roles are cluster-wide, so both roles and the database get
// names of their own; the destructor drops all three.
class LeastPrivilege
{
public:
  LeastPrivilege()
      : m_database(pgtest::unique_schema("lpdb")),
        m_owner(pgtest::unique_schema("lpowner")),
        m_runtime(pgtest::unique_schema("lpruntime"))
  {
    const auto& server = pgtest::shared_server();
    pgtest::Connection cluster(server.socket_conninfo());
    // One statement a call: CREATE DATABASE refuses a transaction block.
    cluster.exec("CREATE ROLE " + m_owner + " LOGIN");
    cluster.exec("CREATE ROLE " + m_runtime + " LOGIN");
    cluster.exec("CREATE DATABASE " + m_database + " OWNER " + m_owner);
    // \c DATABASE
    superuser().exec(
        std::string("CREATE SCHEMA ") + k_schema + " AUTHORIZATION " + m_owner
        + "; GRANT USAGE ON SCHEMA " + k_schema + " TO " + m_runtime
        + "; ALTER DEFAULT PRIVILEGES FOR ROLE " + m_owner + " IN SCHEMA "
        + k_schema + " GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "
        + m_runtime);
  }

  ~LeastPrivilege()
  {
    try {
      pgtest::Connection cluster(pgtest::shared_server().socket_conninfo());
      cluster.exec("DROP DATABASE IF EXISTS " + m_database + " WITH (FORCE)");
      cluster.exec("DROP ROLE IF EXISTS " + m_runtime);
      cluster.exec("DROP ROLE IF EXISTS " + m_owner);
    } catch (...) { // NOLINT(bugprone-empty-catch): the server may be gone
    }
  }

  LeastPrivilege(const LeastPrivilege&) = delete;
  LeastPrivilege& operator=(const LeastPrivilege&) = delete;

  // store.database for `role`: the Unix socket, trust authentication.
  std::string as(const std::string& role) const
  {
    const auto& server = pgtest::shared_server();
    return "host=" + server.host + " port=" + std::to_string(server.port)
           + " dbname=" + m_database + " user=" + role;
  }
  std::string owner() const
  {
    return as(m_owner);
  }
  const std::string& owner_role() const
  {
    return m_owner;
  }
  std::string runtime() const
  {
    return as(m_runtime);
  }

  // The server's superuser in this database, schema smsotp on the path.
  pgtest::Connection superuser() const
  {
    return pgtest::Connection(as(pgtest::shared_server().user), k_schema);
  }

  // How many tables, indexes and sequences schema smsotp holds.
  std::string relations() const
  {
    return superuser().value("SELECT count(*) FROM pg_class c JOIN "
                             "pg_namespace n ON n.oid = c.relnamespace "
                             "WHERE n.nspname = $1",
                             {k_schema});
  }

private:
  std::string m_database;
  std::string m_owner;
  std::string m_runtime;
};

// The error the runtime role must give where it would have to create or
// migrate: 77, naming the owner as the fix.
void check_needs_owner(const Result& result)
{
  INFO("stderr: " << result.err);
  CHECK(result.exit_code == 77);
  CHECK(contains(result.err, "as the owner"));
  CHECK(result.out.empty());
}

// Every row of the store's tables, as text: to show nothing changed.
std::string rows(const TwoHosts& hosts)
{
  return hosts.value(
      "SELECT concat_ws(' / ',"
      " (SELECT string_agg(c::text, ' ') FROM challenge c),"
      " (SELECT string_agg(r::text, ' ') FROM recipient r),"
      " (SELECT string_agg(p::text, ' ') FROM provider_health p),"
      " (SELECT string_agg(m::text, ' ') FROM smsotp_meta m))");
}

// The owner's first run, as the man page says: `smsotp purge`.
void run_owner_purge(const LeastPrivilege& roles)
{
  const Sandbox admin;
  const std::string config = pg_file_config(admin, roles.owner(), k_schema);
  const auto purged = admin.run({"-c", config, "purge"});
  INFO("stderr: " << purged.err);
  REQUIRE(purged.exit_code == 0);
}

} // namespace

TEST_CASE("least privilege: before the owner's first run the runtime role "
          "exits 77 and creates nothing")
{
  const LeastPrivilege roles;
  TwoHosts hosts(roles.runtime(), k_schema);
  const auto [config_a, config_b] = hosts.configure();

  check_needs_owner(hosts.a().run({"-c", config_a, "send", "--to", k_to}));
  CHECK(hosts.a().outbox_count() == 0);
  check_needs_owner(hosts.b().run({"-c", config_b, "purge"}));
  check_needs_owner(verify(hosts.b(), config_b, "123456"));
  CHECK(roles.relations() == "0");
}

TEST_CASE("least privilege: after the owner's purge the runtime role sends "
          "on one host, verifies once on the other, and purges")
{
  const LeastPrivilege roles;
  run_owner_purge(roles);
  CHECK(roles.superuser().value("SELECT count(*) FROM pg_tables WHERE "
                                "schemaname = $1 AND tableowner = $2",
                                {k_schema, roles.owner_role()})
        == "4"); // smsotp_meta, challenge, recipient, provider_health
  TwoHosts hosts(roles.runtime(), k_schema);
  const auto [config_a, config_b] = hosts.configure();

  const std::string code = send_code(hosts.a(), config_a);
  hosts.share_key();
  // A wrong guess writes the recipient row; the right code then verifies
  // once, whichever host asks.
  CHECK(verify(hosts.b(), config_b, code == "000000" ? "111111" : "000000")
            .exit_code
        == 1);
  const auto on_b = verify(hosts.b(), config_b, code);
  INFO("stderr: " << on_b.err);
  CHECK(on_b.exit_code == 0);
  CHECK(verify(hosts.a(), config_a, code).exit_code == 1);
  CHECK(hosts.value("SELECT state FROM challenge") == "consumed");
  CHECK(hosts.value("SELECT count(*) FROM recipient") == "1");

  const auto purged = hosts.b().run({"-c", config_b, "purge", "--all"});
  INFO("stderr: " << purged.err);
  CHECK(purged.exit_code == 0);
  CHECK(hosts.value("SELECT count(*) FROM challenge") == "0");
}

TEST_CASE("least privilege: on an older schema the runtime role exits 77, "
          "modifies nothing, and says to run smsotp as the owner")
{
  const LeastPrivilege roles;
  run_owner_purge(roles);
  TwoHosts hosts(roles.runtime(), k_schema);
  const auto [config_a, config_b] = hosts.configure();
  const std::string code = send_code(hosts.a(), config_a);
  hosts.share_key();
  // What an older smsotp left behind: a lower schema_version. Migrating it
  // means CREATE in the schema, which the runtime role lacks.
  pgtest::Connection(roles.owner(), k_schema)
      .exec("UPDATE smsotp_meta SET value = '0' "
            "WHERE name = 'schema_version'");
  const std::string before = rows(hosts);
  const std::string relations = roles.relations();

  check_needs_owner(verify(hosts.b(), config_b, code));
  check_needs_owner(hosts.a().run({"-c", config_a, "send", "--to", k_to}));
  check_needs_owner(hosts.b().run({"-c", config_b, "purge", "--all"}));
  CHECK(hosts.a().outbox_count() == 1);
  CHECK(rows(hosts) == before);
  CHECK(hosts.value("SELECT value FROM smsotp_meta WHERE name = "
                    "'schema_version'")
        == "0");
  CHECK(roles.relations() == relations);
}
