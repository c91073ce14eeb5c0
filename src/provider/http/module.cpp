// The http module's entry point: built into http.so with the other
// provider/http files, never into the executable (see core/module.hpp).

#include "core/module.hpp"

#include "provider/http/module_api.hpp"

namespace {

namespace provider = smsotp::provider;

constexpr provider::detail::HttpModuleApi k_api{
    provider::perform,
    provider::base_url_problem,
    provider::form_encode,
    provider::url_escape,
    provider::read_xml,
    provider::warm_up_transport,
};

} // namespace

SMSOTP_MODULE_ENTRY
{
  return abi == smsotp::provider::detail::k_http_module_abi ? &k_api : nullptr;
}
