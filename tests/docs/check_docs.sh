#!/usr/bin/env bash
# Documentation consistency checks: the man page, the shell completions and
# sample.toml against what the built binary says about itself.
#
#   check_docs.sh CHECK SMSOTP SOURCE_DIR [RENDERED_MAN_PAGE]
#
# CHECK is one of:
#   options     every command, subcommand and option of `smsotp --help`,
#               `smsotp COMMAND --help` and `smsotp COMMAND SUBCOMMAND
#               --help` is offered by the three completion files for that
#               command (the bash one is run; the zsh and fish ones are read,
#               and the fish one also run when fish is installed) and is
#               described in the man page source, a command's options in its
#               "## COMMAND" section and a subcommand's in its
#               "## COMMAND SUBCOMMAND" section
#   exit-codes  the man page's EXIT STATUS section lists exactly the codes of
#               src/core/exit_code.hpp
#   config-keys every key that `smsotp -vv providers` reports is in
#               sample.toml and in the man page (with its environment variable
#               on the same line)
#   man-lint    the man page renders (scdoc) and groff -ww reports nothing
#   completions the completion files parse (bash -n; zsh -n and fish -n when
#               those shells are installed), and the bash one (and the fish
#               one when fish is installed) offers the provider names of
#               sample.toml after send --provider and as the NAME arguments
#               of providers check and providers test
#   security-notes
#               README.md and the man page carry the NIST SP 800-63B
#               restricted-authenticator duties (research/security.md R40)
#
# Exit status: 0 pass, 1 fail, 77 skipped (a needed tool is missing), 64 usage.
set -euo pipefail

if [ $# -lt 3 ]; then
  sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 64
fi
check=$1
smsotp=$2
source_dir=$3
rendered_man=${4:-}

man_source=$source_dir/man/smsotp.1.scd
bash_completion=$source_dir/completions/smsotp.bash
zsh_completion=$source_dir/completions/_smsotp
fish_completion=$source_dir/completions/smsotp.fish
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

# Is there a fish completion line for OPTION ("-l name" for --name, "-s x"
# for -x) that applies to COMMAND ("" for the top level) or, given
# SUBCOMMAND, to "COMMAND SUBCOMMAND" (a condition naming both)? A line
# without a condition applies everywhere.
fish_has_option() {
  local option=$1 command=$2 subcommand=${3:-} pattern
  if [[ $option == --* ]]; then
    pattern="(^| )(-l|--long-option) ${option#--}( |$)"
  else
    pattern="(^| )(-s|--short-option) ${option#-}( |$)"
  fi
  grep -E -- "$pattern" "$fish_completion" >"$tmp/fish-lines" || return 1
  grep -vq -- ' -n ' "$tmp/fish-lines" && return 0
  if [ -z "$command" ]; then
    grep -q -- 'not __fish_seen_subcommand_from' "$tmp/fish-lines"
  elif [ -n "$subcommand" ]; then
    grep -E -- "__fish_seen_subcommand_from ([a-z-]+ )*${command}[; ]" "$tmp/fish-lines" |
      grep -Eq -- "and __fish_seen_subcommand_from ([a-z-]+ )*$subcommand( |;|'|\"|$)"
  else
    grep -Eq -- "-n ['\"]__fish_seen_subcommand_from ([a-z-]+ )*$command( |'|\"|$)" "$tmp/fish-lines"
  fi
}

# The "(COMMAND)" branch of the zsh completion, up to its ";;". A
# subcommand's branch is "(SUBCOMMAND)".
zsh_branch() {
  awk -v start="($1)" '
    { line = $0; gsub(/^[ \t]+|[ \t]+$/, "", line) }
    line == start { inside = 1; next }
    inside && line == ";;" { exit }
    inside { print }
  ' "$zsh_completion"
}

# Runs the bash completion for the words given and prints its candidates.
bash_complete() {
  bash --norc --noprofile -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
    _smsotp
    printf "%s\n" "${COMPREPLY[@]}"' _ "$bash_completion" "$@"
}

# Runs a command with HOME and the XDG directories in the scratch directory,
# so that fish leaves the user's files alone.
in_fish_home() {
  mkdir -p "$tmp/home"
  HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home/.config \
    XDG_DATA_HOME=$tmp/home/.local/share "$@"
}

# Runs the fish completion for a command line and prints its candidates.
fish_complete() {
  # shellcheck disable=SC2016 # $argv is expanded by fish
  in_fish_home fish --no-config -c 'source $argv[1]; complete -C$argv[2]' \
    "$fish_completion" "$1" | cut -f1
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
  local top command option global
  top=$("$smsotp" --help)
  local commands globals
  commands=$(help_commands <<<"$top")
  globals=$(help_options <<<"$top")
  [ -n "$commands" ] || fail "no commands found in 'smsotp --help'"
  [ -n "$globals" ] || fail "no options found in 'smsotp --help'"
  local have_fish=""
  command -v fish >/dev/null && have_fish=1

  # Top level: commands and global options.
  man_section '# GLOBAL OPTIONS' >"$tmp/man-global"
  bash_complete "$smsotp" '' >"$tmp/bash-offered"
  bash_complete "$smsotp" - >>"$tmp/bash-offered"
  if [ -n "$have_fish" ]; then
    fish_complete 'smsotp ' >"$tmp/fish-offered"
    fish_complete 'smsotp -' >>"$tmp/fish-offered"
  fi
  for command in $commands; do
    grep -qx -- "$command" "$tmp/bash-offered" || fail "smsotp.bash: 'smsotp <TAB>' does not offer $command"
    if [ -n "$have_fish" ]; then
      grep -qx -- "$command" "$tmp/fish-offered" || fail "smsotp.fish: 'smsotp <TAB>' does not offer $command"
    fi
    grep -Eq -- "'$command:" "$zsh_completion" || fail "_smsotp: command $command is not in the command list"
    grep -qx -- "## $command" "$man_source" || fail "man page: no '## $command' section"
  done
  for option in $globals; do
    grep -qx -- "$option" "$tmp/bash-offered" || fail "smsotp.bash: 'smsotp -<TAB>' does not offer $option"
    if [ -n "$have_fish" ]; then
      grep -qx -- "$option" "$tmp/fish-offered" || fail "smsotp.fish: 'smsotp -<TAB>' does not offer $option"
    fi
    fish_has_option "$option" "" || fail "smsotp.fish: global option $option is missing"
    has_token "$zsh_completion" "$option" || fail "_smsotp: global option $option is missing"
    has_token "$tmp/man-global" "$option" || fail "man page: global option $option is not in GLOBAL OPTIONS"
  done

  # Each command's own options.
  for command in $commands; do
    local options
    options=$("$smsotp" "$command" --help | help_options)
    [ -n "$options" ] || fail "no options found in 'smsotp $command --help'"
    bash_complete "$smsotp" "$command" - >"$tmp/bash-offered"
    if [ -n "$have_fish" ]; then
      fish_complete "smsotp $command -" >"$tmp/fish-offered"
    fi
    man_section "## $command" >"$tmp/man-command"
    zsh_branch "$command" >"$tmp/zsh-branch"
    [ -s "$tmp/zsh-branch" ] || fail "_smsotp: no ($command) branch"
    for option in $options; do
      grep -qx -- "$option" "$tmp/bash-offered" || fail "smsotp.bash: 'smsotp $command -<TAB>' does not offer $option"
      if [ -n "$have_fish" ]; then
        grep -qx -- "$option" "$tmp/fish-offered" || fail "smsotp.fish: 'smsotp $command -<TAB>' does not offer $option"
      fi
      fish_has_option "$option" "$command" || fail "smsotp.fish: $command option $option is missing"
      global=""
      grep -qx -- "$option" <<<"$globals" && global=1
      if [ -n "$global" ]; then
        has_token "$zsh_completion" "$option" || fail "_smsotp: option $option is missing"
      else
        has_token "$tmp/zsh-branch" "$option" || fail "_smsotp: $command option $option is not in its ($command) branch"
      fi
      has_token "$tmp/man-command" "$option" || fail "man page: $command option $option is not in its '## $command' section"
    done
    check_subcommands "$command" "$globals" "$have_fish"
  done
  finish
}

# The subcommands of COMMAND (`smsotp providers check`, ...) and their
# options, checked like the commands above.
check_subcommands() {
  local command=$1 globals=$2 have_fish=$3 subcommand option options global
  local subcommands
  subcommands=$("$smsotp" "$command" --help | help_commands)
  [ -n "$subcommands" ] || return 0
  bash_complete "$smsotp" "$command" '' >"$tmp/bash-offered"
  if [ -n "$have_fish" ]; then
    fish_complete "smsotp $command " >"$tmp/fish-offered"
  fi
  for subcommand in $subcommands; do
    grep -qx -- "$subcommand" "$tmp/bash-offered" || fail "smsotp.bash: 'smsotp $command <TAB>' does not offer $subcommand"
    if [ -n "$have_fish" ]; then
      grep -qx -- "$subcommand" "$tmp/fish-offered" || fail "smsotp.fish: 'smsotp $command <TAB>' does not offer $subcommand"
    fi
    grep -Eq -- "'$subcommand:" "$zsh_completion" || fail "_smsotp: $command subcommand $subcommand is not in a subcommand list"
    grep -qx -- "## $command $subcommand" "$man_source" || fail "man page: no '## $command $subcommand' section"
  done
  for subcommand in $subcommands; do
    options=$("$smsotp" "$command" "$subcommand" --help | help_options)
    [ -n "$options" ] || fail "no options found in 'smsotp $command $subcommand --help'"
    bash_complete "$smsotp" "$command" "$subcommand" - >"$tmp/bash-offered"
    if [ -n "$have_fish" ]; then
      fish_complete "smsotp $command $subcommand -" >"$tmp/fish-offered"
    fi
    man_section "## $command $subcommand" >"$tmp/man-command"
    zsh_branch "$subcommand" >"$tmp/zsh-branch"
    [ -s "$tmp/zsh-branch" ] || fail "_smsotp: no ($subcommand) branch for 'smsotp $command $subcommand'"
    for option in $options; do
      grep -qx -- "$option" "$tmp/bash-offered" || fail "smsotp.bash: 'smsotp $command $subcommand -<TAB>' does not offer $option"
      if [ -n "$have_fish" ]; then
        grep -qx -- "$option" "$tmp/fish-offered" || fail "smsotp.fish: 'smsotp $command $subcommand -<TAB>' does not offer $option"
      fi
      fish_has_option "$option" "$command" "$subcommand" || fail "smsotp.fish: $command $subcommand option $option is missing"
      global=""
      grep -qx -- "$option" <<<"$globals" && global=1
      if [ -n "$global" ]; then
        has_token "$zsh_completion" "$option" || fail "_smsotp: option $option is missing"
      else
        has_token "$tmp/zsh-branch" "$option" || fail "_smsotp: $command $subcommand option $option is not in its ($subcommand) branch"
      fi
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
  run_isolated -vv --config "$sample" providers >/dev/null 2>"$tmp/verbose" || fail "'smsotp -vv --config sample.toml providers' failed: $(cat "$tmp/verbose")"
  local keys
  keys=$(sed -n 's/^smsotp: *\([a-z_]*\.[a-z_]*\) = .*/\1/p' "$tmp/verbose")
  [ -n "$keys" ] || fail "no 'key = value (origin)' lines in 'smsotp -vv providers' output"
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

check_completions() {
  local name
  bash -n "$bash_completion" 2>"$tmp/bash.err" || fail "bash -n: $(cat "$tmp/bash.err")"
  if command -v zsh >/dev/null; then
    zsh -n "$zsh_completion" 2>"$tmp/zsh.err" || fail "zsh -n: $(cat "$tmp/zsh.err")"
  else
    printf 'note: zsh is not installed; _smsotp not parsed\n'
  fi
  if command -v fish >/dev/null; then
    in_fish_home fish --no-config -n "$fish_completion" 2>"$tmp/fish.err" || fail "fish -n: $(cat "$tmp/fish.err")"
  else
    printf 'note: fish is not installed; smsotp.fish not parsed\n'
  fi
  [ "$failures" -eq 0 ] || finish

  # Provider names come from `smsotp providers` with the --config given.
  local expected
  expected=$(run_isolated --config "$sample" providers 2>/dev/null | cut -f1)
  [ -n "$expected" ] || fail "sample.toml configures no provider to complete"
  # Where a provider name goes: after send --provider, and as the NAME
  # arguments of providers check and providers test.
  local words
  for words in 'send --provider' 'providers check' 'providers test'; do
    # shellcheck disable=SC2086 # $words is split on purpose
    bash_complete "$smsotp" --config "$sample" $words '' >"$tmp/offered"
    for name in $expected; do
      grep -qx -- "$name" "$tmp/offered" || fail "smsotp.bash: '$words <TAB>' does not offer $name"
    done
    if command -v fish >/dev/null; then
      fish_complete "$smsotp --config $sample $words " >"$tmp/offered"
      for name in $expected; do
        grep -qx -- "$name" "$tmp/offered" || fail "smsotp.fish: '$words <TAB>' does not offer $name"
      done
    fi
  done
  # providers test takes one name; after it, none is offered.
  bash_complete "$smsotp" --config "$sample" providers test outbox '' >"$tmp/offered"
  if grep -qx -- outbox "$tmp/offered"; then
    fail "smsotp.bash: 'providers test NAME <TAB>' offers a second name"
  fi
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
  completions) check_completions ;;
  security-notes) check_security_notes ;;
  *)
    printf 'unknown check: %s\n' "$check" >&2
    exit 64
    ;;
esac
