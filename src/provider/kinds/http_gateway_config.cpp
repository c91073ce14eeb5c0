#include "provider/kinds/http_gateway_config.hpp"

#include "core/error.hpp"
#include "core/secret.hpp"
#include "provider/base/kinds.hpp"
#include "util/string.hpp"

#include <nlohmann/json.hpp>

namespace smsotp::provider::http_gateway {

namespace {

constexpr unsigned bit(Placeholder placeholder)
{
  return static_cast<unsigned>(placeholder);
}

// Headers and the check request have no message: no {to}, {to_digits} or
// {text} (the text would also risk a line break in a header).
constexpr unsigned k_no_message =
    bit(Placeholder::from) | bit(Placeholder::secret);

[[noreturn]] void config_error(const SpecReader& reader,
                               const std::string& message)
{
  throw Error(core::ExitCode::config,
              reader.spec().where + ": provider." + reader.spec().name + ": "
                  + message);
}

void read_method(const SpecReader& reader, Config& config)
{
  config.method = util::to_upper(reader.string_or("method", "POST"));
  if (config.method != "GET" && config.method != "POST") {
    reader.fail("method", "expected \"GET\" or \"POST\"");
  }
  const std::string type =
      reader.string_or("body_type", config.method == "GET" ? "query" : "form");
  if (type == "form") {
    config.body_type = BodyType::form;
  } else if (type == "json") {
    config.body_type = BodyType::json;
  } else if (type == "query") {
    config.body_type = BodyType::query;
  } else if (type == "none") {
    config.body_type = BodyType::none;
  } else {
    reader.fail("body_type",
                "expected \"form\", \"json\", \"query\" or \"none\"");
  }
  if (config.method == "GET"
      && (config.body_type == BodyType::form
          || config.body_type == BodyType::json)) {
    reader.fail("body_type",
                "a GET request has no body; use \"query\" or \"none\"");
  }
}

std::vector<Field> read_fields(const SpecReader& reader,
                               const std::vector<std::string>& texts,
                               const std::string& key,
                               unsigned allowed,
                               unsigned& used)
{
  std::vector<Field> fields;
  for (const auto& text : texts) {
    Field field;
    if (auto problem = parse_field(text, allowed, field); !problem.empty()) {
      reader.fail(key, problem);
    }
    used |= field.value.used();
    fields.push_back(std::move(field));
  }
  return fields;
}

void read_json_body(const SpecReader& reader, Config& config)
{
  const auto text = reader.string("body");
  if (!text) {
    config_error(reader,
                 "body is required: a JSON template such as "
                 "'{\"to\": \"{to}\", \"text\": \"{text}\"}'");
  }
  if (auto problem = config.json.parse(*text, k_all_placeholders);
      !problem.empty()) {
    reader.fail("body", problem);
  }
  config.send_used |= config.json.used();
  // Placeholders must sit inside JSON strings; a sample that needs every
  // kind of escaping proves the template stays valid JSON.
  const Values sample{
      "+15550100", "15550100", "S", "a&b \"c\" \\ \xC3\xBC\n", "s"};
  if (nlohmann::json::parse(
          config.json.expand(sample, Escape::json_string), nullptr, false)
          .is_discarded()) {
    reader.fail("body",
                "not valid JSON after substituting placeholders (write "
                "them inside JSON strings, e.g. \"text\": \"{text}\")");
  }
}

void read_body(const SpecReader& reader, Config& config)
{
  if (config.body_type == BodyType::none) {
    if (reader.spec().values.contains("body")) {
      reader.fail("body", "not used with body_type = \"none\"");
    }
    return;
  }
  if (config.body_type == BodyType::json) {
    read_json_body(reader, config);
    return;
  }
  const auto list = read_string_list(reader, "body");
  if (!list || list->empty()) {
    config_error(reader,
                 "body is required: a list of \"name=value\" fields such as "
                 "[\"to={to}\", \"text={text}\"]");
  }
  config.fields =
      read_fields(reader, *list, "body", k_all_placeholders, config.send_used);
}

void read_request(const SpecReader& reader, Config& config)
{
  config.url = reader.string_or("url", "");
  read_method(reader, config);
  config.from = reader.string_or("from", "");
  if (has_control(config.from)) {
    reader.fail("from", "contains a control character");
  }
  const auto headers = read_string_list(reader, "headers");
  for (const auto& text : headers.value_or(std::vector<std::string>{})) {
    Header header;
    if (auto problem = parse_header(text, k_no_message, header);
        !problem.empty()) {
      reader.fail("headers", problem);
    }
    config.send_used |= header.value.used();
    config.check_used |= header.value.used();
    config.headers.push_back(std::move(header));
  }
  read_body(reader, config);
  // A request that cannot carry the recipient or the message is a
  // configuration mistake, not something to learn from the gateway.
  if ((config.send_used & (bit(Placeholder::to) | bit(Placeholder::to_digits)))
      == 0) {
    config_error(reader, "no template uses {to} or {to_digits}");
  }
  if ((config.send_used & bit(Placeholder::text)) == 0) {
    config_error(reader, "no template uses {text}");
  }
}

void set_pattern(const SpecReader& reader,
                 BodyPattern& pattern,
                 const std::string& key,
                 bool is_regex,
                 bool needs_group)
{
  const auto text = reader.string(key);
  if (!text) {
    return;
  }
  auto problem = is_regex ? pattern.set_regex(*text, needs_group)
                          : pattern.set_json_pointer(*text);
  if (!problem.empty()) {
    reader.fail(key, problem);
  }
}

void exclusive(const SpecReader& reader,
               const std::string& a,
               const std::string& b)
{
  if (reader.string(a) && reader.string(b)) {
    reader.fail(b, "set either " + a + " or " + b + ", not both");
  }
}

void read_answer_rules(const SpecReader& reader, Config& config)
{
  config.success_status =
      read_status_list(reader, "success_status", {200, 201, 202});
  exclusive(reader, "success_json_pointer", "success_regex");
  exclusive(reader, "message_id_json_pointer", "message_id_regex");
  const auto pointer = reader.string("success_json_pointer");
  const auto value = reader.string("success_value");
  if (pointer.has_value() != value.has_value()) {
    reader.fail(value ? "success_value" : "success_json_pointer",
                "success_json_pointer and success_value go together");
  }
  config.success_pointer = pointer.value_or("");
  config.success_value = value.value_or("");
  set_pattern(reader, config.success, "success_json_pointer", false, false);
  set_pattern(reader, config.success, "success_regex", true, false);
  set_pattern(
      reader, config.message_id, "message_id_json_pointer", false, false);
  set_pattern(reader, config.message_id, "message_id_regex", true, true);
  set_pattern(
      reader, config.recipient_error, "recipient_error_regex", true, false);
  set_pattern(reader, config.failure, "failure_regex", true, false);
}

void read_check(const SpecReader& reader, Config& config)
{
  config.check_url = reader.string_or("check_url", "");
  const auto query = read_string_list(reader, "check_query");
  if (config.check_url.empty()) {
    for (const char* key :
         {"check_url", "check_query", "check_success_regex"}) {
      if (reader.spec().values.contains(key)) {
        reader.fail(key, "needs a non-empty check_url");
      }
    }
    return;
  }
  if (auto problem = url_problem(config.check_url); !problem.empty()) {
    reader.fail("check_url", problem);
  }
  config.check_query = read_fields(reader,
                                   query.value_or(std::vector<std::string>{}),
                                   "check_query",
                                   k_no_message,
                                   config.check_used);
  set_pattern(reader, config.check_success, "check_success_regex", true, false);
  // DESIGN §5: a check is accepted only for an answer of the documented
  // shape, and for this kind the shape is the configured rule. Without one
  // any 2xx ("BALANCE 120", truncated JSON) would pass.
  if (config.check_success.empty()) {
    reader.fail("check_url",
                "needs check_success_regex: add check_success_regex = "
                "'...' matching the gateway's answer to a valid key (e.g. "
                "'^BALANCE:[0-9]'), or remove check_url");
  }
}

} // namespace

HttpKind kind_description(const core::ProviderSpec& spec)
{
  const std::string prefix = ": provider." + spec.name;
  if (const auto it = spec.values.find("base_url"); it != spec.values.end()) {
    throw Error(core::ExitCode::config,
                it->second.where + prefix
                    + ".base_url: kind http takes the full URL in url");
  }
  const auto it = spec.values.find("url");
  if (it == spec.values.end()
      || it->second.type != core::ProviderValue::Type::string
      || it->second.text.empty()) {
    throw Error(core::ExitCode::config,
                (it == spec.values.end() ? spec.where : it->second.where)
                    + prefix
                    + ": url is required (the gateway's full URL, e.g. "
                      "\"https://sms.example.com/api/send\")");
  }
  if (const auto problem = url_problem(it->second.text); !problem.empty()) {
    throw Error(core::ExitCode::config,
                it->second.where + prefix + ".url: " + problem);
  }
  return {"http",
          it->second.text,
          {"method",
           "url",
           "headers",
           "body_type",
           "body",
           "from",
           "success_status",
           "success_json_pointer",
           "success_value",
           "success_regex",
           "message_id_json_pointer",
           "message_id_regex",
           "recipient_error_regex",
           "failure_regex",
           "check_url",
           "check_query",
           "check_success_regex"},
          key_strings(k_http_gateway_keys.secrets)};
}

Config read_config(const SpecReader& reader)
{
  Config config;
  read_request(reader, config);
  read_answer_rules(reader, config);
  read_check(reader, config);
  if (((config.send_used | config.check_used) & bit(Placeholder::from)) != 0
      && config.from.empty()) {
    config_error(reader, "{from} is used but from is not set");
  }
  config.secret_configured = core::find_secret(reader.spec(), "secret").source
                             != core::SecretRef::Source::none;
  const bool secret_used =
      ((config.send_used | config.check_used) & bit(Placeholder::secret)) != 0;
  if (secret_used && !config.secret_configured) {
    config_error(reader,
                 "{secret} is used but none of secret, secret_file or "
                 "secret_env is set");
  }
  if (!secret_used && config.secret_configured) {
    config_error(reader,
                 "a secret is configured but no template uses {secret}");
  }
  return config;
}

} // namespace smsotp::provider::http_gateway
