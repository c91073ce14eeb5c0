#!/usr/bin/env bash
# Documentation consistency checks: the man page and
# sample.toml against what the built binary says about itself.
#
#   check_docs.sh CHECK SMSOTP SOURCE_DIR [RENDERED_MAN_PAGE]
#
# CHECK is one of:
#   options     every command, subcommand and option of `smsotp --help`,
#               `smsotp COMMAND --help` and `smsotp COMMAND SUBCOMMAND
#               --help` is described in the man page source, a command's
#               options in its "## COMMAND" section and a subcommand's in its
#               "## COMMAND SUBCOMMAND" section (the shell completions are
#               checked against the same --help texts by
#               tests/completions/run.sh)
#   exit-codes  the man page's EXIT STATUS section lists exactly the codes of
#               src/core/exit_code.hpp
#   config-keys every key that `smsotp -v providers` reports is in
#               sample.toml and in the man page (with its environment variable
#               on the same line)
#   man-lint    the man page renders (scdoc) and groff -ww reports nothing
#   security-notes
#               README.md and the man page carry the NIST SP 800-63B
#               restricted-authenticator duties (research/security.md R40)
#
# Exit status: 0 pass, 1 fail, 77 skipped (a needed tool is missing), 64 usage.
set -euo pipefail

if [ $# -lt 3 ]; then
  sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 64
fi
check=$1
smsotp=$2
source_dir=$3
rendered_man=${4:-}

man_source=$source_dir/man/smsotp.1.scd
sample=$source_dir/sample.toml
exit_header=$source_dir/src/core/exit_code.hpp

failures=0
fail() {
  printf 'FAIL: %s\n' "$*" >&2
  failures=$((failures + 1))
}

finish() {
  if [ "$failures" -gt 0 ]; then
    printf '%s: %d problem(s)\n' "$check" "$failures" >&2
    exit 1
  fi
  printf '%s: ok\n' "$check"
  exit 0
}

skip() {
  printf 'SKIP: %s\n' "$*"
  exit 77
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Runs smsotp with no user configuration, state or SMSOTP_* variables.
run_isolated() {
  mkdir -p "$tmp/home"
  env -i PATH="$PATH" HOME="$tmp/home" LC_ALL=C "$smsotp" "$@"
}

# The options of one --help text, one per line: "-c", "--config", ...
help_options() {
  sed -n 's/^  \(-[^ ]*\).*/\1/p' | tr ',' '\n' | sed '/^$/d'
}

# The commands listed under "Subcommands:" in `smsotp --help`.
help_commands() {
  sed -n '/^Subcommands:/,/^$/p' | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p'
}

# Does FILE contain WORD as a whole token (not as part of --word-more)?
has_token() {
  grep -Eq -- "(^|[^A-Za-z0-9_-])$2([^A-Za-z0-9_-]|$)" "$1"
}

# Lines of the man page source from "HEADING" to the next heading of the
# same or a higher level.
man_section() {
  local heading=$1
  awk -v heading="$heading" '
    BEGIN { level = length(heading) - length(substr(heading, index(heading, " "))) }
    $0 == heading { inside = 1; next }
    inside && /^#+ / {
      this = length($0) - length(substr($0, index($0, " ")))
      if (this <= level) { exit }
    }
    inside { print }
  ' "$man_source"
}

check_options() {
  local top command option
  top=$("$smsotp" --help)
  local commands globals
  commands=$(help_commands <<<"$top")
  globals=$(help_options <<<"$top")
  [ -n "$commands" ] || fail "no commands found in 'smsotp --help'"
  [ -n "$globals" ] || fail "no options found in 'smsotp --help'"

  # Top level: commands and global options.
  man_section '# GLOBAL OPTIONS' >"$tmp/man-global"
  for command in $commands; do
    grep -qx -- "## $command" "$man_source" || fail "man page: no '## $command' section"
  done
  for option in $globals; do
    has_token "$tmp/man-global" "$option" || fail "man page: global option $option is not in GLOBAL OPTIONS"
  done

  # Each command's own options.
  for command in $commands; do
    local options
    options=$("$smsotp" "$command" --help | help_options)
    [ -n "$options" ] || fail "no options found in 'smsotp $command --help'"
    man_section "## $command" >"$tmp/man-command"
    for option in $options; do
      has_token "$tmp/man-command" "$option" || fail "man page: $command option $option is not in its '## $command' section"
    done
    check_subcommands "$command"
  done
  finish
}

# The subcommands of COMMAND (`smsotp providers check`, ...) and their
# options, checked like the commands above.
check_subcommands() {
  local command=$1 subcommand option options
  local subcommands
  subcommands=$("$smsotp" "$command" --help | help_commands)
  [ -n "$subcommands" ] || return 0
  for subcommand in $subcommands; do
    grep -qx -- "## $command $subcommand" "$man_source" || fail "man page: no '## $command $subcommand' section"
    options=$("$smsotp" "$command" "$subcommand" --help | help_options)
    [ -n "$options" ] || fail "no options found in 'smsotp $command $subcommand --help'"
    man_section "## $command $subcommand" >"$tmp/man-command"
    for option in $options; do
      has_token "$tmp/man-command" "$option" || fail "man page: $command $subcommand option $option is not in its '## $command $subcommand' section"
    done
  done
}

check_exit_codes() {
  local code
  # "  usage = 64, // ..." inside the enum.
  local defined
  defined=$(sed -n 's/^ *[a-z_]* = \([0-9][0-9]*\),.*/\1/p' "$exit_header")
  [ -n "$defined" ] || fail "no exit codes found in $exit_header"
  man_section '# EXIT STATUS' >"$tmp/exit-status"
  [ -s "$tmp/exit-status" ] || fail "man page: no EXIT STATUS section"
  # Documented codes: "*64*" on the term lines (not the indented bodies).
  local documented
  documented=$(grep -v "^$(printf '\t')" "$tmp/exit-status" | grep -o '\*[0-9][0-9]*\*' | tr -d '*' || true)
  for code in $defined; do
    grep -qx "$code" <<<"$documented" || fail "man page: exit status $code (src/core/exit_code.hpp) is not in EXIT STATUS"
  done
  for code in $documented; do
    grep -Eq "(^|[^0-9])$code([^0-9]|$)" "$exit_header" || fail "man page: EXIT STATUS lists $code, which src/core/exit_code.hpp does not know"
  done
  finish
}

check_config_keys() {
  local key env_name
  run_isolated -v providers >/dev/null 2>"$tmp/verbose" || fail "'smsotp -v providers' failed: $(cat "$tmp/verbose")"
  local keys
  keys=$(sed -n 's/^smsotp: *\([a-z_]*\.[a-z_]*\) = .*/\1/p' "$tmp/verbose")
  [ -n "$keys" ] || fail "no 'key = value (origin)' lines in 'smsotp -v providers' output"
  # sample.toml: "key = ..." or "# key = ..." under its [section].
  local sample_keys
  sample_keys=$(awk '
    /^\[[a-z_]+\]/ { section = substr($1, 2, length($1) - 2); next }
    /^\[/ { section = ""; next }
    section != "" && match($0, /^(# )?[a-z_]+ *=/) {
      line = $0; sub(/^# /, "", line); sub(/ *=.*/, "", line)
      print section "." line
    }' "$sample")
  for key in $keys; do
    grep -qx "$key" <<<"$sample_keys" || fail "sample.toml: $key is not documented under [${key%%.*}]"
    env_name=SMSOTP_$(tr 'a-z.' 'A-Z_' <<<"$key")
    grep -F -- "*$key*" "$man_source" | grep -qF -- "*$env_name*" ||
      fail "man page: no line with *$key* and its variable *$env_name*"
  done
  finish
}

check_man_lint() {
  command -v groff >/dev/null || skip "groff is not installed"
  local page=$rendered_man
  if command -v scdoc >/dev/null; then
    # Render the current source, so that an edit is checked even before the
    # build has rendered it again.
    page=$tmp/smsotp.1
    scdoc <"$man_source" >"$page" 2>"$tmp/scdoc.err" || fail "scdoc: $(cat "$tmp/scdoc.err")"
  fi
  if [ -z "$page" ] || [ ! -f "$page" ]; then
    skip "scdoc is not installed and the build rendered no page"
  fi
  groff -man -Tutf8 -ww -z "$page" >"$tmp/groff.out" 2>&1 || fail "groff exited with $?"
  if [ -s "$tmp/groff.out" ]; then
    fail "groff -ww reports: $(cat "$tmp/groff.out")"
  fi
  for section in NAME SYNOPSIS DESCRIPTION EXAMPLES COMMANDS 'GLOBAL OPTIONS' CONFIGURATION FILES ENVIRONMENT 'EXIT STATUS' SECURITY 'SEE ALSO'; do
    grep -qx "# $section" "$man_source" || fail "man page: no '# $section' section"
  done
  finish
}

check_security_notes() {
  local file
  for file in "$source_dir/README.md" "$man_source"; do
    [ -f "$file" ] || { fail "$file is missing"; continue; }
    # scdoc bold markers and line breaks must not hide the phrases.
    tr '\n' ' ' <"$file" | tr -d '*' | tr -s ' \t' '  ' >"$tmp/flat"
    for phrase in 'SP 800-63B' 'restricted authenticator' 'not restricted' \
      'inform|tell users' 'migrat' 'validate' 'change of number|number change'; do
      grep -Eqi -- "$phrase" "$tmp/flat" || fail "$(basename "$file"): no mention of '$phrase' (NIST restricted-authenticator duties)"
    done
  done
  finish
}

case $check in
  options) check_options ;;
  exit-codes) check_exit_codes ;;
  config-keys) check_config_keys ;;
  man-lint) check_man_lint ;;
  security-notes) check_security_notes ;;
  *)
    printf 'unknown check: %s\n' "$check" >&2
    exit 64
    ;;
esac
