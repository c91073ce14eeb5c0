#include "provider/kinds/http_gateway_template.hpp"

#include "core/config.hpp"
#include "provider/base/json_answer.hpp"
#include "provider/http/transport.hpp"
#include "util/string.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace smsotp::provider::http_gateway {

namespace {

struct Known
{
  const char* name;
  Placeholder placeholder;
};

constexpr std::array<Known, 5> k_known{{
    {"to", Placeholder::to},
    {"to_digits", Placeholder::to_digits},
    {"from", Placeholder::from},
    {"text", Placeholder::text},
    {"secret", Placeholder::secret},
}};

bool is_name_char(char c)
{
  return (c >= 'a' && c <= 'z') || c == '_';
}

// RFC 9110 token characters.
bool is_token(const std::string& name)
{
  static constexpr std::string_view k_extra = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0
           || k_extra.find(c) != std::string_view::npos;
  });
}

std::string allowed_list(unsigned allowed)
{
  std::vector<std::string> names;
  for (const auto& known : k_known) {
    if ((allowed & static_cast<unsigned>(known.placeholder)) != 0) {
      names.push_back("{" + std::string(known.name) + "}");
    }
  }
  return util::join(names, ", ");
}

const std::string& value_of(const Values& values, Placeholder placeholder)
{
  switch (placeholder) {
    case Placeholder::to:
      return values.to;
    case Placeholder::to_digits:
      return values.to_digits;
    case Placeholder::from:
      return values.from;
    case Placeholder::text:
      return values.text;
    case Placeholder::secret:
      break;
  }
  return values.secret;
}

// The first query parameter of `url` whose name suggests a credential
// (api keys, passwords, tokens), or "".
std::string credential_parameter(const std::string& url)
{
  const auto question = url.find('?');
  if (question == std::string::npos) {
    return {};
  }
  static constexpr std::array<std::string_view, 6> k_hints{
      "key", "pass", "pwd", "token", "secret", "auth"};
  for (const auto& parameter : util::split(url.substr(question + 1), '&')) {
    std::string name = parameter.substr(0, parameter.find('='));
    const std::string lower = util::to_lower(name);
    for (const auto hint : k_hints) {
      if (lower.find(hint) != std::string::npos) {
        return name;
      }
    }
  }
  return {};
}

} // namespace

std::string Template::parse(const std::string& text, unsigned allowed)
{
  m_segments.clear();
  m_used = 0;
  std::string literal;
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::size_t end = i + 1;
    while (text[i] == '{' && end < text.size() && is_name_char(text[end])) {
      ++end;
    }
    if (text[i] != '{' || end == i + 1 || end >= text.size()
        || text[end] != '}') {
      literal += text[i];
      continue;
    }
    const std::string name = text.substr(i + 1, end - i - 1);
    const auto* const known =
        std::find_if(k_known.begin(), k_known.end(), [&name](const Known& k) {
          return name == k.name;
        });
    if (known == k_known.end()
        || (allowed & static_cast<unsigned>(known->placeholder)) == 0) {
      return "placeholder {" + util::escape_for_display(name)
             + (known == k_known.end() ? "} is unknown"
                                       : "} is not allowed here")
             + " (allowed: " + allowed_list(allowed) + ")";
    }
    m_segments.push_back({std::move(literal), known->placeholder});
    literal.clear();
    m_used |= static_cast<unsigned>(known->placeholder);
    i = end;
  }
  if (!literal.empty()) {
    m_segments.push_back({std::move(literal), std::nullopt});
  }
  return {};
}

unsigned Template::used() const
{
  return m_used;
}

std::string Template::expand(const Values& values, Escape escape) const
{
  std::string out;
  for (const auto& segment : m_segments) {
    out += segment.literal;
    if (segment.placeholder) {
      const auto& value = value_of(values, *segment.placeholder);
      out += escape == Escape::json_string ? json_string_content(value) : value;
    }
  }
  return out;
}

std::string parse_field(const std::string& text, unsigned allowed, Field& out)
{
  const auto equals = text.find('=');
  if (equals == std::string::npos || equals == 0) {
    return "expected \"name=value\", got \"" + util::escape_for_display(text)
           + "\"";
  }
  out.name = text.substr(0, equals);
  if (has_control(out.name)) {
    return "control character in a field name";
  }
  return out.value.parse(text.substr(equals + 1), allowed);
}

std::string parse_header(const std::string& text, unsigned allowed, Header& out)
{
  if (has_control(text)) {
    return "header \"" + util::escape_for_display(text)
           + "\" contains a line break or control character";
  }
  const auto colon = text.find(':');
  out.name = colon == std::string::npos ? "" : text.substr(0, colon);
  if (!is_token(out.name)) {
    return "expected \"Name: value\", got \"" + util::escape_for_display(text)
           + "\"";
  }
  return out.value.parse(std::string(util::trim(text.substr(colon + 1))),
                         allowed);
}

std::string encode_fields(const std::vector<Field>& fields,
                          const Values& values)
{
  std::vector<std::pair<std::string, std::string>> pairs;
  pairs.reserve(fields.size());
  for (const auto& field : fields) {
    pairs.emplace_back(field.name, field.value.expand(values, Escape::none));
  }
  return form_encode(pairs);
}

std::string json_string_content(const std::string& text)
{
  // Invalid UTF-8 becomes U+FFFD instead of an exception.
  const std::string quoted = nlohmann::json(text).dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  return quoted.substr(1, quoted.size() - 2);
}

bool has_control(const std::string& text)
{
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && byte != '\t') || byte == 0x7f;
  });
}

std::string BodyPattern::set_json_pointer(const std::string& pointer)
{
  try {
    static_cast<void>(nlohmann::json::json_pointer(pointer)); // validates
    m_pointer = pointer;
  } catch (const nlohmann::json::exception&) {
    return "not a JSON pointer (expected e.g. \"/status\" or "
           "\"/messages/0/id\")";
  }
  return {};
}

std::string BodyPattern::set_regex(const std::string& pattern, bool needs_group)
{
  if (pattern.size() > k_max_regex) {
    return "longer than " + std::to_string(k_max_regex)
           + " characters; a status line needs a short pattern such as "
             "\"^STATUS:OK\"";
  }
  try {
    m_regex.emplace(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& error) {
    return std::string("invalid regular expression (") + error.what() + ")";
  }
  if (needs_group && m_regex->mark_count() < 1) {
    return "needs a capture group, e.g. \"ID:([0-9]+)\"";
  }
  return {};
}

bool BodyPattern::empty() const
{
  return !m_pointer && !m_regex;
}

bool BodyPattern::is_json() const
{
  return m_pointer.has_value();
}

BodyPattern::Result BodyPattern::find(const std::string& body,
                                      std::string& value) const
{
  if (m_regex) {
    const std::string window = body.substr(0, k_regex_window);
    std::smatch match;
    if (!std::regex_search(window, match, *m_regex)) {
      return Result::not_found;
    }
    value = match.size() > 1 ? match[1].str() : match[0].str();
    return Result::found;
  }
  if (!m_pointer) {
    return Result::not_found;
  }
  const JsonAnswer answer(body);
  if (!answer.parsed()) {
    return Result::unparseable;
  }
  const auto* found = answer.at(*m_pointer); // "/x" into an array: none
  if (found == nullptr || !found->is_primitive()) {
    return Result::not_found;
  }
  value = found->is_string() ? found->get<std::string>() : found->dump();
  return Result::found;
}

std::string url_problem(const std::string& url)
{
  if (std::any_of(url.begin(), url.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte <= 0x20 || byte >= 0x7f;
      })) {
    return "contains a space, control or non-ASCII byte (percent-encode it)";
  }
  if (auto problem = base_url_problem(url); !problem.empty()) {
    return problem;
  }
  if (url.find('#') != std::string::npos) {
    return "a fragment (#...) is not allowed";
  }
  if (const auto name = credential_parameter(url); !name.empty()) {
    return "the query parameter '" + util::escape_for_display(name)
           + "' looks like a credential, which `providers` and --dry-run "
             "would show; set secret and add \""
           + util::escape_for_display(name)
           + "={secret}\" to body (body_type = \"query\") or check_query";
  }
  if (url.find_first_of("{}") != std::string::npos) {
    return "placeholders are not expanded in a URL; put parameters in body "
           "with body_type = \"query\"";
  }
  return {};
}

std::string with_query(const std::string& url, const std::string& query)
{
  if (query.empty()) {
    return url;
  }
  if (url.find('?') == std::string::npos) {
    return url + "?" + query;
  }
  return url + (url.ends_with('?') || url.ends_with('&') ? "" : "&") + query;
}

std::string safe_id(const std::string& id)
{
  const bool clean =
      id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
        return c > 0x20 && c < 0x7f;
      });
  return clean ? id : std::string();
}

std::optional<std::vector<std::string>>
read_string_list(const SpecReader& reader, const std::string& key)
{
  const auto& values = reader.spec().values;
  const auto it = values.find(key);
  if (it == values.end()) {
    return std::nullopt;
  }
  if (it->second.type != core::ProviderValue::Type::string_list) {
    reader.fail(key, "expected a list of strings, e.g. [\"a\", \"b\"]");
  }
  return it->second.list;
}

std::vector<long> read_status_list(const SpecReader& reader,
                                   const std::string& key,
                                   std::vector<long> fallback)
{
  const auto& values = reader.spec().values;
  const auto it = values.find(key);
  if (it == values.end()) {
    return fallback;
  }
  std::vector<long> codes;
  if (it->second.type == core::ProviderValue::Type::integer) {
    codes.push_back(static_cast<long>(it->second.integer));
  } else if (it->second.type == core::ProviderValue::Type::string_list) {
    for (const auto& item : it->second.list) {
      std::uint64_t code = 0;
      if (!util::parse_uint(util::trim(item), code) || code > 999) {
        reader.fail(key,
                    "expected HTTP status codes, got \""
                        + util::escape_for_display(item) + "\"");
      }
      codes.push_back(static_cast<long>(code));
    }
  } else {
    reader.fail(key,
                "expected a status code or a list of them as strings, e.g. "
                "[\"200\", \"202\"]");
  }
  if (codes.empty()) {
    reader.fail(key, "the list is empty");
  }
  for (const long code : codes) {
    const bool usable = (code >= 200 && code < 300)
                        || (code >= 400 && code < 500 && code != 401
                            && code != 403 && code != 429);
    if (!usable) {
      reader.fail(key,
                  "HTTP " + std::to_string(code)
                      + " cannot mean success (401/403 always mean "
                        "credentials, 429 rate limiting, 3xx, 5xx and 1xx an "
                        "unexpected answer)");
    }
  }
  return codes;
}

} // namespace smsotp::provider::http_gateway
