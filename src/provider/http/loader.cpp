// The executable's side of the http module: each function of transport.hpp
// loads http.so (libcurl, expat) on first use and calls its counterpart
// there (core/module.hpp says why). Never linked together with the module's
// files.

#include "core/module.hpp"
#include "provider/http/module_api.hpp"

namespace smsotp::provider {

namespace {

const detail::HttpModuleApi& module()
{
  static const auto* api = static_cast<const detail::HttpModuleApi*>(
      core::load_module({.name = "http",
                         .purpose = "talk to SMS providers over HTTP",
                         .library = "libcurl and libexpat",
                         .package = "libcurl4, libexpat1"},
                        detail::k_http_module_abi));
  return *api;
}

} // namespace

HttpResponse perform(const HttpRequest& request, const HttpOptions& options)
{
  return module().perform(request, options);
}

std::string base_url_problem(const std::string& url)
{
  return module().base_url_problem(url);
}

std::string
form_encode(const std::vector<std::pair<std::string, std::string>>& fields)
{
  return module().form_encode(fields);
}

std::string url_escape(const std::string& text)
{
  return module().url_escape(text);
}

void warm_up_transport()
{
  module().warm_up();
}

XmlDocument read_xml(const std::string& body)
{
  return module().read_xml(body);
}

} // namespace smsotp::provider
