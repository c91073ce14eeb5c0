// The TLS rule, schema names and message scrubbing for the PostgreSQL
// store (see pg_policy.hpp). No libpq here.

#include "store/pg_policy.hpp"

#include "core/error.hpp"
#include "util/string.hpp"

#include <algorithm>
#include <arpa/inet.h>

namespace smsotp::store::detail {

std::string scrub(std::string text, const std::string& database)
{
  for (const auto& password : passwords_in(database)) {
    if (password.empty()) {
      continue;
    }
    for (std::size_t at = text.find(password); at != std::string::npos;
         at = text.find(password, at + 3)) {
      text.replace(at, password.size(), "***");
    }
  }
  return text;
}

void check_schema_name(const std::string& schema)
{
  bool valid = !schema.empty() && schema.size() <= 63;
  for (std::size_t i = 0; valid && i < schema.size(); ++i) {
    const char c = schema[i];
    valid =
        (c >= 'a' && c <= 'z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
  }
  if (!valid) {
    throw Error(core::ExitCode::config,
                "store.schema '" + util::escape_for_display(schema, 80)
                    + "' is not a valid schema name: use lower-case letters, "
                      "digits and '_', starting with a letter or '_', at most "
                      "63 characters");
  }
}

bool is_loopback(const std::string& host)
{
  // Host names are case-insensitive; libpq resolves any spelling.
  if (util::to_lower(host) == "localhost") {
    return true;
  }
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    return IN6_IS_ADDR_LOOPBACK(&v6) != 0;
  }
  return false;
}

namespace {

// A list entry libpq treats as a Unix socket (abstract ones start with '@').
bool is_socket(const std::string& host)
{
  return host.empty() || host.front() == '/' || host.front() == '@';
}

} // namespace

void check_tls(const EffectiveConnection& connection,
               const std::string& display)
{
  if (connection.sslmode == "verify-full") {
    return;
  }
  const auto hosts = util::split(connection.host, ',');
  const auto addresses = util::split(connection.hostaddr, ',');
  const std::size_t count =
      std::max(connection.host.empty() ? 0 : hosts.size(),
               connection.hostaddr.empty() ? 0 : addresses.size());
  for (std::size_t i = 0; i < count; ++i) {
    const std::string host = connection.host.empty() || i >= hosts.size()
                                 ? std::string()
                                 : std::string(util::trim(hosts[i]));
    const std::string address =
        connection.hostaddr.empty() || i >= addresses.size()
            ? std::string()
            : std::string(util::trim(addresses[i]));
    // With hostaddr the connection goes there (host only names it for
    // certificate checks); without, host is a socket directory or a name.
    const std::string target = !address.empty() ? address : host;
    if (address.empty() && is_socket(host)) {
      continue;
    }
    if (is_loopback(target)) {
      continue;
    }
    throw Error(
        core::ExitCode::config,
        "PostgreSQL store " + display + ": the connection to '"
            + util::escape_for_display(target, 80)
            + "' goes over the network with sslmode="
            + (connection.sslmode.empty() ? "prefer" : connection.sslmode)
            + ", which does not verify the server; add sslmode=verify-full "
              "and sslrootcert=<the CA file that signed the server's "
              "certificate> to store.database (or the service file), or "
              "connect over a Unix socket or loopback");
  }
}

} // namespace smsotp::store::detail
