#!/usr/bin/env bash
# Docs that run: every command of the README and of the man page's EXAMPLES
# is run exactly as written, and its exit status checked.
#
#   run_docs.sh SOURCE SMSOTP SOURCE_DIR
#
# SOURCE is readme or examples. What is run:
#   readme    each ```sh block of README.md, in order. A block whose first
#             line is "#!/bin/sh" is a script (run as a file); in any other
#             block each line is one command. A command exits with 0 unless
#             its line ends with "# exits N". A ```toml block whose first
#             line is "# FILE" is written to FILE (~ is the home directory)
#             when the reader would write it. The comment line
#             "<!-- docs: not run: REASON -->" right before a fence leaves
#             that block out, loudly; so does "<!-- docs: as root -->",
#             whose blocks run_root_docs.sh runs.
#   examples  each ``` block of the EXAMPLES section of man/smsotp.1.scd, as
#             the page renders it: a "$ " line is a command, the lines after
#             it its output; "$ echo $?" and then N says that the command
#             before it exits with N (else 0). A block starting with
#             "#!/bin/sh" is a script.
#
# Where: a throwaway HOME and working directory holding sample.toml, the
# built binary as `smsotp` on PATH and as build/src/smsotp, and a
# scripts/dev that runs it (`scripts/dev test` runs the suite containing
# this test, so it is left out, loudly). Each command runs on a
# pseudo-terminal; the prompts are answered as a person would (docs_helper.py
# pty: the token typed where the README says to paste it, the code at
# "Code: "). The docs show one example code, 482913: after each smsotp run
# the waiting challenges are made to accept it (docs_helper.py
# example-code), as if the random draw had come out that way; $code holds
# it for the example that passes a code it already has. A real provider (in
# a config the docs write, or the user config for the man page) has its
# base_url pointed at a fake on 127.0.0.1 (docs_helper.py serve); the command
# text is not changed. The per-number sending limits are lifted through
# SMSOTP_LIMITS_* (the docs send to one number many times). ./deploy.sh, which the gating scripts exec, prints
# "deployed".
#
# A block that uses a flag not in this smsotp yet is skipped loudly
# (PENDING), so that it runs as soon as it lands.
#
# Exit status: 0 pass, 1 fail, 64 usage, 77 skipped (python3 missing).
set -euo pipefail

if [ $# -ne 3 ]; then
  sed -n '2,40p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 64
fi
source_kind=$1
smsotp=$(realpath "$2")
source_dir=$(realpath "$3")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
helper=$here/docs_helper.py
example_code=482913
command -v python3 >/dev/null || {
  printf 'SKIP: python3 is not installed\n'
  exit 77
}

tmp=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
failures=0
fail() {
  printf 'FAIL: %s\n' "$*"
  failures=$((failures + 1))
}

# --- the sandbox --------------------------------------------------------------

home=$tmp/home work=$tmp/work bin=$tmp/bin
mkdir -p "$home" "$work/build/src" "$work/scripts" "$bin"
cp "$source_dir/sample.toml" "$work/"
state=$home/.local/state/smsotp
cat >"$bin/smsotp" <<EOF
#!/bin/bash
# The built smsotp; afterwards the waiting challenges accept the example code.
"$smsotp" "\$@"
status=\$?
(umask 077 && python3 "$helper" example-code "$state/state.db" "$state/smsotp.key" $example_code) ||
  echo "run_docs: could not set the example code" >&2
exit \$status
EOF
chmod 755 "$bin/smsotp"
cp "$bin/smsotp" "$work/build/src/smsotp"
cat >"$work/scripts/dev" <<'EOF'
#!/bin/bash
case ${1:-} in
  run) shift; exec smsotp "$@" ;;
  test)
    echo "SKIPPED (loudly): 'scripts/dev test' runs the whole suite, which contains this test"
    exit 0 ;;
  *) echo "run_docs: scripts/dev $1 is not run here" >&2; exit 1 ;;
esac
EOF
chmod 755 "$work/scripts/dev"
# systemd is not running here: `systemctl [--user] enable --now X.timer` and
# `start X.service` run the ExecStart= of the unit the tree ships (the
# installed /usr/bin/smsotp being the built one), so the recipe proves the
# unit's command works; the timer itself is systemd's business.
cat >"$bin/systemctl" <<EOF
#!/bin/bash
[ "\${1:-}" = --user ] && shift
case "\$*" in
  "enable --now "*.timer) unit=\${3%.timer}.service ;;
  "start "*.service) unit=\$2 ;;
  *) echo "run_docs: systemctl \$* is not run here" >&2; exit 1 ;;
esac
file=\$(find "$source_dir" -path "$source_dir/build*" -prune -o -name "\$unit" -print -quit)
[ -n "\$file" ] || { echo "run_docs: no unit \$unit in the tree" >&2; exit 1; }
exec_start=\$(sed -n 's/^ExecStart=//p' "\$file")
[ -n "\$exec_start" ] || { echo "run_docs: \$unit has no ExecStart=" >&2; exit 1; }
echo "run_docs: \$unit: \$exec_start"
eval "\$(sed 's|^[^ ]*/smsotp |smsotp |' <<<"\$exec_start ")"
EOF
chmod 755 "$bin/systemctl"
printf '#!/bin/sh\necho deployed\n' >"$work/deploy.sh"
chmod 755 "$work/deploy.sh"

python3 "$helper" serve "$tmp/port" &
server_pid=$!
for _ in $(seq 100); do
  [ -s "$tmp/port" ] && break
  sleep 0.05
done
[ -s "$tmp/port" ] || {
  fail "the fake provider did not start"
  exit 1
}
fake_url=http://127.0.0.1:$(cat "$tmp/port")

# Writes a config file the docs show, with each provider table that is not
# of kind "file" sent to the fake.
write_config() {
  local file=$1 text=$2
  mkdir -p "$(dirname "$file")"
  awk -v url="$fake_url" '
    { print }
    /^\[provider\.[A-Za-z0-9_-]+\]/ { table = 1; print "base_url = \"" url "\""; next }
  ' <<<"$text" >"$file.tmp"
  # A file provider takes no base_url.
  awk '
    /^\[/ { if (n) flush(); n = 0 }
    { lines[++n] = $0 }
    END { flush() }
    function flush(   i, file_kind) {
      file_kind = 0
      for (i = 1; i <= n; i++) if (lines[i] ~ /^kind *= *"file"/) file_kind = 1
      for (i = 1; i <= n; i++) if (!(file_kind && lines[i] ~ /^base_url = /)) print lines[i]
    }' "$file.tmp" >"$file"
  rm -f "$file.tmp"
  chmod 600 "$file"
}

# The user config of the man page's examples: the providers they name
# (twilio, and backup for `providers check`).
man_user_config='[policy]
allowed_countries = ["US"]

[send]
providers = ["twilio", "backup"]

[provider.twilio]
account_sid = "AC0123456789abcdef0123456789abcdef"
from = "+12025550100"
auth_token_env = "TWILIO_AUTH_TOKEN"

[provider.backup]
kind = "sinch"
service_plan_id = "0123456789abcdef0123456789abcdef"
from = "+12025550100"
api_token_env = "SINCH_API_TOKEN"'

# --- running ------------------------------------------------------------------

# Flags some docs use before this smsotp has them: prints why the block
# must wait, or nothing. None today; when docs run ahead of the binary,
# test here whether `smsotp COMMAND --help` lists the flag yet.
pending_reason() {
  :
}

blocks=0 commands=0
# run_block NAME KIND TEXT [EXPECTED...]: KIND script or lines; for lines,
# EXPECTED holds one status per command line of TEXT.
run_block() {
  local name=$1 kind=$2 text=$3
  shift 3
  local reason
  reason=$(pending_reason "$text")
  if [ -n "$reason" ]; then
    printf '\nPENDING (skipped loudly): %s: %s\n' "$name" "$reason"
    return
  fi
  blocks=$((blocks + 1))
  printf '\n--- %s\n' "$name"
  local script=$tmp/block.sh typed=() want=("$@")
  grep -q 'cat >' <<<"$text" && typed=(--type "docs-fake-token")
  if [ "$kind" = script ]; then
    printf '%s\n' "$text" >"$script"
    chmod 755 "$script"
    commands=$((commands + 1))
    local status=0
    (cd "$work" && python3 "$helper" pty "$example_code" "${typed[@]}" -- "$script") >"$tmp/out" 2>&1 || status=$?
    sed 's/^/    /' "$tmp/out"
    if [ "$status" -ne 0 ]; then
      fail "$name: the script exits with $status, not 0"
    elif ! grep -q deployed "$tmp/out"; then
      fail "$name: the script did not reach ./deploy.sh"
    fi
    return
  fi
  # One command a line (a line ending in \ goes on); after each, its status
  # is compared and passed on, so that "echo $?" still sees it.
  {
    printf 'code=%s\n' "$example_code"
    # shellcheck disable=SC2016 # expanded by the block's shell
    printf '__check() { local s=$1; if [ "$s" = "$2" ]; then echo "ok ($s): $3"; else echo "FAIL: exits with $s, not $2: $3"; fi; return "$s"; }\n'
    local line pending_line="" i=0
    while IFS= read -r line; do
      if [ -z "$pending_line" ] && [[ $line =~ ^[[:space:]]*(#.*)?$ ]]; then
        continue
      fi
      pending_line+=$line$'\n'
      [[ $line == *\\ ]] && continue
      printf '%s' "$pending_line"
      printf '__check $? %s %q\n' "${want[i]:-0}" "${pending_line%$'\n'}"
      pending_line=""
      i=$((i + 1))
    done <<<"$text"
  } >"$script"
  local status=0
  (cd "$work" && python3 "$helper" pty "$example_code" "${typed[@]}" -- bash "$script") >"$tmp/out" 2>&1 || status=$?
  sed 's/^/    /' "$tmp/out"
  local total
  total=$(grep -c '^__check [$]' "$script")
  commands=$((commands + total))
  local count
  count=$(grep -c '^FAIL: exits' "$tmp/out" || true)
  [ "$count" -eq 0 ] || fail "$name: $count command(s) exited otherwise than the docs say"
  local ran
  ran=$(grep -Ec '^(ok|FAIL: exits) \(|^FAIL: exits' "$tmp/out" || true)
  [ "$ran" -eq "$total" ] || fail "$name: the block stopped after $ran of its commands (status $status)"
}

export HOME=$home PATH=$bin:$PATH LC_ALL=C.UTF-8
export XDG_CONFIG_HOME=$home/.config XDG_STATE_HOME=$home/.local/state
export TWILIO_AUTH_TOKEN=docs-fake-token SINCH_API_TOKEN=docs-fake-token
unset SMSOTP_CONFIG XDG_DATA_DIRS GITHUB_ACTIONS
for name in $(env | sed -n 's/^\(SMSOTP_[A-Z_]*\)=.*/\1/p'); do
  unset "$name"
done
# The docs send to one number many times in a row, which the per-number
# limits exist to stop; lifted here (from the environment, so that no
# command or config the docs show changes).
export SMSOTP_LIMITS_MIN_INTERVAL=0s SMSOTP_LIMITS_PER_RECIPIENT=1000 \
  SMSOTP_LIMITS_PER_RECIPIENT_DAILY=1000 SMSOTP_LIMITS_PER_PREFIX_HOURLY=1000
cd "$work"

# --- README.md ----------------------------------------------------------------

run_readme() {
  local readme=$source_dir/README.md
  local line fence="" info="" text="" skip="" previous="" number=0 block_line=0
  local -a expected=()
  while IFS= read -r line; do
    number=$((number + 1))
    if [ -z "$fence" ] && [[ $line =~ ^\`\`\`([a-z]*)$ ]]; then
      fence=1 info=${BASH_REMATCH[1]} text="" block_line=$number expected=()
      skip=""
      [[ $previous =~ ^\<!--\ docs:\ not\ run:\ (.*)\ --\>$ ]] && skip=${BASH_REMATCH[1]}
      [ "$previous" = '<!-- docs: as root -->' ] &&
        skip="installs into the system: run as root, in a throwaway system, by docs.readme_root_runs"
      continue
    fi
    if [ -n "$fence" ] && [ "$line" = '```' ]; then
      fence=""
      local name="README.md:$block_line"
      if [ "$info" = sh ] && [ -n "$skip" ]; then
        printf '\nNOT RUN (loudly): %s: %s\n' "$name" "$skip"
      elif [ "$info" = sh ] && [[ $text == '#!/bin/sh'* ]]; then
        run_block "$name" script "$text"
      elif [ "$info" = sh ]; then
        run_block "$name" lines "$text" "${expected[@]}"
      elif [ "$info" = toml ] && [[ $text =~ ^\#\ (~?/[^[:space:]]+) ]]; then
        local file=${BASH_REMATCH[1]}
        write_config "${file/#\~/$HOME}" "$text"
        printf '\n--- %s: wrote %s\n' "$name" "$file"
      fi
      previous=$line
      continue
    fi
    if [ -n "$fence" ]; then
      text+=${text:+$'\n'}$line
      if [ "$info" = sh ] && ! [[ $line =~ ^[[:space:]]*(#.*)?$ ]] && [[ $line != *\\ ]]; then
        if [[ $line =~ \#\ exits\ ([0-9]+)$ ]]; then
          expected+=("${BASH_REMATCH[1]}")
        else
          expected+=(0)
        fi
      fi
    fi
    previous=$line
  done <"$readme"
}

# --- man page EXAMPLES ------------------------------------------------------

run_examples() {
  local man=$source_dir/man/smsotp.1.scd
  write_config "$home/.config/smsotp/config.toml" "$man_user_config"
  # The EXAMPLES section as it renders: scdoc turns "\\" into "\".
  awk '/^# EXAMPLES$/ { inside = 1; next } inside && /^# / { exit } inside { print }' "$man" |
    sed 's/\\\\/\\/g' >"$tmp/examples"
  local line fence="" text="" commands_text="" number=0 block_line=0 last_was_echo=""
  local -a expected=()
  while IFS= read -r line; do
    number=$((number + 1))
    if [ -z "$fence" ] && [ "$line" = '```' ]; then
      fence=1 text="" commands_text="" expected=() block_line=$number last_was_echo=""
      continue
    fi
    if [ -n "$fence" ] && [ "$line" = '```' ]; then
      fence=""
      local name="EXAMPLES block $block_line"
      if [[ $text == '#!/bin/sh'* ]]; then
        run_block "$name" script "$text"
      elif [ -n "$commands_text" ]; then
        # Each example starts from a code waiting for +12025550123 unless
        # it sends one itself (as a reader following the page would have).
        if ! grep -q ' send ' <<<"$commands_text"; then
          "$bin/smsotp" -q send --to +12025550123 >/dev/null 2>&1 ||
            fail "$name: the set-up send failed"
        fi
        run_block "$name" lines "$commands_text" "${expected[@]}"
      fi
      continue
    fi
    [ -n "$fence" ] || continue
    text+=${text:+$'\n'}$line
    if [[ $line == '$ '* ]]; then
      commands_text+=${commands_text:+$'\n'}${line#\$ }
      expected+=(0)
      [ "$line" = '$ echo $?' ] && last_was_echo=1 || last_was_echo=""
    elif [ -n "$last_was_echo" ] && [[ $line =~ ^[0-9]+$ ]]; then
      # "$ echo $?" then N: the command before the echo exits with N.
      expected[${#expected[@]} - 2]=$line
      last_was_echo=""
    fi
  done <"$tmp/examples"
}

case $source_kind in
  readme) run_readme ;;
  examples) run_examples ;;
  *)
    printf 'unknown source: %s\n' "$source_kind" >&2
    exit 64
    ;;
esac

printf '\n%d block(s), %d command(s) run\n' "$blocks" "$commands"
[ "$blocks" -gt 0 ] || fail "no block found to run"
if [ "$failures" -gt 0 ]; then
  printf '%d failure(s)\n' "$failures"
  exit 1
fi
