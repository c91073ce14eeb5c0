#!/usr/bin/env bash
# Conformance: smsotp's real requests against Prism mock servers generated
# from the providers' own OpenAPI descriptions (../shared/provider-specs).
# A request that does not match the description is rejected by the mock
# (401/415/422), so a pass means our wire format is what Twilio and Vonage
# define, not what we think they define.
#
# usage: run.sh SMSOTP_BINARY SPECS_DIR NODE_MODULES_DIR
# Exit 77 (skipped) when the specs or Node/Prism are not available.
set -euo pipefail

smsotp=$1
specs=$2
modules=$3
if [ ! -d "$specs" ]; then
  echo "skipped: $specs not found (the provider descriptions live in the steering repo's shared/)"
  exit 77
fi
if ! command -v node >/dev/null || [ ! -x "$modules/.bin/prism" ]; then
  echo "skipped: Prism is not installed (scripts/dev test installs it with npm ci)"
  exit 77
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# A timeout or ^C ends the run through the EXIT trap, which stops the mocks.
trap 'exit 143' TERM
trap 'exit 130' INT
export SCARF_ANALYTICS=false NO_PROXY=127.0.0.1 no_proxy=127.0.0.1
export HOME=$work XDG_STATE_HOME=$work/state XDG_CONFIG_HOME=$work/config

failures=0
check() { # check NAME EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then
    echo "ok    $1"
  else
    echo "FAIL  $1: expected $2, got $3"
    failures=$((failures + 1))
  fi
}

# start_mock VAR SPEC: starts a mock for SPEC and sets VAR to its port once
# it listens. Called in this shell, never in $(...): the PID must reach
# `pids` for the cleanup trap (a subshell's `pids+=` is lost, and each run
# used to leave two node processes behind).
start_mock() {
  local var=$1 spec=$2 log port
  for _ in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 30000))
    log=$work/prism-$port.log
    "$modules/.bin/prism" mock -h 127.0.0.1 -p "$port" --errors "$spec" >"$log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 100); do
      if grep -q "Prism is listening" "$log"; then
        printf -v "$var" '%s' "$port"
        return 0
      fi
      if ! kill -0 "${pids[-1]}" 2>/dev/null; then
        break
      fi
      sleep 0.1
    done
    kill "${pids[-1]}" 2>/dev/null || true
  done
  echo "cannot start Prism for $spec; last log:" >&2
  cat "$log" >&2
  return 1
}

start_mock twilio_port "$specs/twilio_api_v2010.messaging-subset.json"
start_mock vonage_port "$specs/vonage_sms_balance.json"
sid=ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
export CONFORMANCE_TWILIO_TOKEN=conformance-token
export CONFORMANCE_VONAGE_SECRET=abcdef0123456789

cat >"$work/config.toml" <<TOML
[store]
database = "$work/state.db"

[send]
providers = ["tw"]

[policy]
allowed_countries = ["US", "GB"]

[provider.tw]
kind = "twilio"
account_sid = "$sid"
from = "+15017122661"
auth_token_env = "CONFORMANCE_TWILIO_TOKEN"
base_url = "http://127.0.0.1:$twilio_port"
retries = 0

[provider.vg]
kind = "vonage"
api_key = "abcd1234"
from = "AcmeInc"
api_secret_env = "CONFORMANCE_VONAGE_SECRET"
base_url = "http://127.0.0.1:$vonage_port"
retries = 0

# The same account with a Messaging Service SID that breaks the spec's
# pattern (smsotp passes it through): the mock must refuse it, proving it
# checks what smsotp sends.
[provider.tw_broken]
kind = "twilio"
account_sid = "$sid"
messaging_service_sid = "MG-not-a-service-sid"
auth_token_env = "CONFORMANCE_TWILIO_TOKEN"
base_url = "http://127.0.0.1:$twilio_port"
retries = 0
TOML

run() { "$smsotp" -q -c "$work/config.toml" "$@" >"$work/out" 2>"$work/err"; }

set +e
run send --to +15038675310 --provider tw;           check "twilio send accepted" 0 $?
run providers check tw;                              check "twilio credential check accepted" 0 $?
grep -q "balance 0.05 USD" "$work/out";              check "twilio balance shown" 0 $?
run send --to +447400900000 --provider vg;           check "vonage send accepted" 0 $?
run providers check vg;                              check "vonage balance check accepted" 0 $?
# Another number: the default limits.min_interval (30s) would refuse a second
# send to +15038675310 with 75 before any request.
run send --to +15038675311 --provider tw_broken;     check "malformed Messaging Service SID rejected by the mock (69)" 69 $?

# Negative controls straight to the mocks: each deviation is refused.
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
messages=http://127.0.0.1:$twilio_port/2010-04-01/Accounts/$sid/Messages.json
check "twilio: JSON body refused" 415 "$(code -u "$sid:x" -H 'Content-Type: application/json' -d '{"To":"+15038675310"}' "$messages")"
check "twilio: no Authorization refused" 401 "$(code -d 'To=%2B15038675310&From=%2B15017122661&Body=x' "$messages")"
check "twilio: missing To refused" 422 "$(code -u "$sid:x" -d 'From=%2B15017122661&Body=x' "$messages")"
check "vonage: missing api_key refused" 422 "$(code -d 'api_secret=abcdef&from=Acme&to=447700900000&text=x' "http://127.0.0.1:$vonage_port/sms/json")"
set -e

if grep -rq -e conformance-token -e abcdef0123456789 "$work/out" "$work/err"; then
  check "no secret in smsotp output" clean leaked
fi
echo "$failures conformance check(s) failed"
[ "$failures" -eq 0 ]
