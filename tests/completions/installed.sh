#!/usr/bin/env bash
# The installed completions are where each shell looks for them: the tree is
# installed with `cmake --install BUILD --prefix DIR` (a throwaway DIR), and
# each shell is pointed at DIR the way a system points it at its prefix:
#   bash  bash-completion's loader, XDG_DATA_DIRS=DIR/share
#   zsh   fpath=(DIR/share/zsh/site-functions), compinit
#   fish  XDG_DATA_DIRS=DIR/share (vendor_completions.d), no sourcing
# Each must then complete `smsotp ` with its commands, without being told
# where the file is. And since fish without XDG_DATA_DIRS searches only its
# own vendor directory (pkg-config fish: completionsdir), an install
# elsewhere must say so.
#
#   installed.sh BUILD_DIR
#
# Exit status: 0 pass, 1 fail, 77 skipped (a shell or bash-completion is
# missing), 64 usage.
set -euo pipefail
if [ $# -ne 1 ]; then
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 64
fi
build=$(realpath "$1")
loader=/usr/share/bash-completion/bash_completion
for tool in bash zsh fish; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
[ -f "$loader" ] || { echo "SKIP: bash-completion is not installed"; exit 77; }

tmp=$(mktemp -d)
# shellcheck source=tests/install/keep_manifests.sh
source "$(dirname "$0")/../install/keep_manifests.sh"
keep_manifests "$build" "$tmp"
failures=0
fail() {
  printf 'FAIL: %s\n' "$*"
  failures=$((failures + 1))
}
prefix=$tmp/prefix
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log"; exit 1; }
export HOME=$tmp/home PATH=$prefix/bin:$PATH
export XDG_CONFIG_HOME=$HOME/.config XDG_DATA_HOME=$HOME/.local/share
mkdir -p "$HOME"
unset SMSOTP_CONFIG

# bash: the loader finds completions/smsotp under XDG_DATA_DIRS on first use.
# shellcheck disable=SC2016 # expanded by the inner bash
XDG_DATA_DIRS=$prefix/share bash --norc --noprofile -c '
  source "$1"
  _completion_loader smsotp
  COMP_WORDS=(smsotp ""); COMP_CWORD=1; COMPREPLY=()
  $(complete -p smsotp | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
  printf "%s\n" "${COMPREPLY[@]}"' _ "$loader" >"$tmp/bash" 2>&1 || true
grep -qx send "$tmp/bash" || fail "bash-completion does not find the installed completion: $(head -c 500 "$tmp/bash")"

# zsh: compinit registers _smsotp from the installed site-functions.
# shellcheck disable=SC2016 # expanded by zsh
zsh -f -c 'fpath=($1 $fpath); autoload -Uz compinit; compinit -u -D; print -r -- ${_comps[smsotp]-none}' \
  _ "$prefix/share/zsh/site-functions" >"$tmp/zsh" 2>&1 || true
grep -qx _smsotp "$tmp/zsh" || fail "zsh compinit does not register the installed _smsotp: $(head -c 500 "$tmp/zsh")"

# fish: autoloads it from DIR/share/fish/vendor_completions.d (its own
# share/fish/config.fish sets that search path, so not --no-config; HOME
# is empty).
XDG_DATA_DIRS=$prefix/share fish -c 'complete -C"smsotp "' >"$tmp/fish" 2>&1 || true
cut -f1 "$tmp/fish" | grep -qx send || fail "fish does not find the installed completion: $(head -c 500 "$tmp/fish")"

# Installed outside fish's own directory: the install says so.
fish_dir=$(pkg-config --variable=completionsdir fish 2>/dev/null || true)
if [ -n "$fish_dir" ] && [ "$fish_dir" != "$prefix/share/fish/vendor_completions.d" ]; then
  grep -q "fish finds the completion in $prefix/share/fish/vendor_completions.d only when XDG_DATA_DIRS" "$tmp/install.log" ||
    fail "the install into $prefix does not say that fish will not look there"
fi

if [ "$failures" -gt 0 ]; then
  exit 1
fi
echo "ok: bash, zsh and fish find the installed completions"
