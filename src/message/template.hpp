#pragma once

// Message templates: "{app}: your code is {code}". Placeholders are {code}
// (exactly once), {app}, {ttl_minutes} and {purpose}; "{{" and "}}" write
// literal braces.

#include <cstdint>
#include <string>

namespace smsotp::message {

struct TemplateValues
{
  std::string code;
  std::string app;
  std::int64_t ttl_seconds = 300;
  std::string purpose;
};

// Throws Error(config), prefixed with "`where`: `key`: ", if the template is
// invalid: bad braces, an unknown placeholder, {code} not exactly once, or
// text that is not UTF-8.
void validate_template(const std::string& text,
                       const std::string& where,
                       const std::string& key = "message.template");

// Renders a template that validate_template accepted.
std::string render(const std::string& text, const TemplateValues& values);

// The code in groups for reading (message.group_code): groups of three from
// the left, except that a last group of one digit is avoided by ending in
// two groups of two. 6: "123 456", 7: "123 45 67", 8: "123 456 78",
// 9: "123 456 789", 10: "123 456 78 90". Shorter codes are unchanged.
std::string group_code(const std::string& code);

} // namespace smsotp::message
