#!/usr/bin/env bash
# Nothing the test suite starts may outlive it (issue 7, defect 13). This
# script finds processes the suite started that are still running, names
# them, ends them (they are ours by construction) and fails.
#
#   no_leftovers.sh check MARK BUILD_DIR
#       The last ctest test (FIXTURES_CLEANUP of every other test). A
#       leftover is a process whose environment holds SMSOTP_SUITE=MARK
#       (ctest gives that to every test, and children inherit it: Prism,
#       node, shells, fuzzers) or whose executable lies in BUILD_DIR (smsotp
#       started by the e2e harness with an environment of its own).
#   no_leftovers.sh run -- COMMAND [ARGS...]
#       Runs COMMAND with a fresh SMSOTP_LEAK_PROBE value; afterwards no
#       process may carry that value. Exit: COMMAND's status if it failed,
#       else 1 if something was left running, else 0.
#
# Processes that are this script or its ancestors (ctest, scripts/dev) and
# zombies are not leftovers. A leftover may take a moment to exit after
# its test ended, so the scan is repeated for up to 3 seconds.
set -uo pipefail

ancestors=" "
pid=$$
while [ -n "$pid" ] && [ "$pid" -gt 1 ]; do
  ancestors+="$pid "
  pid=$(awk '/^PPid:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
done

# Prints "PID COMMAND LINE" for each leftover; $1 is an environment entry
# to look for, $2 (optional) a directory whose executables count. One grep
# and one stat over all of /proc keep a scan cheap on a busy machine; they
# inherit the entry too, so a candidate must still exist afterwards.
scan() {
  local entry=$1 dir=${2:-} candidates pid state
  candidates=$(
    grep -lzxF -- "$entry" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3
    if [ -n "$dir" ]; then
      stat -c '%N' /proc/[0-9]*/exe 2>/dev/null \
        | grep -F -- "-> '$dir/" | cut -d/ -f3
    fi
  )
  for pid in $(sort -un <<<"$candidates"); do
    [[ "$ancestors" == *" $pid "* ]] && continue
    [ "$pid" = "$BASHPID" ] && continue
    state=$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null) || continue
    [ -z "$state" ] || [ "$state" = Z ] && continue
    printf '%s %s\n' "$pid" "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-200)"
  done
}

# Scans until nothing is left or 3 s have passed; then reports, ends what
# is left (TERM, then KILL) and returns 1.
settle() {
  local found=
  for _ in $(seq 1 15); do
    found=$(scan "$@")
    [ -z "$found" ] && return 0
    sleep 0.2
  done
  echo "processes started by the test suite are still running after it ended:" >&2
  local leftover_pid command_line
  while read -r leftover_pid command_line; do
    echo "  pid $leftover_pid: $command_line" >&2
  done <<<"$found"
  local pids
  pids=$(cut -d' ' -f1 <<<"$found")
  # shellcheck disable=SC2086 # one PID per word
  kill -TERM $pids 2>/dev/null
  sleep 1
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null
  echo "(ended them; find the test that started them and make it stop them)" >&2
  return 1
}

case "${1:-}" in
  check)
    [ $# -eq 3 ] || { echo "usage: $0 check MARK BUILD_DIR" >&2; exit 64; }
    settle "SMSOTP_SUITE=$2" "$3" || exit 1
    echo "no process of the suite is left running"
    ;;
  run)
    shift
    [ "${1:-}" = "--" ] && shift
    [ $# -gt 0 ] || { echo "usage: $0 run -- COMMAND [ARGS...]" >&2; exit 64; }
    probe="$$.$(date +%s%N).$RANDOM"
    SMSOTP_LEAK_PROBE=$probe "$@"
    status=$?
    settle "SMSOTP_LEAK_PROBE=$probe" || { [ "$status" -ne 0 ] && exit "$status"; exit 1; }
    exit "$status"
    ;;
  *)
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 64
    ;;
esac
