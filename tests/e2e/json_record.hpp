#pragma once

// Every --json output of the e2e suite is checked against the published
// JSON Schema of its command (schemas/, issue 10 item 4). The harness
// records each run of smsotp with --json here, one file per run, in
// SMSOTP_E2E_JSON_DIR; the ctest test json.schemas
// (tests/e2e/check_json_outputs.py) validates them all after the suite.

#include <optional>
#include <string>
#include <vector>

namespace e2e {

struct Result;

// What spawn() needs to record one run: the schema name and the
// arguments smsotp got.
struct JsonRun
{
  std::string
      schema; // "send", "providers-check", ... (schemas/NAME.schema.json)
  std::vector<std::string> args;
};

// The run to record for `argv` (as given to spawn), or nullopt: argv runs
// smsotp (or smsotp-testclock), directly or through a wrapper such as
// /bin/sh or setpriv, and its arguments include --json. The schema is
// named by the command the arguments select; an argument list that names
// no known command can only be answered with an error ("error").
std::optional<JsonRun> json_run_for(const std::vector<std::string>& argv);

// Writes one record of `run` and its result, unless the process was killed
// by a signal before it wrote anything (SIGKILL, a fault injected by the
// test): such a run cannot keep any contract. Also notes that an e2e test
// ran (see check_json_outputs.py: zero records then fail the check).
void record_json_run(const JsonRun& run, const Result& result);

// Notes that an e2e test ran in this ctest run, recorded JSON or not.
void note_e2e_ran();

} // namespace e2e
