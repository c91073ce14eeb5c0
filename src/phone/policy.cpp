#include "phone/policy.hpp"

#include "core/config.hpp"
#include "core/error.hpp"
#include "util/string.hpp"

#include <algorithm>

namespace smsotp::phone {

namespace {

[[noreturn]] void refuse(const std::string& e164,
                         const std::string& region,
                         const std::string& why)
{
  throw Error(core::ExitCode::refused,
              "policy: destination " + mask(e164)
                  + (region.empty() ? "" : " (" + region + ")") + " " + why
                  + "; nothing was stored or sent");
}

void check_allow_list(const Policy& policy)
{
  const std::string example =
      "list the countries smsotp may send to under [policy], e.g. "
      "allowed_countries = [\"US\", \"GB\"] (or SMSOTP_POLICY_ALLOWED_COUNTRIES"
      "=US,GB); [\"*\"] allows every country";
  if (!policy.allowed_countries) {
    throw Error(core::ExitCode::config,
                "policy.allowed_countries is not set: " + example);
  }
  const std::string where =
      policy.allowed_where.empty() ? "" : policy.allowed_where + ": ";
  if (policy.allowed_countries->empty()) {
    throw Error(core::ExitCode::config,
                where + "policy.allowed_countries is empty: " + example);
  }
  for (const auto& region : *policy.allowed_countries) {
    if (region != "*" && !known_region(region)) {
      throw Error(core::ExitCode::config,
                  where + "policy.allowed_countries: \""
                      + util::escape_for_display(region)
                      + "\" is not a region libphonenumber knows"
                      + (region == "UK"
                             ? " (the United Kingdom is \"GB\")"
                             : "; use ISO 3166 codes such as \"GB\""));
    }
  }
}

bool can_be_mobile(NumberType type)
{
  return type == NumberType::mobile || type == NumberType::fixed_line_or_mobile;
}

} // namespace

Policy policy_from(const core::Config& config)
{
  Policy policy;
  if (config.allowed_countries.origin != core::Origin::default_value) {
    policy.allowed_countries = config.allowed_countries.value;
    policy.allowed_where = config.allowed_countries.where;
  }
  policy.blocked_prefixes = config.blocked_prefixes.value;
  policy.require_mobile = config.require_mobile.value;
  return policy;
}

Destination check(const Policy& policy, const std::string& e164)
{
  check_allow_list(policy);
  Destination destination{region_of(e164), number_type(e164)};
  const auto& region = destination.region;
  for (const auto& prefix : policy.blocked_prefixes) {
    if (e164.starts_with(prefix)) {
      refuse(e164,
             region,
             "starts with \"" + prefix
                 + "\", which policy.blocked_prefixes refuses");
    }
  }
  const auto& allowed = *policy.allowed_countries;
  const bool all = allowed.size() == 1 && allowed.front() == "*";
  if (!all
      && (region.empty()
          || std::find(allowed.begin(), allowed.end(), region)
                 == allowed.end())) {
    refuse(e164,
           region,
           "is not in policy.allowed_countries [" + util::join(allowed, ", ")
               + "]");
  }
  if (policy.require_mobile && !can_be_mobile(destination.type)) {
    refuse(e164,
           region,
           "is not a mobile number ("
               + std::string(number_type_name(destination.type))
               + ") and policy.require_mobile is set");
  }
  return destination;
}

} // namespace smsotp::phone
