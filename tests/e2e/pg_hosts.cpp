// Two hosts sharing one PostgreSQL store; see pg_hosts.hpp.

#include "pg_hosts.hpp"

#include <filesystem>
#include <stdexcept>

namespace e2e {

std::string pg_store_table(const Sandbox& box,
                           const std::string& database,
                           const std::string& schema)
{
  return "[store]\ndatabase = \"" + database + "\"\nschema = \"" + schema
         + "\"\nkey_file = \"" + box.key_file() + "\"\n\n";
}

std::string pg_file_config(const Sandbox& box,
                           const std::string& database,
                           const std::string& schema,
                           std::string_view extra,
                           const std::string& file)
{
  std::string text = pg_store_table(box, database, schema)
                     + "[send]\nproviders = [\"outbox\"]\n\n"
                       "[provider.outbox]\nkind = \"file\"\npath = \""
                     + box.outbox() + "\"\n\n";
  text += extra;
  text += standard_tail(extra);
  return box.write_file(file, text, 0600);
}

TwoHosts::TwoHosts(std::string database, std::string schema)
    : m_database(database.empty() ? pgtest::shared_server().socket_conninfo()
                                  : std::move(database)),
      m_schema(schema.empty() ? pgtest::unique_schema("e2e")
                              : std::move(schema))
{}

std::pair<std::string, std::string> TwoHosts::configure(std::string_view extra)
{
  m_config_a = pg_file_config(m_a, m_database, m_schema, extra);
  m_config_b = pg_file_config(m_b, m_database, m_schema, extra);
  return {m_config_a, m_config_b};
}

void TwoHosts::share_key() const
{
  if (!file_exists(m_a.key_file())) {
    throw std::runtime_error("host A has no key file yet: send from A first");
  }
  std::filesystem::create_directories(
      std::filesystem::path(m_b.key_file()).parent_path());
  std::filesystem::copy_file(m_a.key_file(),
                             m_b.key_file(),
                             std::filesystem::copy_options::overwrite_existing);
  set_mode(m_b.key_file(), 0600);
}

pgtest::Connection TwoHosts::sql() const
{
  return pgtest::Connection(m_database, m_schema);
}

std::string TwoHosts::value(const std::string& query) const
{
  return sql().value(query);
}

Result run_skewed(const Sandbox& box,
                  const std::vector<std::string>& args,
                  std::int64_t skew)
{
  std::vector<std::string> argv{SMSOTP_E2E_TESTCLOCK};
  argv.insert(argv.end(), args.begin(), args.end());
  auto env = box.environment();
  env.push_back("SMSOTP_TEST_SKEW=" + std::to_string(skew));
  return spawn(argv, env, box.dir(), std::nullopt).finish();
}

std::vector<Result>
race(const std::vector<std::pair<const Sandbox*, std::vector<std::string>>>&
         runs,
     int count)
{
  std::vector<Child> children;
  children.reserve(runs.size() * static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    for (const auto& [box, args] : runs) {
      children.push_back(box->start(args));
    }
  }
  std::vector<Result> results;
  results.reserve(children.size());
  for (auto& child : children) {
    results.push_back(child.finish());
  }
  return results;
}

} // namespace e2e
