#include "provider/base/json_answer.hpp"

#include "util/string.hpp"

#include <algorithm>

namespace smsotp::provider {

namespace {

// One reference token of a JSON pointer, unescaped (~1 is '/', ~0 '~').
std::string unescape_token(std::string_view token)
{
  std::string out;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size()
        && (token[i + 1] == '0' || token[i + 1] == '1')) {
      out += token[i + 1] == '0' ? '~' : '/';
      ++i;
    } else {
      out += token[i];
    }
  }
  return out;
}

const nlohmann::json* step(const nlohmann::json& value,
                           const std::string& token)
{
  if (value.is_object()) {
    const auto it = value.find(token);
    return it == value.end() ? nullptr : &*it;
  }
  if (!value.is_array() || (token.size() > 1 && token.front() == '0')) {
    return nullptr;
  }
  std::uint64_t index = 0;
  if (!util::parse_uint(token, index) || index >= value.size()) {
    return nullptr;
  }
  return &value[static_cast<std::size_t>(index)];
}

bool is_decimal(const std::string& text)
{
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  return text.size() <= 32 && std::any_of(text.begin(), text.end(), digit)
         && std::all_of(text.begin(), text.end(), [&digit](char c) {
              return digit(c) || c == '.' || c == '-';
            });
}

} // namespace

JsonAnswer::JsonAnswer(const std::string& body)
    : m_json(nlohmann::json::parse(body, nullptr, false))
{}

bool JsonAnswer::parsed() const
{
  return !m_json.is_discarded();
}

bool JsonAnswer::is_object() const
{
  return m_json.is_object();
}

const nlohmann::json* JsonAnswer::at(std::string_view pointer) const
{
  if (!parsed() || (!pointer.empty() && pointer.front() != '/')) {
    return nullptr;
  }
  const nlohmann::json* value = &m_json;
  while (value != nullptr && !pointer.empty()) {
    pointer.remove_prefix(1); // the '/'
    const auto end = std::min(pointer.find('/'), pointer.size());
    value = step(*value, unescape_token(pointer.substr(0, end)));
    pointer.remove_prefix(end);
  }
  return value;
}

bool JsonAnswer::has(std::string_view pointer) const
{
  return at(pointer) != nullptr;
}

bool JsonAnswer::is_null(std::string_view pointer) const
{
  const auto* value = at(pointer);
  return value != nullptr && value->is_null();
}

std::optional<std::string> JsonAnswer::string(std::string_view pointer) const
{
  const auto* value = at(pointer);
  if (value == nullptr || !value->is_string()) {
    return std::nullopt;
  }
  return value->get<std::string>();
}

std::optional<std::string>
JsonAnswer::nonempty_string(std::string_view pointer) const
{
  auto text = string(pointer);
  if (!text || text->empty()) {
    return std::nullopt;
  }
  return text;
}

std::optional<long long> JsonAnswer::integer(std::string_view pointer) const
{
  const auto* value = at(pointer);
  if (value == nullptr || !value->is_number_integer()) {
    return std::nullopt;
  }
  return value->get<long long>();
}

std::optional<std::string> JsonAnswer::code(std::string_view pointer) const
{
  if (auto text = string(pointer)) {
    return text;
  }
  if (const auto number = integer(pointer)) {
    return std::to_string(*number);
  }
  return std::nullopt;
}

std::optional<std::string> JsonAnswer::amount(std::string_view pointer) const
{
  const auto* value = at(pointer);
  if (value != nullptr && value->is_number()) {
    return value->dump();
  }
  auto text = string(pointer);
  if (!text || !is_decimal(*text)) {
    return std::nullopt;
  }
  return text;
}

std::optional<std::size_t>
JsonAnswer::array_size(std::string_view pointer) const
{
  const auto* value = at(pointer);
  if (value == nullptr || !value->is_array()) {
    return std::nullopt;
  }
  return value->size();
}

} // namespace smsotp::provider
