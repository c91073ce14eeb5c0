#include "core/database_location.hpp"

#include "util/string.hpp"

#include <cctype>
#include <optional>
#include <utility>
#include <vector>

namespace smsotp::core {

namespace {

constexpr const char* k_mask = "***";

bool is_word_char(char c)
{
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// password, and sslpassword (the passphrase of the client's TLS key), in
// any letter case: libpq refuses "PASSWORD=", but the message that says so
// repeats the string, and the value is a password all the same.
bool is_secret_key(const std::string& key)
{
  const std::string lower = util::to_lower(key);
  return lower == "password" || lower == "sslpassword";
}

bool is_uri(const std::string& text)
{
  return text.starts_with("postgresql://") || text.starts_with("postgres://");
}

// [begin, end) of each password value in `text`.
using Spans = std::vector<std::pair<std::size_t, std::size_t>>;

Spans password_spans(const std::string& text);

// `text` with %XX escapes decoded, as libpq decodes URI parameter names.
std::string percent_decoded(const std::string& text)
{
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()
        && std::isxdigit(static_cast<unsigned char>(text[i + 1])) != 0
        && std::isxdigit(static_cast<unsigned char>(text[i + 2])) != 0) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// libpq expands a dbname that is itself a URI or key=value string: its
// passwords count too, at their place inside `text`.
void add_nested(Spans& spans,
                const std::string& text,
                std::size_t begin,
                std::size_t end)
{
  for (const auto& [inner_begin, inner_end] :
       password_spans(text.substr(begin, end - begin))) {
    spans.emplace_back(begin + inner_begin, begin + inner_end);
  }
}

// URI: "scheme://[user[:password]@]hosts[/db][?k=v&...]". libpq takes
// user info up to the first '@' unless a '/' comes first (a '?' before it
// is part of the password). A password with an unescaped '/' is still meant
// as one (libpq echoes its first piece as a bad port), so an '@' before the
// query counts too; an '@' inside the query (user=alice@corp) does not.
// The user info runs to the last '@' before the next '/' or '?': masking
// too much rather than too little.
Spans uri_password_spans(const std::string& text)
{
  Spans spans;
  const std::size_t authority = text.find("://") + 3;
  std::size_t at = text.find('@', authority);
  if (at != std::string::npos && at > text.find('/', authority)
      && at > text.find('?', authority)) {
    at = std::string::npos; // in the query
  }
  if (at != std::string::npos) {
    at = text.rfind('@', text.find_first_of("/?", at));
  }
  const std::size_t host_start = at == std::string::npos ? authority : at + 1;
  const std::size_t authority_end = text.find_first_of("/?", host_start);
  if (at != std::string::npos) {
    const std::size_t colon = text.find(':', authority);
    if (colon != std::string::npos && colon < at) {
      spans.emplace_back(colon + 1, at);
    }
  }
  const std::size_t query = text.find('?', host_start);
  if (authority_end != std::string::npos && text[authority_end] == '/') {
    // The database name, which libpq would expand if it were a URI itself.
    const std::size_t path_end = std::min(query, text.size());
    if (has_password(percent_decoded(
            text.substr(authority_end + 1, path_end - authority_end - 1)))) {
      spans.emplace_back(authority_end + 1, path_end);
    }
  }
  if (query == std::string::npos) {
    return spans;
  }
  std::size_t start = query + 1;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('&', start), text.size());
    const std::size_t equals = text.find('=', start);
    if ((equals == std::string::npos || equals >= end) && !spans.empty()
        && spans.back().second + 1 == start) {
      // A bare part right after a password: an unescaped '&' ended it
      // early (libpq refuses the part); it belongs to the password.
      spans.back().second = end;
    } else if (equals != std::string::npos && equals < end) {
      const std::string key =
          percent_decoded(text.substr(start, equals - start));
      if (is_secret_key(key)) {
        spans.emplace_back(equals + 1, end);
      } else if (key == "dbname") {
        const std::string value =
            percent_decoded(text.substr(equals + 1, end - equals - 1));
        if (has_password(value)) {
          spans.emplace_back(equals + 1, end); // all of it: it is encoded
        }
      }
    }
    start = end + 1;
  }
  return spans;
}

// key=value: keywords, optional spaces around '=', values unquoted (up to
// white space) or single-quoted with backslash escapes. A malformed part
// (a word without '=') is skipped, not the end: libpq refuses the string,
// and the message that says so repeats it, so a password after it must be
// masked too.
Spans keyword_password_spans(const std::string& text)
{
  Spans spans;
  std::size_t i = 0;
  const auto skip_space = [&] {
    while (i < text.size()
           && std::isspace(static_cast<unsigned char>(text[i])) != 0) {
      ++i;
    }
  };
  // A bare word right after a password: an unescaped space ended it
  // early (libpq refuses the word); it belongs to the password.
  bool after_password = false;
  while (true) {
    skip_space();
    const std::size_t key_start = i;
    while (i < text.size() && is_word_char(text[i])) {
      ++i;
    }
    const std::size_t key_end = i;
    const std::string key = text.substr(key_start, i - key_start);
    skip_space();
    if (key.empty() && i < text.size() && text[i] != '=') {
      // Not a keyword: skip this word.
      while (i < text.size()
             && std::isspace(static_cast<unsigned char>(text[i])) == 0) {
        ++i;
      }
      if (after_password) {
        spans.back().second = i;
      }
      continue;
    }
    if (!key.empty() && (i >= text.size() || text[i] != '=')) {
      if (after_password) {
        spans.back().second = key_end;
      }
      continue; // a keyword without '=': the next word starts here
    }
    if (i >= text.size()) {
      return spans;
    }
    ++i;
    skip_space();
    std::size_t value_start = i;
    std::size_t value_end = 0; // set by both branches below
    if (i < text.size() && text[i] == '\'') {
      value_start = ++i;
      while (i < text.size() && text[i] != '\'') {
        i += text[i] == '\\' && i + 1 < text.size() ? 2U : 1U;
      }
      value_end = std::min(i, text.size());
      if (i < text.size()) {
        ++i; // the closing quote
      }
    } else {
      // libpq lets a backslash escape the next character (a space too).
      while (i < text.size()
             && std::isspace(static_cast<unsigned char>(text[i])) == 0) {
        i += text[i] == '\\' && i + 1 < text.size() ? 2U : 1U;
      }
      value_end = i;
    }
    after_password = is_secret_key(key);
    if (after_password) {
      spans.emplace_back(value_start, value_end);
    } else if (key == "dbname") {
      add_nested(spans, text, value_start, value_end);
    }
  }
}

Spans password_spans(const std::string& text)
{
  // Spans are sorted and disjoint: callers copy the text between them.
  if (is_uri(text)) {
    return uri_password_spans(text);
  }
  if (is_postgres_location(text)) {
    return keyword_password_spans(text);
  }
  return {};
}

} // namespace

bool is_postgres_location(const std::string& database)
{
  if (is_uri(database)) {
    return true;
  }
  std::size_t i = 0;
  while (i < database.size()
         && std::isspace(static_cast<unsigned char>(database[i])) != 0) {
    ++i;
  }
  const std::size_t word = i;
  while (i < database.size() && is_word_char(database[i])) {
    ++i;
  }
  if (i == word
      || std::isdigit(static_cast<unsigned char>(database[word])) != 0) {
    return false;
  }
  while (i < database.size()
         && std::isspace(static_cast<unsigned char>(database[i])) != 0) {
    ++i;
  }
  return i < database.size() && database[i] == '=';
}

bool has_password(const std::string& database)
{
  return !password_spans(database).empty();
}

std::string masked_location(const std::string& database)
{
  std::string out;
  std::size_t copied = 0;
  for (const auto& [begin, end] : password_spans(database)) {
    out.append(database, copied, begin - copied);
    out += k_mask;
    copied = end;
  }
  out.append(database, copied);
  return out;
}

} // namespace smsotp::core
