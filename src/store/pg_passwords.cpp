// The passwords a PostgreSQL location carries, as values, so that text
// libpq produced (which can echo the whole URI) is scrubbed of them before
// any message shows it. Masking of the location itself is
// core::masked_location's; this finds values, raw and percent-decoded, and
// also in places that masking does not know (a URI given as dbname). Pure
// string code, no libpq.

#include "core/database_location.hpp"
#include "store/pg_policy.hpp"
#include "util/string.hpp"

#include <cctype>
#include <string_view>

namespace smsotp::store {

namespace {

bool starts_with(std::string_view text, std::string_view prefix)
{
  return text.substr(0, prefix.size()) == prefix;
}

// Length of the URI scheme prefix, 0 if `text` is not a PostgreSQL URI.
std::size_t uri_prefix(std::string_view text)
{
  for (const std::string_view prefix : {"postgresql://", "postgres://"}) {
    if (starts_with(text, prefix)) {
      return prefix.size();
    }
  }
  return 0;
}

// password, and sslpassword (the passphrase of the client's TLS key), in
// any letter case (see core::masked_location).
bool is_secret_key(std::string_view key)
{
  const std::string lower = util::to_lower(key);
  return lower == "password" || lower == "sslpassword";
}

bool is_space(char c)
{
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

int hex_value(char c)
{
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

// %XX decoding as libpq applies it to URI parts; malformed escapes stay.
std::string percent_decode(std::string_view text)
{
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out += static_cast<char>(high * 16 + low);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

// One key=value pair of a libpq connection string, as positions in it.
struct Pair
{
  std::string key;
  std::size_t value_begin = 0;
  std::size_t value_end = 0; // one past the value (quotes included)
  std::string value;         // unquoted, unescaped
};

// Splits a key=value string the way libpq does: keys, optional spaces
// around '=', values either single-quoted (backslash escapes) or running to
// the next space. A word without '=' is skipped (libpq refuses the string,
// but a password after it must still be found); `complete` says whether
// there was none.
std::vector<Pair> parse_pairs(std::string_view text, bool& complete)
{
  std::vector<Pair> pairs;
  std::size_t i = 0;
  bool malformed = false;
  while (true) {
    while (i < text.size() && is_space(text[i])) {
      ++i;
    }
    if (i == text.size()) {
      complete = !malformed;
      return pairs;
    }
    Pair pair;
    while (i < text.size() && !is_space(text[i]) && text[i] != '=') {
      pair.key += text[i++];
    }
    while (i < text.size() && is_space(text[i])) {
      ++i;
    }
    if (i == text.size() || text[i] != '=') {
      malformed = true;
      continue; // a word without '=': the next word starts at i
    }
    ++i;
    while (i < text.size() && is_space(text[i])) {
      ++i;
    }
    pair.value_begin = i;
    if (i < text.size() && text[i] == '\'') {
      ++i;
      bool closed = false;
      while (i < text.size()) {
        if (text[i] == '\\' && i + 1 < text.size()) {
          pair.value += text[i + 1];
          i += 2;
        } else if (text[i] == '\'') {
          ++i;
          closed = true;
          break;
        } else {
          pair.value += text[i++];
        }
      }
      if (!closed) {
        // An unterminated quote: everything after it is the value.
        pair.value_end = text.size();
        pairs.push_back(pair);
        return pairs;
      }
    } else {
      while (i < text.size() && !is_space(text[i])) {
        if (text[i] == '\\' && i + 1 < text.size()) {
          ++i;
        }
        pair.value += text[i++];
      }
    }
    pair.value_end = i;
    pairs.push_back(pair);
  }
}

// A URI split into the part before the password, the password and the
// rest; `password` empty-range if it has none in its userinfo.
struct UriParts
{
  std::size_t password_begin = std::string::npos;
  std::size_t password_end = std::string::npos;
  std::size_t query_begin = std::string::npos; // after '?'
};

UriParts split_uri(std::string_view text, std::size_t prefix)
{
  UriParts parts;
  // libpq takes user info up to the first '@' unless a '/' comes first; a
  // password with an unescaped '/' is still meant as one, so an '@' before
  // the query counts too, one inside the query (user=alice@corp) does not.
  // It runs to the last '@' before the next '/' or '?' (masking too much
  // rather than too little), as in core::masked_location.
  std::size_t at = text.find('@', prefix);
  if (at != std::string_view::npos && at > text.find('/', prefix)
      && at > text.find('?', prefix)) {
    at = std::string_view::npos; // in the query
  }
  if (at != std::string_view::npos) {
    at = text.rfind('@', text.find_first_of("/?", at));
  }
  if (at != std::string_view::npos) {
    const std::size_t colon = text.find(':', prefix);
    if (colon != std::string_view::npos && colon < at) {
      parts.password_begin = colon + 1;
      parts.password_end = at;
    }
  }
  const std::size_t search_from = at == std::string_view::npos ? prefix : at;
  const std::size_t question = text.find('?', search_from);
  if (question != std::string_view::npos) {
    parts.query_begin = question + 1;
  }
  return parts;
}

// Calls `on_password(begin, end, decoded)` for every password= query
// parameter of a URI's query string starting at `begin`.
template<typename F>
void for_each_query_password(std::string_view text,
                             std::size_t begin,
                             F on_password)
{
  std::size_t i = begin;
  while (i <= text.size()) {
    std::size_t amp = text.find('&', i);
    if (amp == std::string_view::npos) {
      amp = text.size();
    }
    const std::string_view param = text.substr(i, amp - i);
    const std::size_t eq = param.find('=');
    if (eq != std::string_view::npos
        && is_secret_key(percent_decode(param.substr(0, eq)))) {
      on_password(i + eq + 1, amp, percent_decode(param.substr(eq + 1)));
    }
    i = amp + 1;
  }
}

} // namespace

namespace detail {

std::vector<std::string> passwords_in(const std::string& database)
{
  std::vector<std::string> found;
  if (const std::size_t prefix = uri_prefix(database); prefix > 0) {
    const auto parts = split_uri(database, prefix);
    if (parts.password_begin != std::string::npos) {
      const auto raw = database.substr(
          parts.password_begin, parts.password_end - parts.password_begin);
      found.push_back(raw);
      found.push_back(percent_decode(raw));
      // With an unescaped '/' libpq reads the part before it as a port and
      // echoes that part ("invalid integer value ... port"): each piece
      // is scrubbed too.
      for (std::size_t begin = 0, slash = 0; slash != std::string::npos;
           begin = slash + 1) {
        slash = raw.find('/', begin);
        if (slash != std::string::npos || begin > 0) {
          found.push_back(raw.substr(begin, slash - begin));
        }
      }
    }
    if (parts.query_begin != std::string::npos) {
      for_each_query_password(
          database,
          parts.query_begin,
          [&](std::size_t begin, std::size_t end, const std::string& decoded) {
            found.push_back(database.substr(begin, end - begin));
            found.push_back(decoded);
          });
    }
    return found;
  }
  if (!core::is_postgres_location(database)) {
    return found;
  }
  bool complete = false;
  for (const auto& pair : parse_pairs(database, complete)) {
    if (is_secret_key(pair.key)) {
      found.push_back(pair.value);
    } else if (pair.key == "dbname" && core::is_postgres_location(pair.value)) {
      const auto inner = passwords_in(pair.value);
      found.insert(found.end(), inner.begin(), inner.end());
    }
  }
  return found;
}

// libpq's text as one line, without any password of the location.
std::string one_line(const char* text, const std::string& database)
{
  std::string out;
  bool space = false;
  for (const char* p = text; p != nullptr && *p != '\0'; ++p) {
    if (*p == '\n' || *p == '\r' || *p == '\t' || *p == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) {
      out += ' ';
      space = false;
    }
    out += *p;
  }
  return scrub(out, database);
}

// For a string libpq cannot parse that holds a password: the password may
// run on past where libpq ended it (an unescaped '&' or space), so the
// location is shown only up to its last masked password and every token
// libpq quotes ("...") is left out.
std::string cut_after_password(const std::string& display)
{
  const std::size_t mask = display.rfind("***");
  if (mask == std::string::npos || mask + 3 == display.size()) {
    return display;
  }
  return display.substr(0, mask + 3) + " ...";
}

std::string without_quoted(const std::string& text)
{
  std::string out;
  bool quoted = false;
  for (const char c : text) {
    if (c == '"') {
      out += quoted ? "...\"" : "\"";
      quoted = !quoted;
    } else if (!quoted) {
      out += c;
    }
  }
  return out;
}

} // namespace detail

} // namespace smsotp::store
