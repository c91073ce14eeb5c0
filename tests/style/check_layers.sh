#!/usr/bin/env bash
# The architecture of DESIGN §3, checked rather than remembered:
#
#   main -> cli -> {store, provider, message, phone} -> core -> util
#
# A file under src/MODULE/ may include headers of its own module and of the
# modules below it, never of a sibling or of a module above. Libraries stay
# where they belong: only store/ includes SQLite and libpq, only
# provider/http/ (the transport, loaded apart from the executable) curl,
# only provider/http/xml.cpp expat, only phone/ libphonenumber, only
# cli/ CLI11, only core/ toml++.
#
#   check_layers.sh check ROOT   checks ROOT/src; names every violation
#   check_layers.sh self-test    shows that a violation is caught
set -euo pipefail

# The modules each module may include (its own is always allowed).
declare -A allowed=(
  [main]="cli core util"
  [cli]="store provider message phone core util"
  [store]="core util"
  [provider]="core util"
  [message]="core util"
  [phone]="core util"
  [core]="util"
  [util]=""
)

# Include prefixes (angle brackets) that only one place may use: a module,
# a folder inside one, or a single file (paths relative to src/).
declare -A owner=(
  ["SQLiteCpp/"]=store ["sqlite3.h"]=store ["libpq-fe.h"]=store
  ["curl/"]=provider/http ["expat"]=provider/http/xml.cpp
  ["phonenumbers/"]=phone ["CLI/"]=cli ["toml++/"]=core
)

check() {
  local root=$1 problems=0 file module target line place
  while IFS= read -r file; do
    place=${file#"$root"/src/}
    module=$place
    if [[ $module == */* ]]; then
      module=${module%%/*}
    else
      module=main
    fi
    if [[ -z ${allowed[$module]+set} ]]; then
      echo "layers: $file: module '$module' is not in the layer table"
      problems=$((problems + 1))
      continue
    fi
    while IFS= read -r line; do
      if [[ $line =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\"([a-z_]+)/ ]]; then
        target=${BASH_REMATCH[1]}
        if [[ $target != "$module" && " ${allowed[$module]} " != *" $target "* ]]; then
          echo "layers: $file: $module/ may not include $target/ ($line)"
          problems=$((problems + 1))
        fi
      elif [[ $line =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\<([^\>]+)\> ]]; then
        target=${BASH_REMATCH[1]}
        local prefix
        for prefix in "${!owner[@]}"; do
          local own=${owner[$prefix]}
          if [[ $target == "$prefix"* && $place != "$own" && $place != "$own"/* ]]; then
            [[ $own == *.cpp ]] || own+=/
            echo "layers: $file: only $own may include <$target>"
            problems=$((problems + 1))
          fi
        done
      fi
    done <"$file"
  done < <(find "$root/src" -name '*.cpp' -o -name '*.hpp' | sort)
  if [ "$problems" -gt 0 ]; then
    echo "layers: $problems problem(s); see DESIGN.md §3"
    return 1
  fi
  echo "layers: ok"
}

self_test() {
  local dir
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' RETURN
  mkdir -p "$dir/src/core" "$dir/src/store" "$dir/src/cli" \
    "$dir/src/provider/http" "$dir/src/provider/kinds"
  printf '#include "cli/app.hpp"\n' >"$dir/src/core/upward.cpp"
  printf '#include "provider/base/provider.hpp"\n' >"$dir/src/store/sibling.cpp"
  printf '#include <curl/curl.h>\n' >"$dir/src/cli/library.cpp"
  printf '#include <curl/curl.h>\n' >"$dir/src/provider/kinds/outside.cpp"
  printf '#include "store/store.hpp"\n#include <CLI/CLI.hpp>\n' >"$dir/src/cli/fine.cpp"
  printf '#include <curl/curl.h>\n' >"$dir/src/provider/http/fine.cpp"
  local out
  if out=$(check "$dir"); then
    echo "self-test: violations were not caught"
    return 1
  fi
  echo "$out"
  for expected in "core/ may not include cli/" "store/ may not include provider/" \
    "cli/library.cpp: only provider/http/ may include <curl/curl.h>" \
    "kinds/outside.cpp: only provider/http/ may include <curl/curl.h>" \
    "4 problem(s)"; do
    [[ $out == *"$expected"* ]] || {
      echo "self-test: missing: $expected"
      return 1
    }
  done
  [[ $out != *fine.cpp* ]] || {
    echo "self-test: an allowed include was reported"
    return 1
  }
  echo "self-test: ok"
}

case "${1:-}" in
  check) check "$2" ;;
  self-test) self_test ;;
  *)
    sed -n '2,13p' "$0" >&2
    exit 64
    ;;
esac
