#include "provider_kinds.hpp"

#include "kind_values.hpp"

#include <stdexcept>

namespace e2e {

using namespace kinds;

namespace {

std::string quoted(const std::string& text)
{
  return "\"" + text + "\"";
}

// "name_file = ..." for a canary secret written under secrets/.
std::string secret_line(const Sandbox& box,
                        const KindSetup& setup,
                        const std::string& key,
                        const std::string& value)
{
  const std::string file = "secrets/" + setup.name + "." + key;
  box.write_file(file, value + "\n", 0600);
  return key + "_file = " + quoted(box.path(file)) + "\n";
}

} // namespace

const std::vector<std::string>& http_kinds()
{
  static const std::vector<std::string> k_kinds{"twilio",
                                                "vonage",
                                                "plivo",
                                                "telnyx",
                                                "sinch",
                                                "messagebird",
                                                "clicksend",
                                                "aws-sns",
                                                "http"};
  return k_kinds;
}

std::string kind_table(const Sandbox& box, const KindSetup& setup)
{
  const std::string& kind = setup.kind;
  std::string text =
      "[provider." + setup.name + "]\nkind = " + quoted(kind) + "\n";
  if (kind != "http") {
    text += "base_url = " + quoted(setup.base_url) + "\n";
  }
  if (kind == "twilio") {
    text += "account_sid = " + quoted(k_twilio_sid)
            + "\nfrom = " + quoted(k_sender) + "\n"
            + secret_line(box, setup, "auth_token", k_twilio_token);
  } else if (kind == "vonage") {
    text += "api_key = " + quoted(k_vonage_key) + "\nfrom = \"SMSOTP\"\n"
            + secret_line(box, setup, "api_secret", k_vonage_secret);
  } else if (kind == "plivo") {
    text += "auth_id = " + quoted(k_plivo_id) + "\nsrc = " + quoted(k_sender)
            + "\n" + secret_line(box, setup, "auth_token", k_plivo_token);
  } else if (kind == "telnyx") {
    text += "from = " + quoted(k_sender) + "\n"
            + secret_line(box, setup, "api_key", k_telnyx_key);
  } else if (kind == "sinch") {
    text += "service_plan_id = " + quoted(k_sinch_plan)
            + "\nfrom = " + quoted(k_sender) + "\n"
            + secret_line(box, setup, "api_token", k_sinch_token);
  } else if (kind == "messagebird") {
    text += "originator = \"SMSOTP\"\n"
            + secret_line(box, setup, "access_key", k_bird_key);
  } else if (kind == "clicksend") {
    text += "username = " + quoted(k_clicksend_user) + "\nfrom = \"SMSOTP\"\n"
            + secret_line(box, setup, "api_key", k_clicksend_key);
  } else if (kind == "aws-sns") {
    text += "region = \"us-east-1\"\n"
            + secret_line(box, setup, "access_key_id", k_aws_key_id)
            + secret_line(box, setup, "secret_access_key", k_aws_secret)
            + secret_line(box, setup, "session_token", k_aws_session);
  } else if (kind == "http") {
    text += "url = " + quoted(setup.base_url + "/api/send")
            + "\nmethod = \"POST\"\nbody_type = \"json\"\n"
              "body = '{\"to\": \"{to}\", \"from\": \"{from}\", "
              "\"text\": \"{text}\"}'\n"
              "from = \"SMSOTP\"\n"
              "headers = [\"X-Api-Key: {secret}\"]\n"
              "success_json_pointer = \"/status\"\n"
              "success_value = \"ok\"\n"
              "message_id_json_pointer = \"/id\"\n"
              "check_url = "
            + quoted(setup.base_url + "/api/balance")
            + "\ncheck_success_regex = '^BALANCE:'\n"
            + secret_line(box, setup, "secret", k_http_secret);
  } else {
    throw std::invalid_argument("kind_table: unknown kind " + kind);
  }
  if (!setup.ca_file.empty()) {
    text += "ca_file = " + quoted(setup.ca_file) + "\n";
  }
  return text + setup.extra + "\n";
}

std::string kinds_config(const Sandbox& box,
                         const std::vector<KindSetup>& providers,
                         const std::string& extra,
                         const std::string& file,
                         const std::string& send_extra)
{
  std::string order;
  std::string tables;
  for (const auto& setup : providers) {
    order += (order.empty() ? "" : ", ") + quoted(setup.name);
    tables += kind_table(box, setup);
  }
  const std::string text = "[store]\ndatabase = " + quoted(box.db())
                           + "\n\n[send]\nproviders = [" + order + "]\n"
                           + send_extra + "\n" + tables + extra
                           + standard_tail(extra);
  return box.write_file(file, text, 0600);
}

std::string kind_message_id(const std::string& kind)
{
  return "e2e-" + kind + "-message-1";
}

std::string kind_balance(const std::string& kind)
{
  if (kind == "twilio") {
    return "12.34 USD";
  }
  if (kind == "vonage") {
    return "10.28 EUR";
  }
  if (kind == "plivo") {
    return "5.50000 USD";
  }
  if (kind == "telnyx") {
    return "300.00 USD";
  }
  if (kind == "messagebird") {
    return "10.5 credits";
  }
  if (kind == "clicksend") {
    return "7.25 AUD";
  }
  return "";
}

std::vector<std::string> kind_canaries(const std::string& kind)
{
  if (kind == "twilio") {
    return {k_twilio_token,
            base64(std::string(k_twilio_sid) + ":" + k_twilio_token)};
  }
  if (kind == "vonage") {
    return {k_vonage_secret};
  }
  if (kind == "plivo") {
    return {k_plivo_token,
            base64(std::string(k_plivo_id) + ":" + k_plivo_token)};
  }
  if (kind == "telnyx") {
    return {k_telnyx_key};
  }
  if (kind == "sinch") {
    return {k_sinch_token};
  }
  if (kind == "messagebird") {
    return {k_bird_key};
  }
  if (kind == "clicksend") {
    return {k_clicksend_key,
            base64(std::string(k_clicksend_user) + ":" + k_clicksend_key)};
  }
  if (kind == "aws-sns") {
    return {k_aws_key_id, k_aws_secret, k_aws_session};
  }
  if (kind == "http") {
    return {k_http_secret};
  }
  return {};
}

std::vector<std::string> all_canaries()
{
  std::vector<std::string> all;
  for (const auto& kind : http_kinds()) {
    const auto canaries = kind_canaries(kind);
    all.insert(all.end(), canaries.begin(), canaries.end());
  }
  return all;
}

KindFakes::KindFakes(const std::vector<std::string>& kinds,
                     const std::string& extra)
{
  for (const auto& kind : kinds) {
    fakes.push_back(std::make_unique<FakeProvider>(kind_handler(kind)));
    setups.push_back({kind, kind, fakes.back()->base_url(), "", extra});
  }
}

FakeProvider& KindFakes::fake(const std::string& kind) const
{
  for (std::size_t i = 0; i < setups.size(); ++i) {
    if (setups[i].kind == kind) {
      return *fakes[i];
    }
  }
  throw std::invalid_argument("no fake for kind " + kind);
}

} // namespace e2e
