// PostgreSQL helpers of the tests; see pg_support.hpp.

#include "pg_support.hpp"

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <libpq-fe.h>
#include <map>
#include <netinet/in.h>
#include <random>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace pgtest {

namespace {

std::map<std::string, std::string> read_facts(const std::string& path)
{
  std::ifstream stream(path);
  std::map<std::string, std::string> facts;
  std::string line;
  while (std::getline(stream, line)) {
    const auto equals = line.find('=');
    if (equals != std::string::npos) {
      facts[line.substr(0, equals)] = line.substr(equals + 1);
    }
  }
  return facts;
}

ServerFacts parse_facts(const std::string& path)
{
  auto facts = read_facts(path);
  if (facts["port"].empty() || facts["host"].empty()) {
    throw std::runtime_error(
        "no PostgreSQL test server: " + path
        + " is missing or incomplete. Run the tests through ctest (its "
          "fixture pg_server starts one), or start one with `"
        + std::string(SMSOTP_PG_SERVER_SCRIPT) + " start " + path + "`");
  }
  ServerFacts result;
  result.dir = facts["dir"];
  result.host = facts["host"];
  result.port = std::stoi(facts["port"]);
  result.user = facts["user"];
  result.dbname = facts["dbname"];
  result.bouncer_port =
      facts["bouncer_port"].empty() ? 0 : std::stoi(facts["bouncer_port"]);
  return result;
}

// Runs pg_server.sh with `args`; throws unless it exits 0.
void run_script(const std::string& args)
{
  const std::string command =
      "bash '" + std::string(SMSOTP_PG_SERVER_SCRIPT) + "' " + args;
  const int status = std::system(command.c_str()); // NOLINT(cert-env33-c)
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("failed: " + command);
  }
}

std::string tmp_dir()
{
  const char* tmp = std::getenv("TMPDIR");
  return tmp != nullptr && tmp[0] == '/' ? tmp : "/tmp";
}

} // namespace

std::string ServerFacts::socket_conninfo() const
{
  return "host=" + host + " port=" + std::to_string(port) + " user=" + user
         + " dbname=" + dbname;
}

std::string ServerFacts::tcp_conninfo() const
{
  return "host=127.0.0.1 port=" + std::to_string(port) + " user=" + user
         + " dbname=" + dbname;
}

std::string ServerFacts::bouncer_conninfo() const
{
  return "host=127.0.0.1 port=" + std::to_string(bouncer_port) + " user=" + user
         + " dbname=" + dbname;
}

std::string ServerFacts::tcp_uri() const
{
  return "postgresql://" + user + "@127.0.0.1:" + std::to_string(port) + "/"
         + dbname;
}

const ServerFacts& shared_server()
{
  static const ServerFacts facts = parse_facts(SMSOTP_PG_FACTS);
  return facts;
}

PrivateServer::PrivateServer(bool with_bouncer)
    : m_facts_file(tmp_dir() + "/smsotp-pg-facts-" + unique_schema("p"))
{
  run_script("start '" + m_facts_file + "'"
             + (with_bouncer ? "" : " --no-bouncer"));
  m_running = true;
  m_facts = parse_facts(m_facts_file);
}

PrivateServer::~PrivateServer()
{
  try {
    stop();
  } catch (const std::exception&) { // NOLINT(bugprone-empty-catch)
  }
}

void PrivateServer::stop()
{
  if (m_running) {
    m_running = false;
    run_script("stop '" + m_facts_file + "'");
  }
}

std::string unique_schema(std::string_view prefix)
{
  static std::atomic<int> counter{0};
  static const auto suffix = [] {
    std::random_device device;
    return std::to_string(device() % 1'000'000U);
  }();
  return std::string(prefix) + "_" + std::to_string(::getpid()) + "_"
         + std::to_string(++counter) + "_" + suffix;
}

std::string quote_ident(std::string_view name)
{
  std::string quoted = "\"";
  for (const char c : name) {
    quoted += c;
    if (c == '"') {
      quoted += '"';
    }
  }
  return quoted + "\"";
}

struct Connection::Impl
{
  PGconn* conn = nullptr;

  std::string error() const
  {
    return PQerrorMessage(conn);
  }

  // Runs `sql` with text parameters; the result is freed by the caller.
  PGresult* run(const std::string& sql, const std::vector<std::string>& params)
  {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& param : params) {
      values.push_back(param.c_str());
    }
    PGresult* result = params.empty()
                           ? PQexec(conn, sql.c_str())
                           : PQexecParams(conn,
                                          sql.c_str(),
                                          static_cast<int>(params.size()),
                                          nullptr,
                                          values.data(),
                                          nullptr,
                                          nullptr,
                                          0);
    const auto status = PQresultStatus(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      const std::string message = PQresultErrorMessage(result);
      PQclear(result);
      throw std::runtime_error("sql: " + sql + ": " + message);
    }
    return result;
  }
};

Connection::Connection(const std::string& conninfo, const std::string& schema)
    : m_impl(std::make_unique<Impl>())
{
  m_impl->conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(m_impl->conn) != CONNECTION_OK) {
    const std::string message = m_impl->error();
    PQfinish(m_impl->conn);
    m_impl->conn = nullptr;
    throw std::runtime_error("connect " + conninfo + ": " + message);
  }
  PQclear(m_impl->run("SET client_min_messages = warning", {}));
  if (!schema.empty()) {
    PQclear(m_impl->run("SET search_path TO " + quote_ident(schema), {}));
  }
}

Connection::~Connection()
{
  if (m_impl && m_impl->conn != nullptr) {
    PQfinish(m_impl->conn);
  }
}

void Connection::exec(const std::string& sql)
{
  PQclear(m_impl->run(sql, {}));
}

std::string Connection::value(const std::string& sql,
                              const std::vector<std::string>& params)
{
  const auto all = rows(sql, params);
  if (all.empty() || all.front().empty()) {
    return "";
  }
  return all.front().front();
}

std::vector<std::vector<std::string>>
Connection::rows(const std::string& sql, const std::vector<std::string>& params)
{
  PGresult* result = m_impl->run(sql, params);
  std::vector<std::vector<std::string>> out;
  const int row_count = PQntuples(result);
  const int column_count = PQnfields(result);
  for (int row = 0; row < row_count; ++row) {
    std::vector<std::string> columns;
    for (int column = 0; column < column_count; ++column) {
      columns.emplace_back(PQgetisnull(result, row, column) != 0
                               ? "NULL"
                               : PQgetvalue(result, row, column));
    }
    out.push_back(std::move(columns));
  }
  PQclear(result);
  return out;
}

int unused_port()
{
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    throw std::runtime_error("socket failed");
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
  auto* generic = reinterpret_cast<sockaddr*>(&address);
  if (::bind(fd, generic, sizeof address) != 0
      || ::getsockname(fd, generic, &length) != 0) {
    ::close(fd);
    throw std::runtime_error("bind failed");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

} // namespace pgtest
