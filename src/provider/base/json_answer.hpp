#pragma once

// Internal to provider/: a provider's JSON answer, parsed once and read
// through typed look-ups that never throw. A body that is not JSON, a
// missing member and a value of another type all read as "absent"; each
// kind decides what absence means for its outcome (DESIGN §5).

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace smsotp::provider {

class JsonAnswer
{
public:
  explicit JsonAnswer(const std::string& body);

  // The body is JSON of any type.
  bool parsed() const;
  // The body is a JSON object (not an array, a scalar or broken JSON).
  bool is_object() const;

  // The value at `pointer`, a JSON pointer (RFC 6901: "" the whole body,
  // "/data/id", "/messages/0/status"), or nullptr. An array is indexed by
  // a decimal index without leading zeros only.
  const nlohmann::json* at(std::string_view pointer) const;
  bool has(std::string_view pointer) const;
  bool is_null(std::string_view pointer) const;

  // A JSON string's content.
  std::optional<std::string> string(std::string_view pointer) const;
  // A JSON string that is not empty (an id worth keeping).
  std::optional<std::string> nonempty_string(std::string_view pointer) const;
  // A JSON integer.
  std::optional<long long> integer(std::string_view pointer) const;
  // A code that providers send either way: a string's content, or an
  // integer in decimal.
  std::optional<std::string> code(std::string_view pointer) const;
  // An amount as display text: a JSON number as written, or a string that
  // holds a decimal number (at most 32 bytes).
  std::optional<std::string> amount(std::string_view pointer) const;
  // The length of an array.
  std::optional<std::size_t> array_size(std::string_view pointer) const;

private:
  nlohmann::json m_json;
};

} // namespace smsotp::provider
