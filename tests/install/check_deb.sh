#!/usr/bin/env bash
# The Debian package works (issue 10 item 1): `cpack -G DEB` from the
# already-built BUILD_DIR (nothing is rebuilt), lintian reports no error, the
# dependencies split as packaging/deb_prebuild.cmake says, every file lands
# where Debian looks for it, and the tree unpacked with `dpkg-deb -x` runs:
# --version, `man -l` on the compressed page, the installed JSON Schemas, send and verify with the file
# provider (the binary finding its modules relative to itself), and the
# purge command of the packaged systemd units against that user's state.
#
#   check_deb.sh BUILD_DIR VERSION
set -euo pipefail

build=$(cd "$1" && pwd)
version=$2
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
# shellcheck source=tests/install/keep_manifests.sh
source "$(dirname "$0")/keep_manifests.sh"
keep_manifests "$build" "$work"
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# 1. Build. -B keeps the package and CPack's staging tree out of BUILD_DIR.
(cd "$build" && cpack -G DEB -B "$work/pkg") >"$work/cpack.log" 2>&1 \
  || { cat "$work/cpack.log" >&2; fail "cpack -G DEB failed"; }
arch=$(dpkg --print-architecture)
deb=$work/pkg/smsotp_${version}_${arch}.deb
[ -f "$deb" ] || fail "no smsotp_${version}_${arch}.deb; cpack made: $(ls "$work/pkg")"
echo "built ${deb##*/}"

# 2. lintian: every tag is shown, an error fails.
status=0
lintian --fail-on error --display-info "$deb" >"$work/lintian.log" 2>&1 || status=$?
grep -v 'root privileges' "$work/lintian.log" || true
[ "$status" -eq 0 ] || fail "lintian reports errors (E: above) or failed ($status)"
echo "lintian: no errors"

# 3. Dependencies: the libraries of the executable, phone.so and http.so are
# required; libpq (postgresql.so, the shared store only) is recommended.
depends=$(dpkg-deb -f "$deb" Depends)
recommends=$(dpkg-deb -f "$deb" Recommends)
echo "Depends: $depends"
echo "Recommends: $recommends"
for library in libc6 libsqlite3-0 libssl3 libphonenumber8 libcurl4 libexpat1; do
  grep -q "\b$library" <<<"$depends" || fail "Depends lacks $library"
done
grep -q '\blibpq5\b' <<<"$recommends" || fail "Recommends lacks libpq5"
! grep -q '\blibpq5\b' <<<"$depends" || fail "libpq5 is in Depends"

# Nothing runs on install: no maintainer script enables the purge timers.
scripts=$(dpkg-deb --ctrl-tarfile "$deb" | tar -t | grep -E 'inst$|rm$' || true)
[ -z "$scripts" ] || fail "the package has maintainer scripts: $scripts"

# 4. The files, where Debian looks for them.
root=$work/root
dpkg-deb -x "$deb" "$root"
modules=$(find "$root/usr/lib" -path '*/smsotp/*.so' -printf '%P\n' | sort | tr '\n' ' ')
[ "$(wc -w <<<"$modules")" -eq 3 ] || fail "expected 3 modules, found: $modules"
for path in usr/bin/smsotp \
  usr/share/man/man1/smsotp.1.gz \
  usr/share/bash-completion/completions/smsotp \
  usr/share/zsh/vendor-completions/_smsotp \
  usr/share/fish/vendor_completions.d/smsotp.fish \
  usr/share/doc/smsotp/copyright \
  usr/share/doc/smsotp/changelog.gz \
  usr/share/doc/smsotp/examples/sample.toml \
  usr/share/smsotp/schemas/send.schema.json \
  usr/share/smsotp/schemas/error.schema.json \
  usr/lib/systemd/user/smsotp-purge.service \
  usr/lib/systemd/user/smsotp-purge.timer \
  usr/lib/systemd/system/smsotp-purge@.service \
  usr/lib/systemd/system/smsotp-purge@.timer; do
  [ -f "$root/$path" ] || fail "the package lacks /$path"
done
for path in usr/share/man/man1/smsotp.1 usr/share/zsh/site-functions; do
  [ ! -e "$root/$path" ] || fail "the package has /$path (the local-install layout)"
done
echo "files: ok (modules: $modules)"

# 5. The unpacked tree runs.
binary=$root/usr/bin/smsotp
version_text=$("$binary" --version)
grep -q "$version" <<<"$version_text" || fail "--version does not say $version: $version_text"
LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$root/usr/share/man/man1/smsotp.1.gz" 2>"$work/man.err" >"$work/man.txt"
[ ! -s "$work/man.err" ] || { cat "$work/man.err" >&2; fail "man -l reports problems"; }
grep -q 'smsotp send' "$work/man.txt" || fail "man -l renders no 'smsotp send'"
echo "--version and man -l: ok"

# The installed schemas describe what the installed binary prints.
schemas=$root/usr/share/smsotp/schemas
[ "$(find "$schemas" -name '*.schema.json' | wc -l)" -eq "$(find "$source_dir/schemas" -name '*.schema.json' | wc -l)" ] \
  || fail "the package does not install every schemas/*.schema.json"
"$binary" --json --version >"$work/version.json"
python3 - "$schemas" "$work/version.json" <<'PY' || fail "--json --version does not match the installed version.schema.json"
import json, pathlib, sys
import jsonschema
d = pathlib.Path(sys.argv[1])
store = {p.as_uri(): json.loads(p.read_text()) for p in d.glob("*.schema.json")}
schema = store[(d / "version.schema.json").as_uri()]
resolver = jsonschema.RefResolver((d / "version.schema.json").as_uri(), schema, store=store)
jsonschema.Draft202012Validator(schema, resolver=resolver).validate(json.load(open(sys.argv[2])))
PY
echo "installed schemas: ok"

# The configuration and state where a user's own ones are (no --config, no
# --db), so that the purge units, which pass neither, must find them too.
# Every sending limit is off, so a used challenge is at once purgeable.
export HOME=$work/home
unset XDG_STATE_HOME XDG_CONFIG_HOME SMSOTP_CONFIG
mkdir -p -m 700 "$HOME" "$HOME/.config" "$HOME/.config/smsotp"
cat >"$HOME/.config/smsotp/config.toml" <<TOML
[policy]
allowed_countries = ["US"]

[send]
providers = ["outbox"]

[limits]
per_recipient = 0
min_interval = "0s"
per_recipient_daily = 0
per_prefix_hourly = 0
global_hourly = 0
global_daily = 0

[provider.outbox]
kind = "file"
path = "$work/outbox"
TOML
chmod 600 "$HOME/.config/smsotp/config.toml"

# A formatted number makes send (and this verify) load phone.so.
"$binary" send --to "+1 503 323 4567" >/dev/null 2>"$work/send.err" \
  || { cat "$work/send.err" >&2; fail "send failed"; }
code=$(grep -o 'code is [0-9]*' "$work/outbox" | tail -n 1 | cut -d' ' -f3)
[ -n "$code" ] || fail "no code in the outbox"
printf '%s\n' "$code" | "$binary" verify --to "+1 (503) 323-4567" - >/dev/null \
  || fail "verify of the code just sent failed"
[ -f "$HOME/.local/state/smsotp/state.db" ] || fail "no state in ~/.local/state/smsotp"
echo "send and verify from the unpacked package: ok"

# 6. The systemd units: valid for systemd (checked on copies naming the
# unpacked binary, as systemd-analyze wants the executable to exist), and
# their purge command, run as this user, deletes the challenge just used.
units=$work/units
mkdir "$units"
account=$(id -un) # an instance of the template units; "nobody" draws a warning
for unit in "$root"/usr/lib/systemd/user/* "$root"/usr/lib/systemd/system/*; do
  name=${unit##*/}
  sed -e "s|/usr/bin/smsotp|$binary|" -e "s/%i/$account/g" "$unit" >"$units/${name/@./@$account.}"
done
analysis=$(cd "$units" && systemd-analyze verify --man=no ./* 2>&1) \
  || fail "systemd-analyze verify failed: $analysis"
[ -z "$analysis" ] || fail "systemd-analyze verify reports: $analysis"
grep -q '^ExecStart=/usr/bin/smsotp purge$' "$root/usr/lib/systemd/user/smsotp-purge.service" \
  || fail "the user unit does not run /usr/bin/smsotp purge"
for unit in "$root"/usr/lib/systemd/user/*.service "$root"/usr/lib/systemd/system/*.service; do
  grep -q '^Type=oneshot$' "$unit" || fail "${unit##*/} is not Type=oneshot"
done
for unit in "$root"/usr/lib/systemd/*/*.timer; do
  grep -q '^OnCalendar=daily$' "$unit" && grep -q '^Persistent=true$' "$unit" \
    || fail "${unit##*/} is not daily and persistent"
done
exec_start=$(sed -n 's/^ExecStart=//p' "$units/smsotp-purge.service")
read -r -a command <<<"$exec_start"
purged=$("${command[@]}" 2>&1)
echo "the units' purge: $purged"
grep -qE "(^|[^0-9])1 challenge" <<<"$purged" || fail "the units' purge did not delete the used challenge"
echo "package: ok"
