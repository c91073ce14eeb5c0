// A PostgreSQL store that fails, classified honestly (issue 8, items 3 and
// 7): no server, too many connections or a read-only server (a standby) →
// 75 with retry-after and nothing sent; the connection lost after the
// provider request → 76 with the challenge id; a newer schema or a schema
// of someone else → 65 with nothing modified.

#include "pg_hosts.hpp"
#include "provider_kinds.hpp"
#include "raw_servers.hpp"
#include "steps.hpp"

#include <chrono>

using namespace e2e;

namespace {

// One host whose only provider is a fake twilio at `url`.
std::string twilio_config(const Sandbox& box,
                          const std::string& database,
                          const std::string& schema,
                          const std::string& url)
{
  const std::string text =
      pg_store_table(box, database, schema)
      + "[send]\nproviders = [\"sms\"]\n\n"
      + kind_table(box, {"sms", "twilio", url, "", "retries = 0\n"})
      + standard_tail("");
  return box.write_file("twilio.toml", text, 0600);
}

// What a command must leave unchanged in a schema it refuses.
std::string snapshot(pgtest::Connection& sql, const std::string& schema)
{
  std::string text;
  for (const auto& table :
       sql.rows("SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = $1 ORDER BY table_name",
                {schema})) {
    text += table.front() + ":";
    for (const auto& row : sql.rows(
             "SELECT t::text FROM " + pgtest::quote_ident(schema) + "."
             + pgtest::quote_ident(table.front()) + " t ORDER BY t::text")) {
      text += row.front() + ";";
    }
    text += "\n";
  }
  return text;
}

} // namespace

TEST_CASE("no server: send and verify exit 75 with retry-after, nothing sent")
{
  const Sandbox box;
  const std::string tcp = "host=127.0.0.1 port=" + std::to_string(closed_port())
                          + " user=smsotp dbname=smsotp connect_timeout=3";
  // A socket directory where no server listens.
  const std::string socket =
      "host=" + box.path("home") + " port=5432 user=smsotp dbname=smsotp";
  for (const auto& database : {tcp, socket}) {
    CAPTURE(database);
    const std::string config =
        pg_file_config(box, database, "smsotp", "", "down.toml");
    const auto sent = box.run({"-c", config, "send", "--to", k_to});
    CAPTURE(sent.err);
    CHECK(sent.exit_code == 75);
    CHECK(contains(sent.err, "(retry-after: "));
    CHECK(sent.out.empty());
    CHECK(box.outbox_count() == 0);
    const auto verified = verify(box, config, "123456");
    CHECK(verified.exit_code == 75);
    CHECK(contains(verified.err, "(retry-after: "));
  }
}

TEST_CASE("too many connections: 75 with retry-after, nothing sent")
{
  const auto& server = pgtest::shared_server();
  const std::string role = pgtest::unique_schema("full");
  pgtest::Connection(server.socket_conninfo())
      .exec("CREATE ROLE " + role + " LOGIN CONNECTION LIMIT 0");
  const Sandbox box;
  const std::string config = pg_file_config(
      box,
      "host=" + server.host + " port=" + std::to_string(server.port)
          + " dbname=" + server.dbname + " user=" + role,
      "smsotp");
  const auto sent = box.run({"-c", config, "send", "--to", k_to});
  CAPTURE(sent.err);
  CHECK(sent.exit_code == 75);
  CHECK(contains(sent.err, "(retry-after: "));
  CHECK(box.outbox_count() == 0);
}

TEST_CASE("a read-only server (a standby): 75 with retry-after, nothing "
          "sent, nothing counted")
{
  const auto& server = pgtest::shared_server();
  const std::string name = pgtest::unique_schema("ro");
  pgtest::Connection admin(server.socket_conninfo());
  admin.exec("CREATE DATABASE " + name);
  const std::string database = "host=" + server.host
                               + " port=" + std::to_string(server.port)
                               + " user=smsotp dbname=" + name;
  const Sandbox box;
  const std::string config = pg_file_config(box, database, "smsotp");
  const std::string code = send_code(box, config);
  admin.exec("ALTER DATABASE " + name
             + " SET default_transaction_read_only = on");

  const auto sent = box.run({"-c", config, "send", "--to", k_to});
  CAPTURE(sent.err);
  CHECK(sent.exit_code == 75);
  CHECK(contains(sent.err, "(retry-after: "));
  CHECK(box.outbox_count() == 1);
  const auto checked = verify(box, config, code);
  CAPTURE(checked.err);
  CHECK(checked.exit_code == 75);
  // Writable again (the failover finished): the code was not used up.
  admin.exec("ALTER DATABASE " + name
             + " SET default_transaction_read_only = off");
  CHECK(verify(box, config, code).exit_code == 0);
}

TEST_CASE("connection lost after the provider request: 76 and the "
          "challenge id")
{
  pgtest::PrivateServer server;
  const Sandbox box;
  const std::string schema = pgtest::unique_schema("lost");
  FakeProvider provider(kind_handler("twilio"));
  const std::string config = twilio_config(
      box, server.facts().socket_conninfo(), schema, provider.base_url());
  // The first send creates the schema and the key while all is well.
  const auto first = box.run({"-c", config, "send", "--to", k_to});
  CAPTURE(first.err);
  REQUIRE(first.exit_code == 0);

  // Then the server goes away while the provider is handling the request.
  provider.set_handler([&server](const Recorded& request) {
    server.stop();
    return kind_answer("twilio", request);
  });
  const auto lost = box.run({"-c", config, "send", "--to", k_to});
  CAPTURE(lost.err);
  CHECK(lost.exit_code == 76);
  CHECK(provider.request_count() == 2);
  // The id, so that the code the person may have received can be verified.
  CHECK(lost.out.size() == 28);
  CHECK(is_challenge_id(lost.out.substr(0, 27)));
  CHECK(contains(lost.err, "(retry-after: "));
  CHECK_FALSE(contains(lost.all(), code_in(provider.requests().back())));
}

TEST_CASE("a schema newer than this smsotp: 65 and nothing modified")
{
  TwoHosts hosts;
  const auto [config_a, config_b] = hosts.configure();
  const std::string code = send_code(hosts.a(), config_a);
  hosts.share_key();
  auto sql = hosts.sql();
  sql.exec("UPDATE smsotp_meta SET value = '99' WHERE name = "
           "'schema_version'");
  const std::string before = snapshot(sql, hosts.schema());
  REQUIRE(contains(before, "99"));

  const std::vector<std::vector<std::string>> commands{
      {"-c", config_b, "send", "--to", k_to},
      {"-c", config_b, "verify", "--to", k_to, code},
      {"-c", config_b, "purge", "--all"},
      {"-c", config_a, "purge"}};
  for (const auto& args : commands) {
    CAPTURE(args[2]);
    const auto refused = hosts.b().run(args);
    CAPTURE(refused.err);
    CHECK(refused.exit_code == 65);
    CHECK(contains(refused.err, "newer"));
  }
  CHECK(snapshot(sql, hosts.schema()) == before);
  CHECK(hosts.b().outbox_count() == 0);
}

TEST_CASE("a schema holding someone else's table: 65 and nothing modified")
{
  const Sandbox box;
  const std::string schema = pgtest::unique_schema("foreign");
  const std::string database = pgtest::shared_server().socket_conninfo();
  {
    pgtest::Connection sql(database);
    sql.exec("CREATE SCHEMA " + schema + "; CREATE TABLE " + schema
             + ".challenge (id integer, note text); INSERT INTO " + schema
             + ".challenge VALUES (1, 'theirs')");
  }
  pgtest::Connection sql(database);
  const std::string before = snapshot(sql, schema);
  const std::string config = pg_file_config(box, database, schema);
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"-c", config, "send", "--to", k_to},
           {"-c", config, "verify", "--to", k_to, "123456"},
           {"-c", config, "purge", "--all"}}) {
    CAPTURE(args[2]);
    const auto refused = box.run(args);
    CAPTURE(refused.err);
    CHECK(refused.exit_code == 65);
    CHECK(contains(refused.err, "store.schema"));
  }
  CHECK(snapshot(sql, schema) == before);
  CHECK(box.outbox_count() == 0);
  CHECK_FALSE(file_exists(box.key_file()));
}

TEST_CASE("a server that accepts but never answers: 75 within "
          "store.connect_timeout, nothing sent")
{
  const Sandbox box;
  const SilentServer silent;
  const std::string config =
      pg_file_config(box,
                     "host=127.0.0.1 port=" + std::to_string(silent.port())
                         + " user=smsotp dbname=smsotp",
                     "smsotp");
  RunOptions env;
  env.env = {"SMSOTP_STORE_CONNECT_TIMEOUT=1s"};
  const auto start = std::chrono::steady_clock::now();
  const auto sent = box.run({"-c", config, "send", "--to", k_to}, env);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CAPTURE(sent.err);
  CHECK(sent.exit_code == 75);
  CHECK(contains(sent.err, "(retry-after: "));
  CHECK(elapsed < std::chrono::seconds(10));
  CHECK(box.outbox_count() == 0);
}

TEST_CASE("a store lock another session holds forever: 75 after "
          "store.lock_timeout, nothing sent or counted")
{
  const auto& server = pgtest::shared_server();
  const Sandbox box;
  const std::string schema = pgtest::unique_schema("held");
  const std::string config =
      pg_file_config(box, server.socket_conninfo(), schema);
  REQUIRE(box.run({"-c", config, "send", "--to", k_to}).exit_code == 0);
  // The writer lock every smsotp write transaction takes, held by a
  // session that never commits (as a stuck admin's psql would).
  pgtest::Connection holder(server.socket_conninfo());
  holder.exec("BEGIN; SELECT pg_advisory_xact_lock(1936552815, hashtext('"
              + schema + "'))");
  RunOptions env;
  env.env = {"SMSOTP_STORE_LOCK_TIMEOUT=1s"};
  const auto start = std::chrono::steady_clock::now();
  const auto sent = box.run({"-c", config, "send", "--to", k_to}, env);
  const auto verified =
      box.run({"-c", config, "verify", "--to", k_to, box.last_code()}, env);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  CAPTURE(sent.err);
  CAPTURE(verified.err);
  CHECK(sent.exit_code == 75);
  CHECK(contains(sent.err, "(retry-after: "));
  CHECK(verified.exit_code == 75);
  CHECK(elapsed < std::chrono::seconds(15));
  CHECK(box.outbox_count() == 1);
  pgtest::Connection sql(server.socket_conninfo(), schema);
  CHECK(sql.value("SELECT attempts FROM challenge") == "0");
}
