// Every provider kind's reading of send and check answers (JSON, XML,
// text, whatever arrives), through HttpProvider::send_outcome and
// check_outcome: the exact path send() and check() take after the network.
// No request is made.
//
// Input: "KIND STATUS [TRANSPORT] [RETRY_AFTER] [CONTENT_TYPE]\nBODY" (see
// answer_support.hpp). KIND is a kind name below; an unknown word picks a
// kind from its first byte, so that mutated inputs still reach a parser.

#include "answer_support.hpp"
#include "core/config.hpp"
#include "fuzz_support.hpp"

#include <memory>
#include <vector>

namespace {

using namespace smsotp;

// One table per kind, every required key, secrets from variables that are
// never read. http_json and http_regex are the generic kind with each kind
// of rule.
constexpr const char* k_providers = R"toml(
[provider.twilio]
kind = "twilio"
account_sid = "AC0123456789abcdef0123456789abcdef"
from = "+15017122661"
auth_token_env = "SMSOTP_FUZZ_UNSET"
base_url = "http://127.0.0.1:9"

[provider.plivo]
kind = "plivo"
auth_id = "MAXXXXXXXXXXXXXXXXXX"
src = "+14155550100"
auth_token_env = "SMSOTP_FUZZ_UNSET"
base_url = "http://127.0.0.1:9"

[provider.vonage]
kind = "vonage"
api_key = "a1b2c3d4"
from = "ACME"
api_secret_env = "SMSOTP_FUZZ_UNSET"
base_url = "http://127.0.0.1:9"

[provider.telnyx]
kind = "telnyx"
from = "+13125550100"
api_key_env = "SMSOTP_FUZZ_UNSET"
base_url = "http://127.0.0.1:9"

[provider.sinch]
kind = "sinch"
service_plan_id = "0123456789abcdef0123456789abcdef"
from = "+12085550100"
region = "us"
api_token_env = "SMSOTP_FUZZ_UNSET"
base_url = "http://127.0.0.1:9"

[provider.messagebird]
kind = "messagebird"
originator = "ACME"
access_key_env = "SMSOTP_FUZZ_UNSET"
base_url = "http://127.0.0.1:9"

[provider.clicksend]
kind = "clicksend"
username = "ops@example.com"
from = "ACME"
api_key_env = "SMSOTP_FUZZ_UNSET"
base_url = "http://127.0.0.1:9"

[provider.aws-sns]
kind = "aws-sns"
region = "us-east-1"
access_key_id_env = "SMSOTP_FUZZ_UNSET"
secret_access_key_env = "SMSOTP_FUZZ_UNSET"
base_url = "http://127.0.0.1:9"

[provider.http_json]
kind = "http"
url = "http://127.0.0.1:9/send"
body_type = "json"
body = '{"to":"{to}","text":"{text}"}'
secret_env = "SMSOTP_FUZZ_UNSET"
headers = ["Authorization: Bearer {secret}"]
success_json_pointer = "/status"
success_value = "ok"
message_id_json_pointer = "/id"
check_url = "http://127.0.0.1:9/balance"
check_success_regex = '"balance"'

[provider.http_regex]
kind = "http"
url = "http://127.0.0.1:9/send"
method = "GET"
body_type = "query"
body = ["apikey={secret}", "number={to_digits}", "message={text}"]
secret_env = "SMSOTP_FUZZ_UNSET"
success_regex = '^STATUS:OK\b'
message_id_regex = 'ID:([0-9]+)'
recipient_error_regex = '^STATUS:ERR CODE:106\b'
check_url = "http://127.0.0.1:9/balance"
check_query = ["apikey={secret}"]
check_success_regex = '^BALANCE:[0-9]'
)toml";

struct Kind
{
  std::string name;
  std::unique_ptr<provider::Provider> owner;
  const provider::HttpProvider* http = nullptr;
};

// Built once; a table this file gets wrong is a bug of the target, so it
// aborts rather than being skipped.
const std::vector<Kind>& kinds()
{
  static const std::vector<Kind> all = [] {
    std::vector<Kind> built;
    core::Config config;
    try {
      core::parse_config_text(config, k_providers, "fuzz.toml", "/");
      for (const auto& spec : config.providers) {
        Kind kind{spec.name, provider::make_provider(spec, {}), nullptr};
        kind.http =
            dynamic_cast<const provider::HttpProvider*>(kind.owner.get());
        if (kind.http == nullptr) {
          fuzz::fuzz_fail("provider_answer", spec.name + " is not HTTP");
        }
        built.push_back(std::move(kind));
      }
    } catch (const std::exception& error) {
      fuzz::fuzz_fail("provider_answer",
                      std::string("provider tables: ") + error.what());
    }
    return built;
  }();
  return all;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size)
{
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string body;
  const auto header = fuzz::first_line(text, body);
  const auto space = header.find(' ');
  const auto word = header.substr(0, space);
  const auto rest =
      space == std::string::npos ? std::string() : header.substr(space + 1);
  const auto& all = kinds();
  const Kind* kind = nullptr;
  for (const auto& candidate : all) {
    if (candidate.name == word) {
      kind = &candidate;
    }
  }
  if (kind == nullptr) {
    const auto index =
        word.empty() ? 0U : static_cast<unsigned char>(word[0]) % all.size();
    kind = &all[index];
  }
  fuzz::check_answer(
      "provider_answer", *kind->http, fuzz::parse_answer(rest, body));
  return 0;
}
