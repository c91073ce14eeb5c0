#pragma once

// Internal to store/: the PostgreSQL rules that need no server and no
// libpq, kept apart so that unit tests can check them directly.

#include <string>
#include <vector>

namespace smsotp::store::detail {

// Every password a PostgreSQL location string carries (raw and decoded
// forms), so that messages can be scrubbed of them (location.cpp).
std::vector<std::string> passwords_in(const std::string& database);

// `text` with every password of `database` replaced by "***".
std::string scrub(std::string text, const std::string& database);

// libpq's (multi-line) text as one line, scrubbed of `database`'s
// passwords.
std::string one_line(const char* text, const std::string& database);

// For a string libpq cannot parse that holds a password: the password may
// run on past where libpq ended it (an unescaped '&' or space), so the
// location is shown only up to its last masked password.
std::string cut_after_password(const std::string& display);

// `text` with what libpq quotes ("...") left out.
std::string without_quoted(const std::string& text);

// Throws Error(config) unless `schema` is a plain lower-case identifier
// ([a-z_][a-z0-9_]{0,62}), which is then safe to quote into SQL.
void check_schema_name(const std::string& schema);

// True for a host that is this machine: "localhost", 127.0.0.0/8, ::1.
bool is_loopback(const std::string& host);

// The effective connection options libpq will use (after the service
// file and PG* environment are applied): comma-separated host and
// hostaddr lists, and sslmode.
struct EffectiveConnection
{
  std::string host;
  std::string hostaddr;
  std::string sslmode;
};

// The TLS rule (issue 8 item 2): a TCP connection to anything but loopback
// needs sslmode=verify-full; Unix sockets (a host starting with '/' or '@',
// or none at all) and loopback are exempt. Every entry of a multi-host list
// is checked; where hostaddr is given it is where the connection goes.
// Throws Error(config) naming the fix; `display` is the masked location.
void check_tls(const EffectiveConnection& connection,
               const std::string& display);

} // namespace smsotp::store::detail
