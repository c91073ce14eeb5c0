#pragma once

// The whole SMS: which template (per locale), the rendered text with the
// optional grouped code, Android SMS Retriever hash and WebOTP line, and what
// it costs in segments.
//
// Template choice: `send --locale TAG` if given, else the locale that
// [message.country_locales] maps the recipient's region to, else
// message.template. A tag is looked up in [message.templates] exactly, then
// with its last subtag removed, and so on ("pt-BR" -> "pt"); tags compare
// case-insensitively and "_" equals "-". A --locale that finds nothing is a
// usage error; a country_locales entry that finds nothing is a config error
// at load.
//
// Message layout: the rendered template, then the app hash on its own line
// (message.android_app_hash), then "@DOMAIN #CODE" (message.webotp_domain)
// as the very last line, where the WICG origin-bound one-time code format
// requires it. The SMS Retriever only needs the hash somewhere in the text.

#include "core/config.hpp"
#include "message/encoding.hpp"
#include "message/template.hpp"

#include <optional>
#include <string>
#include <vector>

namespace smsotp::message {

struct Selected
{
  std::string locale; // the [message.templates] key; "" for message.template
  std::string key;    // "message.template" or "message.templates.de"
  std::string text;
  std::string where; // where the template was set; "" for the default
};

struct Composed
{
  std::string text;
  SegmentInfo info;
};

// Checks every message.* setting: each template (validate_template), tags
// and regions, country_locales targets, webotp_domain and android_app_hash.
// Throws Error(config) prefixed with the setting's file:line:col.
void validate_config(const core::Config& config);

// Picks the template for `locale` (from --locale) or else for the
// recipient's ISO `region` ("" if unknown). Throws Error(usage) naming the
// known tags if `locale` is malformed or matches no template.
Selected select_template(const core::Config& config,
                         const std::optional<std::string>& locale,
                         const std::string& region);

// Renders `selected`, adds the optional lines and measures the result.
// Throws Error(config) if it needs more than message.max_segments segments
// (naming the template, its encoding, segment count and the limit) or is not
// valid UTF-8.
Composed compose(const core::Config& config,
                 const Selected& selected,
                 const TemplateValues& values);

// The canonical form of a locale tag ("pt_BR" -> "pt-br"), or "" if it is
// not 2-3 letters followed by "-" subtags of 1-8 letters or digits.
std::string canonical_locale(const std::string& tag);

// True for a DNS host name usable in a WebOTP line: labels of letters,
// digits and inner hyphens, 1-63 bytes each, 253 bytes in all, no port.
bool valid_hostname(const std::string& name);

} // namespace smsotp::message
