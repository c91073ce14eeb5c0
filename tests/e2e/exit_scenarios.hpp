#pragma once

// The causes behind the exit-status table (e2e_exit_codes.cpp): each runs
// smsotp in a sandbox, against a fake Twilio where a request could happen,
// and reports what it saw.

#include "fake_twilio.hpp"
#include "harness.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace e2e {

constexpr std::size_t k_no_fake = static_cast<std::size_t>(-1);

struct Observed
{
  Result result;
  std::size_t requests = k_no_fake;
};

using Tweak = std::function<void(TwilioConfig&)>;

// Runs `smsotp -c <twilio config> ARGS` against a fake answering `reply`.
Observed twilio(const Sandbox& box,
                Reply reply,
                const std::vector<std::string>& args,
                const Tweak& tweak = nullptr,
                std::chrono::milliseconds delay = {});
// The same with ARGS = send --to k_to.
Observed twilio_send(const Sandbox& box,
                     Reply reply,
                     const Tweak& tweak = nullptr,
                     std::chrono::milliseconds delay = {});
// A tweak that appends `text` to the config.
Tweak extra(const std::string& text);

Observed untrusted_tls(const Sandbox& box); // HTTPS, no ca_file
Observed refused(const Sandbox& box);       // nothing listens on the port
Observed newer_schema(const Sandbox& box);  // user_version 99
Observed foreign_db(const Sandbox& box);    // another program's SQLite file
Observed text_db(const Sandbox& box);       // a plain text file
Observed locked(const Sandbox& box);        // recipient locked out
// `signal_number` while the provider is slow; the code stays valid.
Observed interrupted(const Sandbox& box, int signal_number);

} // namespace e2e
