#pragma once

// The audit trail (issue 10 item 10): each send, verify (a verify that
// locks the recipient is a `lockout`) and purge writes one line to syslog,
// facility authpriv unless [log] says otherwise, where sshd and sudo log:
//
//   smsotp[PID]: event=send to=+15*******67 purpose=login outcome=sent
//                provider=twilio challenge_id=ch_... exit=0
//
// The commands fill in the record of this run as they learn its facts;
// cli::main writes it once, when the exit status is known. The record holds
// only what is already printed: the masked number, never a code, a secret
// or a message text. Failing to reach syslog never fails the command.

#include "core/config.hpp"

#include <string>
#include <utility>
#include <vector>

namespace smsotp {
class Error;
}

namespace smsotp::cli {
class Output;
}

namespace smsotp::cli::audit {

// The facts of one audited command. Empty fields are written as "-", so
// that every line has the same fields in the same order.
struct Record
{
  std::string event; // send, verify, lockout, purge; "" = nothing to write
  std::string to;    // masked number (purge --prefix: the block)
  std::string purpose;
  std::string outcome; // "" = derived from the failure or the exit status
  std::string provider;
  std::string challenge_id;
  // Further facts, written after challenge_id (purge's counts).
  std::vector<std::pair<std::string, std::string>> extra;
};

// This run's record (one command per process).
Record& record();

// Starts the record when `command` is one the audit trail covers (send,
// verify, purge); cli::main calls it with the command it runs.
void begin(const std::string& command);

// Takes [log] from the loaded config; until it is called nothing is
// written (a run that fails before its config is read has no line).
void configure(const core::Config& config);

// The line without its "<PRI>timestamp" header: "event=... exit=N".
std::string format(const Record& record, int status);

// The syslog priority (facility | severity) of the line: info for success,
// warning for a lockout, err for a failure the admin must act on (state,
// disk, permissions, configuration, a bug), notice for the rest.
int priority(const Record& record, int status, int facility);

// The syslog facility code (LOG_AUTHPRIV...) of a [log] facility name;
// the names are those config key log.facility accepts.
int facility_code(const std::string& name);

// Completes the record (the outcome from `failure` when the command did not
// set one) and writes it, if an event was recorded and [log] syslog is on.
// Never throws; a line that cannot be written is dropped with a note under
// --verbose.
void finish(int status, const Error* failure, const Output& out);

} // namespace smsotp::cli::audit
