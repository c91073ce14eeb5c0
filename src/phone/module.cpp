// The phone module's entry point: built into phone.so with parse.cpp, and
// never into the executable (see core/module.hpp).

#include "core/module.hpp"

#include "phone/module_api.hpp"

namespace {

constexpr smsotp::phone::detail::ModuleApi k_api{
    smsotp::phone::normalize,
    smsotp::phone::region_of,
    smsotp::phone::known_region,
    smsotp::phone::number_type,
};

} // namespace

SMSOTP_MODULE_ENTRY
{
  return abi == smsotp::phone::detail::k_module_abi ? &k_api : nullptr;
}
