#!/usr/bin/env bash
# Docs that run, as root: the README's blocks that change the system (the
# shared PostgreSQL store's set-up; installing smsotp and removing it again,
# the Debian package with apt and `cmake --install` under /usr/local) run
# exactly as written, each line's exit status checked, in a system that is
# thrown away afterwards.
#
#   run_root_docs.sh SOURCE_DIR BUILD_DIR
#
# Which blocks: each ```sh block of README.md right after the line
# "<!-- docs: as root -->" (run_docs.sh leaves those out and names this
# test). How: in a private mount namespace (unshare -m), /usr, /etc, /var,
# /run and BUILD_DIR are overlays whose writes land in a temporary directory, so
# apt, dpkg and `cmake --install` change nothing outside this test and
# nothing of it is left when it ends. The working directory has `build`
# pointing at BUILD_DIR; `sudo` runs its command as is (this runs as root);
# a prompt (apt's "Do you want to continue?", createuser's new password
# and its confirmation) is answered "y".
# Besides the exit statuses, what the blocks promise is checked: after an
# `apt install` or `cmake --install` line the installed smsotp runs, and
# at the end dpkg's log shows smsotp installed and removed, no file of the
# `cmake --install` is left, and the PostgreSQL recipe left a database
# smsotp owned by role smsotp, a private ~/.pgpass and the first host's key.
#
# Exit status: 0 pass, 1 fail, 77 skipped (not root, or no unshare or
# overlayfs here: said loudly).
set -euo pipefail

source_dir=$(cd "$1" && pwd)
build_dir=$(cd "$2" && pwd)
skip() {
  printf 'SKIP: %s\n' "$*"
  exit 77
}

if [ -z "${SMSOTP_ROOT_DOCS_TMP:-}" ]; then
  [ "$(id -u)" -eq 0 ] || skip "installing into the system needs root"
  command -v unshare >/dev/null || skip "unshare (util-linux) is not installed"
  command -v apt >/dev/null || skip "apt is not installed"
  tmp=$(mktemp -d)
  status=0
  SMSOTP_ROOT_DOCS_TMP=$tmp unshare -m --propagation private bash "$0" "$@" || status=$?
  rmdir "$tmp"
  exit "$status"
fi

# --- the throwaway system -----------------------------------------------------

tmp=$SMSOTP_ROOT_DOCS_TMP
mount -t tmpfs tmpfs "$tmp"
for dir in /usr /etc /var /run "$build_dir"; do
  layer=$tmp/layers/$(tr / _ <<<"$dir")
  mkdir -p "$layer/upper" "$layer/work"
  mount -t overlay overlay \
    -o "lowerdir=$dir,upperdir=$layer/upper,workdir=$layer/work" "$dir" 2>"$tmp/mount.err" \
    || skip "cannot lay an overlay over $dir here ($(cat "$tmp/mount.err"))"
done
# Nothing to undo: the mounts end with this namespace.

work=$tmp/work bin=$tmp/bin
mkdir -p "$work" "$bin" "$tmp/home"
ln -s "$build_dir" "$work/build"
cat >"$bin/sudo" <<'EOF'
#!/bin/sh
if [ "${1:-}" = -u ]; then
  user=$2
  shift 2
  exec runuser -u "$user" -- "$@"
fi
exec "$@"
EOF
# The PostgreSQL recipe's other machines: db1-ca.crt is the database
# server's CA certificate the reader has at hand, and first-host is the
# host whose key file the others copy (scp HOST:PATH DEST copies PATH from
# its stand-in home directory).
first_host=$tmp/first-host
mkdir -p -m 700 "$first_host/.local/state/smsotp"
head -c 32 /dev/urandom >"$first_host/.local/state/smsotp/smsotp.key"
chmod 600 "$first_host/.local/state/smsotp/smsotp.key"
printf '# stand-in for the database server CA certificate\n' >"$work/db1-ca.crt"
cat >"$bin/scp" <<EOF
#!/bin/sh
[ \$# -eq 2 ] && [ "\${1%%:*}" = first-host ] || { echo "scp stand-in: \$*" >&2; exit 1; }
exec cp -p "$first_host/\${1#*:}" "\$2"
EOF
chmod 755 "$bin/sudo" "$bin/scp"

# The database server of the PostgreSQL recipe: the cluster its commands
# reach through /run/postgresql as the `postgres` user, started on the
# first line that needs it, stopped when this test ends.
pg_bin=${SMSOTP_PG_BIN:-/usr/lib/postgresql/15/bin} # as tests/support/pg_server.sh
pg_data=$tmp/pg-data
pg_started=""
start_postgres() {
  [ -z "$pg_started" ] || return 0
  if [ ! -x "$pg_bin/initdb" ]; then
    fail "no $pg_bin/initdb (scripts/dev deps installs postgresql)"
    return 1
  fi
  mkdir -p /run/postgresql "$pg_data"
  chown postgres:postgres /run/postgresql "$pg_data"
  if ! runuser -u postgres -- "$pg_bin/initdb" -D "$pg_data" -A trust >"$tmp/initdb.log" 2>&1; then
    fail "initdb failed: $(tail -n 5 "$tmp/initdb.log")"
    return 1
  fi
  if ! runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_data" -l "$tmp/pg.log" -w -t 30 \
    -o "-k /run/postgresql -c listen_addresses=''" start >/dev/null; then
    fail "the PostgreSQL server did not start: $(tail -n 5 "$tmp/pg.log")"
    return 1
  fi
  pg_started=1
}
stop_postgres() {
  if [ -n "$pg_started" ]; then
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
}
trap stop_postgres EXIT
export PATH=$bin:$PATH HOME=$tmp/home DEBIAN_FRONTEND=noninteractive
cd "$work"

failures=0
fail() {
  printf 'FAIL: %s\n' "$*"
  failures=$((failures + 1))
}

# After a line that installs, the installed smsotp must run.
check_installed() {
  local line=$1 binary=
  case $line in
    *"apt install "*) binary=/usr/bin/smsotp ;;
    *"cmake --install build"*) binary=/usr/local/bin/smsotp ;;
    *) return 0 ;;
  esac
  if "$binary" --version >"$tmp/version" 2>&1; then
    printf '    (%s --version: %s)\n' "$binary" "$(head -n 1 "$tmp/version")"
  else
    fail "after '$line': $binary --version failed: $(cat "$tmp/version")"
  fi
}

# --- the blocks ---------------------------------------------------------------

blocks=0 commands=0 marked="" fence="" number=0 block_line=0
while IFS= read -r line; do
  number=$((number + 1))
  if [ -z "$fence" ] && [[ $line == '```sh' ]]; then
    fence=1 block_line=$number
    if [ -n "$marked" ]; then
      blocks=$((blocks + 1))
      printf '\n--- README.md:%d\n' "$block_line"
    fi
    continue
  fi
  if [ -n "$fence" ] && [ "$line" = '```' ]; then
    fence="" marked=""
    continue
  fi
  if [ -z "$fence" ]; then
    # The marker holds for the fence right after it only.
    if [ "$line" = '<!-- docs: as root -->' ]; then
      marked=1
    else
      marked=""
    fi
    continue
  fi
  [ -n "$marked" ] || continue
  [[ $line =~ ^[[:space:]]*(#.*)?$ ]] && continue
  expected=0
  if [[ $line =~ \#\ exits\ ([0-9]+)$ ]]; then
    expected=${BASH_REMATCH[1]}
  fi
  commands=$((commands + 1))
  if [[ $line == *"-u postgres "* ]]; then
    start_postgres || continue
  fi
  printf '$ %s\n' "$line"
  status=0
  bash -c "$line" >"$tmp/out" 2>&1 <<<$'y\ny' || status=$?
  sed 's/^/    /' "$tmp/out" | tail -n 15
  if [ "$status" -ne "$expected" ]; then
    fail "README.md:$block_line: '$line' exited with $status, not $expected"
  else
    check_installed "$line"
  fi
done <"$source_dir/README.md"

# --- what the blocks promise --------------------------------------------------

grep -q ' install smsotp:' /var/log/dpkg.log 2>/dev/null || fail "dpkg's log shows no install of smsotp"
grep -q ' remove smsotp:' /var/log/dpkg.log 2>/dev/null || fail "dpkg's log shows no removal of smsotp"
[ ! -e /usr/bin/smsotp ] || fail "/usr/bin/smsotp is still there after apt remove"
manifest=$build_dir/install_manifest.txt
if [ -s "$manifest" ]; then
  while IFS= read -r file; do
    [ ! -e "$file" ] || fail "$file is still there after the README's removal"
  done <"$manifest"
else
  fail "no $manifest: the README's cmake --install did not run"
fi
[ ! -e /usr/local/lib/smsotp ] || fail "/usr/local/lib/smsotp is still there"
# The PostgreSQL recipe made the database, owned by its role, and left the
# password file and the shared key where libpq and smsotp look, private.
if [ -n "$pg_started" ]; then
  owner=$(runuser -u postgres -- psql -h /run/postgresql -tAc \
    "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'smsotp'" 2>&1) || true
  [ "$owner" = smsotp ] || fail "no database smsotp owned by role smsotp after the recipe: $owner"
else
  fail "the PostgreSQL recipe did not run (no line used sudo -u postgres)"
fi
for file in "$HOME/.pgpass" "$HOME/.local/state/smsotp/smsotp.key"; do
  [ "$(stat -c %a "$file" 2>/dev/null)" = 600 ] || fail "$file is missing or not mode 600"
done
cmp -s "$first_host/.local/state/smsotp/smsotp.key" "$HOME/.local/state/smsotp/smsotp.key" \
  || fail "the key file is not the first host's"

printf '\n%d block(s), %d command(s) run as root in a throwaway system\n' "$blocks" "$commands"
[ "$blocks" -gt 0 ] || fail "no README block marked '<!-- docs: as root -->'"
if [ "$failures" -gt 0 ]; then
  printf '%d failure(s)\n' "$failures"
  exit 1
fi
