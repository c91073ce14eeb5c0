#!/usr/bin/env bash
# One short libFuzzer run of a target, as a ctest test.
#
# usage: run_fuzzer.sh FUZZER SECONDS WORK_DIR SEED_DIR...
#
# New inputs go to WORK_DIR/corpus (kept in the build directory, so the
# next run starts from what this one found; the checked-in seeds are only
# read), temporary files to WORK_DIR/tmp (removed), a crashing input to
# WORK_DIR/crash-* (the fuzzer given that file runs it once). Fails on any crash,
# sanitizer report, leak, timeout (10 s per input) or out-of-memory.
set -euo pipefail

fuzzer=$1 seconds=$2 work=$3
shift 3
mkdir -p "$work/corpus"
rm -f "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*
rm -rf "$work/tmp" && mkdir "$work/tmp"
trap 'rm -rf "$work/tmp"' EXIT
status=0
TMPDIR=$work/tmp "$fuzzer" -max_total_time="$seconds" -timeout=10 \
  -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/" \
  "$work/corpus" "$@" >"$work/log" 2>&1 || status=$?
tail -n 25 "$work/log"
if [ "$status" -ne 0 ]; then
  echo "fuzzer failed (exit $status); full log: $work/log"
  for artifact in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
    [ -e "$artifact" ] && echo "reproduce: $fuzzer $artifact"
  done
  exit 1
fi
