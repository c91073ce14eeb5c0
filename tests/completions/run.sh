#!/usr/bin/env bash
# Behaviour tests of the shell completions in completions/: each shell
# completes command lines the way a user's TAB does, with the built smsotp
# on PATH (the completions run it to read the configured provider names and
# locales), and what it offers is compared with what that binary accepts.
#
#   run.sh SHELL SMSOTP SOURCE_DIR
#
# SHELL is bash (COMP_WORDS/COMP_CWORD, then _smsotp; COMPREPLY is read), zsh
# (an interactive zsh in a zpty with compinit: the line is typed, then TAB;
# compadd reports what it was given) or fish (complete -C 'LINE').
#
# Checked for each shell:
#   - `smsotp <TAB>` offers exactly the commands of `smsotp --help`;
#     `smsotp -<TAB>` exactly its options; `smsotp COMMAND -<TAB>` exactly
#     the options of `smsotp COMMAND --help` and the global ones; the same
#     for each subcommand (`smsotp providers check -<TAB>`); so a command or
#     flag added to the binary fails here until the completions offer it;
#   - no list offers a name twice, nor an option already on the line (but
#     -v, which counts), nor a provider already given to `providers check`;
#   - `--locale`, `--provider`, `providers check` and `providers test` offer
#     the names configured in the config file (--config, or the user's).
# Names in `pending` below are offered ahead of the binary: a flag another
# change is adding. Each run says loudly which are still pending; remove a
# name once `--help` lists it.
#
# Exit status: 0 pass, 1 fail, 77 skipped (the shell is not installed), 64
# usage.
set -euo pipefail

if [ $# -ne 3 ]; then
  sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 64
fi
shell=$1
smsotp=$(realpath "$2")
completions=$(realpath "$3")/completions
pending=()

command -v "$shell" >/dev/null || {
  printf 'SKIP: %s is not installed\n' "$shell"
  exit 77
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() {
  printf 'FAIL (%s): %s\n' "$shell" "$*"
  failures=$((failures + 1))
}

# A user with the built binary on PATH and a config in the default place
# with two providers and two locales; another config for --config.
mkdir -p "$tmp/bin" "$tmp/home/.config/smsotp" "$tmp/other"
ln -s "$smsotp" "$tmp/bin/smsotp"
cat >"$tmp/home/.config/smsotp/config.toml" <<'EOF'
[policy]
allowed_countries = ["US"]
[message.templates]
de = "{app}: Ihr Code lautet {code}."
pt-BR = "{app}: seu código é {code}."
[provider.outbox]
kind = "file"
[provider.backup]
kind = "file"
path = "outbox.txt"
EOF
cat >"$tmp/other/smsotp.toml" <<'EOF'
[policy]
allowed_countries = ["US"]
[message.templates]
fr = "{app}: votre code est {code}."
[provider.primary]
kind = "file"
EOF
export HOME=$tmp/home PATH=$tmp/bin:$PATH
export XDG_CONFIG_HOME=$HOME/.config XDG_DATA_HOME=$HOME/.local/share
unset SMSOTP_CONFIG XDG_DATA_DIRS
cd "$tmp/other"

# --- asking each shell ------------------------------------------------------

# Completes each LINE (the cursor at its end) and prints, per line,
# "== LINE" and then one candidate per line, as offered (unsorted, with
# any duplicates).
complete_bash() {
  bash --norc --noprofile -c '
    source "$1"; shift
    for line in "$@"; do
      printf "== %s\n" "$line"
      read -ra COMP_WORDS <<<"$line"
      [[ $line == *" " ]] && COMP_WORDS+=("")
      COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
      COMPREPLY=()
      _smsotp
      [ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}"
    done' _ "$completions/smsotp.bash" "$@"
}

complete_fish() {
  # shellcheck disable=SC2016 # fish expands $argv
  fish --no-config -c '
    source $argv[1]
    for line in $argv[2..-1]
      echo "== $line"
      complete -C"$line" | string split -f1 \t
    end' "$completions/smsotp.fish" "$@"
}

# zsh: an interactive zsh -f in a pseudo-terminal loads compinit with the
# completions directory first in fpath. compadd is wrapped to record the
# matches it is given (after prefix matching, -O), so that what the
# completion system offers is read exactly, not scraped off the screen; a
# comppostfuncs hook marks the end of each completion.
complete_zsh() {
  local out=$tmp/zsh-out
  # shellcheck disable=SC2016 # zsh expands these
  zsh -f -c '
    zmodload zsh/zpty || exit 1
    completions=$1 out=$2; shift 2
    zpty -b z zsh -f -i
    zpty -w z "PS1= RPS1= PROMPT_EOL_MARK=; fpath=(${(q)completions} \$fpath)"
    zpty -w z "autoload -Uz compinit && compinit -u -D"
    zpty -w z "zstyle \":completion:*\" list-prompt \"\"; LISTMAX=0; __out=${(q)out}"
    zpty -w z "compadd() { local -a __m; if (( \${@[(I)-[OAD]*]} )); then builtin compadd \"\$@\"; return; fi; builtin compadd -O __m \"\$@\"; (( \$#__m )) && print -rl -- \"\${__m[@]}\" >>\$__out; builtin compadd \"\$@\"; }"
    zpty -w z "__smsotp_done() { print -r -- \"<<done>>\" >>\$__out }; comppostfuncs=(__smsotp_done)"
    for line in "$@"; do
      : >$out.one
      zpty -w z "__out=${(q)out}.one; comppostfuncs=(__smsotp_done)"
      zpty -n -w z "$line"$'"'"'\t'"'"'
      for i in {1..200}; do
        grep -q "<<done>>" $out.one 2>/dev/null && break
        sleep 0.05
      done
      grep -q "<<done>>" $out.one || print -r -- "<<timeout>>" >>$out.one
      print -r -- "== $line"
      grep -v "<<done>>" $out.one || true
      zpty -n -w z $'"'"'\C-a\C-k\C-c'"'"'
    done
    zpty -d z' _ "$completions" "$out" "$@"
}

# Prints the candidates for each LINE into $tmp/offered.N (N counting from
# 1, in order), as offered; all lines go to one shell process.
ask() {
  "complete_$shell" "$@" >"$tmp/all" 2>"$tmp/shell.err" || true
  awk -v dir="$tmp" '
    /^== / { n++; file = dir "/offered." n; printf "" > file; next }
    n > 0 { print > file }' "$tmp/all"
  local i
  for ((i = 1; i <= $#; i++)); do
    [ -f "$tmp/offered.$i" ] || {
      fail "no answer for line $i ('${!i}'); shell said: $(head -c 2000 "$tmp/shell.err")"
      : >"$tmp/offered.$i"
    }
    if grep -qx '<<timeout>>' "$tmp/offered.$i"; then
      fail "'${!i}<TAB>' did not finish within 10 s"
    fi
  done
}

# --- what the binary accepts ------------------------------------------------

help_options() {
  sed -n 's/^  \(-[^ ]*\).*/\1/p' | tr ',' '\n' | sed '/^$/d'
}
help_commands() {
  sed -n '/^Subcommands:/,/^$/p' | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p'
}
is_pending() {
  local name
  for name in "${pending[@]}"; do
    [ "$name" = "$1" ] && return 0
  done
  return 1
}

# expect LINE_NUMBER "LINE" WORDS... : the line offered exactly WORDS (in
# any order), each once; names in `pending` may be offered too.
expect() {
  local n=$1 line=$2
  shift 2
  local file=$tmp/offered.$n
  local dupes
  dupes=$(sort "$file" | uniq -d | tr '\n' ' ')
  [ -z "$dupes" ] || fail "'$line<TAB>' offers more than once: $dupes"
  printf '%s\n' "$@" | sed '/^$/d' | sort -u >"$tmp/want"
  sort -u "$file" >"$tmp/got"
  local name
  while read -r name; do
    fail "'$line<TAB>' does not offer $name"
  done < <(comm -23 "$tmp/want" "$tmp/got")
  while read -r name; do
    is_pending "$name" || fail "'$line<TAB>' offers $name, which the binary does not know"
  done < <(comm -13 "$tmp/want" "$tmp/got")
}

top_help=$(smsotp --help)
commands=$(help_commands <<<"$top_help")
top_options=$(help_options <<<"$top_help")
if [ -z "$commands" ] || [ -z "$top_options" ]; then
  fail "no commands or options found in 'smsotp --help'"
  exit 1
fi
# Global options: those of the top level that are not about help or the
# version; they are accepted after the command too.
globals=$(grep -vxE -- '-h|--help|-V|--version' <<<"$top_options")
# Every name the binary knows: commands, subcommands and options.
{
  printf '%s\n' "$top_options" "$commands"
  for command in $commands; do
    smsotp "$command" --help | help_options
    for subcommand in $(smsotp "$command" --help | help_commands); do
      printf '%s\n' "$subcommand"
      smsotp "$command" "$subcommand" --help | help_options
    done
  done
} >"$tmp/known"
for name in "${pending[@]}"; do
  if ! grep -qxF -- "$name" "$tmp/known"; then
    printf 'PENDING: the completions offer %s, which this smsotp does not know yet (tests/completions/run.sh: pending)\n' "$name"
  fi
done

# --- the checks ---------------------------------------------------------------

lines=('smsotp ' 'smsotp -')
wants=("$commands" "$top_options")
for command in $commands; do
  [ "$command" = help ] && continue
  lines+=("smsotp $command -")
  wants+=("$(smsotp "$command" --help | help_options)$(printf '\n%s' "$globals")")
  subcommands=$(smsotp "$command" --help | help_commands)
  if [ -n "$subcommands" ]; then
    lines+=("smsotp $command ")
    wants+=("$subcommands")
    for subcommand in $subcommands; do
      lines+=("smsotp $command $subcommand -")
      wants+=("$(smsotp "$command" "$subcommand" --help | help_options)$(printf '\n%s' "$globals")")
    done
  fi
done
send_options=$(smsotp send --help | help_options)
# An option on the line is not offered again (its other spelling neither);
# -v counts and stays.
lines+=('smsotp -q send -' 'smsotp send --to +12025550123 -' 'smsotp -v send -v -')
wants+=("$(grep -vxE -- '-q|--quiet' <<<"$send_options$(printf '\n%s' "$globals")")"
  "$(grep -vxE -- '--to' <<<"$send_options$(printf '\n%s' "$globals")")"
  "$send_options$(printf '\n%s' "$globals")")
# purge takes one of --to, --prefix and --all.
lines+=('smsotp purge --all -')
wants+=("$(smsotp purge --help | help_options | grep -vxE -- '--to|--prefix|--all')$(printf '\n%s' "$globals")")
# Configured names, from the user's config and from --config.
lines+=('smsotp send --locale ' 'smsotp send --provider ' 'smsotp providers check '
  'smsotp providers check outbox ' 'smsotp providers test '
  'smsotp --config smsotp.toml send --locale ' 'smsotp send --config smsotp.toml --provider '
  'smsotp -c smsotp.toml providers test ' 'smsotp send --ttl ' 'smsotp help ')
wants+=($'de\npt-BR' $'backup\noutbox' $'backup\noutbox' 'backup' $'backup\noutbox'
  'fr' 'primary' 'primary' $'30s\n1m\n2m\n5m\n10m' "$(grep -vx help <<<"$commands" | grep -v '^$')")
# help takes a command, then (for providers) a subcommand.
lines+=('smsotp help providers ')
wants+=("$(smsotp providers --help | help_commands)")
# --locale of a config without [message.templates]: nothing.
printf '[policy]\nallowed_countries = ["US"]\n' >"$tmp/other/bare.toml"
lines+=('smsotp --config bare.toml send --locale ')
wants+=('')

# providers test takes one name: none after it (zsh lists the options
# there, as it does wherever nothing else can follow).
lines+=('smsotp providers test outbox ')
ask "${lines[@]}"
for ((i = 0; i < ${#lines[@]} - 1; i++)); do
  # shellcheck disable=SC2086 # one word per line
  expect $((i + 1)) "${lines[i]}" ${wants[i]}
done
if grep -qxE 'outbox|backup' "$tmp/offered.${#lines[@]}"; then
  fail "'smsotp providers test outbox <TAB>' offers a second provider"
fi

if [ "$failures" -gt 0 ]; then
  printf '%d failure(s)\n' "$failures"
  exit 1
fi
printf 'ok: %d command lines completed by %s\n' "${#lines[@]}" "$shell"
