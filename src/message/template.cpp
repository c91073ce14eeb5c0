#include "message/template.hpp"

#include "core/error.hpp"
#include "message/encoding.hpp"

#include <functional>
#include <vector>

namespace smsotp::message {

namespace {

// Walks the template once, calling `literal` for plain text and
// `placeholder` for each {name}; returns an error text or "".
std::string walk(const std::string& text,
                 const std::function<void(const std::string&)>& literal,
                 const std::function<void(const std::string&)>& placeholder)
{
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      literal(std::string(1, c));
      i += 2;
    } else if (c == '{') {
      const auto end = text.find('}', i);
      if (end == std::string::npos) {
        return "unclosed '{' at character " + std::to_string(i + 1);
      }
      placeholder(text.substr(i + 1, end - i - 1));
      i = end + 1;
    } else if (c == '}') {
      return "unmatched '}' at character " + std::to_string(i + 1)
             + " (write }} for a brace)";
    } else {
      literal(std::string(1, c));
      ++i;
    }
  }
  return {};
}

} // namespace

void validate_template(const std::string& text,
                       const std::string& where,
                       const std::string& key)
{
  int code_count = 0;
  std::string unknown;
  const auto error = walk(
      text,
      [](const std::string&) {},
      [&](const std::string& name) {
        if (name == "code") {
          ++code_count;
        } else if (name != "app" && name != "ttl_minutes" && name != "purpose"
                   && unknown.empty()) {
          unknown = name;
        }
      });
  const std::string prefix = (where.empty() ? "" : where + ": ") + key + ": ";
  try {
    static_cast<void>(measure(text));
  } catch (const Error& failure) {
    throw Error(core::ExitCode::config, prefix + failure.what());
  }
  if (!error.empty()) {
    throw Error(core::ExitCode::config, prefix + error);
  }
  if (!unknown.empty()) {
    throw Error(core::ExitCode::config,
                prefix + "unknown placeholder {" + unknown
                    + "} (known: {code}, {app}, {ttl_minutes}, {purpose})");
  }
  if (code_count != 1) {
    throw Error(core::ExitCode::config,
                prefix + "must contain {code} exactly once, found "
                    + std::to_string(code_count));
  }
}

std::string render(const std::string& text, const TemplateValues& values)
{
  std::string out;
  walk(
      text,
      [&](const std::string& piece) { out += piece; },
      [&](const std::string& name) {
        if (name == "code") {
          out += values.code;
        } else if (name == "app") {
          out += values.app;
        } else if (name == "ttl_minutes") {
          out += std::to_string((values.ttl_seconds + 59) / 60);
        } else if (name == "purpose") {
          out += values.purpose;
        }
      });
  return out;
}

std::string group_code(const std::string& code)
{
  if (code.size() < 6) {
    return code;
  }
  std::vector<std::size_t> sizes(code.size() / 3, 3);
  if (code.size() % 3 == 2) {
    sizes.push_back(2);
  } else if (code.size() % 3 == 1) {
    sizes.back() = 2;
    sizes.push_back(2);
  }
  std::string out;
  std::size_t at = 0;
  for (const auto size : sizes) {
    if (!out.empty()) {
      out += ' ';
    }
    out += code.substr(at, size);
    at += size;
  }
  return out;
}

} // namespace smsotp::message
