#pragma once

// What the http module (libcurl, expat: provider/http/*.cpp) gives the
// executable: the functions of transport.hpp as a table
// (core/module.hpp). Change k_module_abi whenever this table or a type in
// it changes.

#include "provider/http/transport.hpp"

namespace smsotp::provider::detail {

struct HttpModuleApi
{
  HttpResponse (*perform)(const HttpRequest& request,
                          const HttpOptions& options);
  std::string (*base_url_problem)(const std::string& url);
  std::string (*form_encode)(
      const std::vector<std::pair<std::string, std::string>>& fields);
  std::string (*url_escape)(const std::string& text);
  XmlDocument (*read_xml)(const std::string& body);
  void (*warm_up)();
};

constexpr std::string_view k_http_module_abi = "smsotp-http-2 " SMSOTP_VERSION;

} // namespace smsotp::provider::detail
