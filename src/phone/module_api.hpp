#pragma once

// What the phone module (libphonenumber) gives the executable: the
// functions of phone.hpp that parse, as a table (core/module.hpp). Change
// k_module_abi whenever this table or a type in it changes.

#include "phone/phone.hpp"

namespace smsotp::phone::detail {

struct ModuleApi
{
  std::string (*normalize)(std::string_view input,
                           const std::string& default_region);
  std::string (*region_of)(const std::string& e164);
  bool (*known_region)(const std::string& region);
  NumberType (*number_type)(const std::string& e164);
};

constexpr std::string_view k_module_abi = "smsotp-phone-1 " SMSOTP_VERSION;

} // namespace smsotp::phone::detail
