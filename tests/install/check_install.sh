#!/usr/bin/env bash
# An installed tree works where it lands (issue 9 item 1): `cmake --install`
# into a throwaway DESTDIR, then the installed smsotp sends and verifies
# with the file provider, finding its modules relative to itself, and the
# installed executable links none of the libraries the modules load.
#
#   check_install.sh BUILD_DIR
set -euo pipefail

build=$1
work=$(mktemp -d)
# shellcheck source=tests/install/keep_manifests.sh
source "$(dirname "$0")/keep_manifests.sh"
keep_manifests "$build" "$work"

DESTDIR=$work/root cmake --install "$build" >"$work/install.log"
binary=$(find "$work/root" -path '*/bin/smsotp' -type f)
[ -n "$binary" ] || { echo "no bin/smsotp under $work/root" >&2; exit 1; }
modules=$(find "$work/root" -name 'phone.so' -path '*/smsotp/*')
[ -n "$modules" ] || { echo "no module installed" >&2; exit 1; }
echo "installed: $binary, ${modules%/*}/"
schema=${binary%/bin/smsotp}/share/smsotp/schemas/send.schema.json
[ -f "$schema" ] || { echo "no $schema installed" >&2; exit 1; }

if ldd "$binary" | grep -E 'libphonenumber|libicu|libprotobuf|libpq[.]|libcurl|libexpat'; then
  echo "the installed executable links a module's library" >&2
  exit 1
fi

export HOME=$work/home XDG_STATE_HOME=$work/state XDG_CONFIG_HOME=$work/config
mkdir -p "$HOME"
config=$work/config.toml
cat >"$config" <<TOML
[store]
database = "$work/state.db"

[policy]
allowed_countries = ["US"]

[send]
providers = ["outbox"]

[provider.outbox]
kind = "file"
path = "$work/outbox"
TOML
chmod 600 "$config"

# A formatted number makes send (and this verify) load the phone module.
"$binary" -c "$config" send --to "+1 503 323 4567" >"$work/id"
code=$(grep -o 'code is [0-9]*' "$work/outbox" | tail -n 1 | cut -d' ' -f3)
[ -n "$code" ] || { echo "no code in the outbox" >&2; exit 1; }
printf '%s\n' "$code" | "$binary" -c "$config" verify --to "+1 (503) 323-4567" -
echo "send and verify from the installed tree: ok"
