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

// Throws Error(config), prefixed with `where`, if the template is invalid.
void validate_template(const std::string& text, const std::string& where);

// Renders a template that validate_template accepted.
std::string render(const std::string& text, const TemplateValues& values);

} // namespace smsotp::message
