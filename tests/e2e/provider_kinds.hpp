#pragma once

// Every HTTP provider kind against fakes: the config table of each kind
// (with canary secrets in 0600 files), what a happy fake answers to its
// send and credential-check requests, and how to recognise those requests.

#include "fake_provider.hpp"
#include "harness.hpp"

#include <memory>
#include <string>
#include <vector>

namespace e2e {

// twilio, vonage, plivo, telnyx, sinch, messagebird, clicksend, aws-sns,
// http: the kinds that speak HTTP.
const std::vector<std::string>& http_kinds();

struct KindSetup
{
  std::string name; // the [provider.NAME] table
  std::string kind;
  std::string base_url; // the fake's
  std::string ca_file;  // "" for the system CAs
  std::string extra;    // more lines for the table, e.g. "retries = 0\n"
};

// Writes the kind's secret files (0600, under secrets/) and returns its
// [provider.NAME] table.
std::string kind_table(const Sandbox& box, const KindSetup& setup);

// A config with the database at box.db(), send.providers in the order
// given plus `send_extra` in the [send] table, every table, `extra` and
// standard_tail(extra) appended; written 0600 as `file`.
std::string kinds_config(const Sandbox& box,
                         const std::vector<KindSetup>& providers,
                         const std::string& extra = "",
                         const std::string& file = "kinds.toml",
                         const std::string& send_extra = "");

// The happy fake of a kind: its success answer to a send, its balance (or
// dry-run, or sandbox status) to a credential check, 404 to anything else.
Answer kind_answer(const std::string& kind, const Recorded& request);
// The kind's success answer to a send.
Answer kind_send_answer(const std::string& kind);
Handler kind_handler(const std::string& kind);

bool is_send_request(const std::string& kind, const Recorded& request);
bool is_check_request(const std::string& kind, const Recorded& request);
// The message id in the kind's success answer.
std::string kind_message_id(const std::string& kind);
// The balance `providers check` must print ("" if the kind has none).
std::string kind_balance(const std::string& kind);
// True if `request` carries the kind's canary credentials as the API
// expects them (Basic, Bearer, AccessKey, form field, SigV4, header).
bool has_credentials(const std::string& kind, const Recorded& request);
// The recipient as the kind puts it on the wire.
bool names_recipient(const std::string& kind,
                     const Recorded& request,
                     const std::string& to);

// The canary secrets of a kind and the Basic authorization values built
// from them: none of these may ever appear in output.
std::vector<std::string> kind_canaries(const std::string& kind);
std::vector<std::string> all_canaries();

// One happy fake per kind, each named after its kind.
struct KindFakes
{
  std::vector<std::unique_ptr<FakeProvider>> fakes;
  std::vector<KindSetup> setups;

  explicit KindFakes(const std::vector<std::string>& kinds,
                     const std::string& extra = "retries = 0\n");
  FakeProvider& fake(const std::string& kind) const;
};

} // namespace e2e
