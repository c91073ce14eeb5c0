#pragma once

// Internal to the `http` provider kind (http_gateway.cpp): its keys, read
// and checked once at load time so that a send never meets a bad template.

#include "provider/base/http_provider.hpp"
#include "provider/kinds/http_gateway_template.hpp"

#include <string>
#include <vector>

namespace smsotp::provider::http_gateway {

enum class BodyType
{
  form,  // application/x-www-form-urlencoded from `body` fields
  json,  // application/json from the `body` template
  query, // `body` fields appended to the URL's query string
  none,
};

struct Config
{
  std::string method = "POST";
  std::string url;
  BodyType body_type = BodyType::form;
  std::string from;
  std::vector<Header> headers;
  std::vector<Field> fields; // form and query
  Template json;
  unsigned send_used = 0; // Placeholder bits the send request uses
  std::vector<long> success_status;
  BodyPattern success;
  std::string success_pointer;
  std::string success_value;
  BodyPattern message_id;
  BodyPattern recipient_error;
  BodyPattern failure;   // failure_regex: a refusal not about the recipient
  std::string check_url; // "" = no check request
  std::vector<Field> check_query;
  BodyPattern check_success;
  unsigned check_used = 0; // Placeholder bits the check request uses
  bool secret_configured = false;
};

// The kind's description for HttpProvider. Runs before the base class
// reads base_url: this kind takes the full URL in `url` (checked here, the
// error naming `url`) and hands it to the base as its default base URL;
// `base_url` itself is refused.
HttpKind kind_description(const core::ProviderSpec& spec);

// Reads every key of the kind; throws Error(config) naming the key.
Config read_config(const SpecReader& reader);

} // namespace smsotp::provider::http_gateway
