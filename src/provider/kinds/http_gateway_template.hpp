#pragma once

// Internal to the `http` provider kind (http_gateway.cpp): request templates
// with placeholders, and the patterns that read a gateway's answer. Every
// function here reports a configuration problem as a returned message; the
// caller adds the key's location.

#include "provider/base/spec_reader.hpp"

#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace smsotp::provider::http_gateway {

// Bit flags, so that a template can say which placeholders it uses.
enum class Placeholder : unsigned
{
  to = 1U,        // E.164, "+15558675310"
  to_digits = 2U, // E.164 without '+', "15558675310"
  from = 4U,      // the `from` key
  text = 8U,      // the rendered message
  secret = 16U,   // the secret named `secret`
};

struct Values
{
  std::string to;
  std::string to_digits;
  std::string from;
  std::string text;
  std::string secret;
};

// How a substituted value is escaped. Form and query fields are
// percent-encoded as a whole after expansion, so they use `none` here.
enum class Escape
{
  none,
  json_string, // the content of a JSON string, without the quotes
};

// A text with placeholders. "{name}" where name is made of a-z and '_' is a
// placeholder and must be one of {to}, {to_digits}, {from}, {text},
// {secret}; every other byte is literal, so the braces of a JSON template
// need no escaping.
class Template
{
public:
  // Returns "" on success, else the problem (an unknown placeholder, or one
  // not in `allowed`, a bit set of Placeholder).
  std::string parse(const std::string& text, unsigned allowed);
  unsigned used() const; // Placeholder bits
  std::string expand(const Values& values, Escape escape) const;

private:
  struct Segment
  {
    std::string literal;
    std::optional<Placeholder> placeholder;
  };
  std::vector<Segment> m_segments;
  unsigned m_used = 0;
};

constexpr unsigned k_all_placeholders = 31U;

// "name=value" with a template value (form and query fields).
struct Field
{
  std::string name;
  Template value;
};
std::string parse_field(const std::string& text, unsigned allowed, Field& out);

// "Name: value" with a template value. The template must not contain
// control characters (CR/LF would inject headers).
struct Header
{
  std::string name;
  Template value;
};
std::string
parse_header(const std::string& text, unsigned allowed, Header& out);

// Percent-encoded "name=value&..." after expansion.
std::string encode_fields(const std::vector<Field>& fields,
                          const Values& values);

std::string json_string_content(const std::string& text);

// True if `text` has a byte below 0x20 other than tab, or DEL.
bool has_control(const std::string& text);

// A test on an answer body: the value at a JSON pointer, or an ECMAScript
// regex searched in the first k_regex_window bytes of the body (std::regex
// recurses per character; gateway status lines are short).
constexpr std::size_t k_regex_window = 4096;
// The longest regex a rule may have. libstdc++ compiles a regex with one
// level of recursion per term, so a long one (found by fuzz_config) blows
// the stack; gateway rules are a few dozen characters.
constexpr std::size_t k_max_regex = 256;

class BodyPattern
{
public:
  enum class Result
  {
    found,
    not_found,
    unparseable, // a JSON pattern and a body that is not JSON
  };

  // Both return "" or the problem.
  std::string set_json_pointer(const std::string& pointer);
  std::string set_regex(const std::string& pattern, bool needs_group);

  bool empty() const;
  bool is_json() const;
  // On `found`, `value` is the JSON value as text (a string's content; a
  // number, boolean or null as written) or the regex's first capture group
  // (the whole match if there is none).
  Result find(const std::string& body, std::string& value) const;

private:
  std::optional<std::string> m_pointer; // a valid JSON pointer
  std::optional<std::regex> m_regex;
};

// "" or why `url` cannot be a gateway URL: base_url_problem's rules, plus
// no spaces, control or non-ASCII bytes, fragments or braces (placeholders
// are not expanded in URLs; parameters go in `body` with body_type query),
// and no query parameter named like a credential (apikey, password, token,
// ...): the URL is shown as written, only {secret} is redacted.
std::string url_problem(const std::string& url);

// `url` with `query` appended after '?' or '&'.
std::string with_query(const std::string& url, const std::string& query);

// A message id worth keeping: at most 128 printable ASCII bytes without
// spaces; otherwise "".
std::string safe_id(const std::string& id);

// A list-of-strings key, or nullopt if absent; Error(config) for another
// type.
std::optional<std::vector<std::string>>
read_string_list(const SpecReader& reader, const std::string& key);

// success_status: an integer or a list of them written as strings (the
// config loader keeps only string lists). Each must be 2xx or a 4xx other
// than 401/403/429, the only statuses a kind gets to interpret.
std::vector<long> read_status_list(const SpecReader& reader,
                                   const std::string& key,
                                   std::vector<long> fallback);

} // namespace smsotp::provider::http_gateway
