// The executable's side of the phone module: each parsing function of
// phone.hpp loads phone.so on first use and calls its counterpart there
// (core/module.hpp says why). Never linked together with parse.cpp.

#include "core/module.hpp"
#include "phone/module_api.hpp"

namespace smsotp::phone {

namespace {

const detail::ModuleApi& module()
{
  static const auto* api = static_cast<const detail::ModuleApi*>(
      core::load_module({.name = "phone",
                         .purpose = "parse phone numbers",
                         .library = "libphonenumber",
                         .package = "libphonenumber8"},
                        detail::k_module_abi));
  return *api;
}

} // namespace

std::string normalize(std::string_view input, const std::string& default_region)
{
  return module().normalize(input, default_region);
}

std::string region_of(const std::string& e164)
{
  return module().region_of(e164);
}

bool known_region(const std::string& region)
{
  return module().known_region(region);
}

NumberType number_type(const std::string& e164)
{
  return module().number_type(e164);
}

} // namespace smsotp::phone
