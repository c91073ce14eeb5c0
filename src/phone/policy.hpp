#pragma once

// Destination policy (research/security.md R16, A9; DESIGN §4): which
// normalised numbers smsotp may send to. Checked by send and
// `providers test` before anything is stored or sent; verify and purge
// only normalise.

#include "phone/phone.hpp"

#include <optional>
#include <string>
#include <vector>

namespace smsotp::core {
struct Config;
}

namespace smsotp::phone {

struct Policy
{
  // ISO regions ("US", "GB", "001" for non-geographic numbers); {"*"}
  // allows every country. nullopt: not configured, and then nothing may be
  // sent (there is deliberately no "allow all" default).
  std::optional<std::vector<std::string>> allowed_countries;
  std::vector<std::string> blocked_prefixes; // E.164 prefixes: "+88", "+1900"
  // Refuses numbers that cannot be mobile phones. NANP (+1) numbers are
  // fixed_line_or_mobile and pass.
  bool require_mobile = false;
  // Where allowed_countries was set ("file:line:col", "SMSOTP_..."), for
  // error messages; "" if it was not.
  std::string allowed_where;
};

// The policy.* settings of `config`.
Policy policy_from(const core::Config& config);

// What the policy found out about a number that passed it.
struct Destination
{
  std::string region; // "US"; "001" for non-geographic; "" if none
  NumberType type = NumberType::unknown;
};

// Checks a normalised number. Throws Error(config) if allowed_countries is
// missing or empty or names a region libphonenumber does not know, and
// Error(refused) naming the rule and the masked number if it is refused.
Destination check(const Policy& policy, const std::string& e164);

} // namespace smsotp::phone
