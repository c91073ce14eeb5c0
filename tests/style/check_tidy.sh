#!/usr/bin/env bash
# clang-tidy over every C++ file of the project that the build compiles
# (src/, tests/, bench/ in BUILD/compile_commands.json; their headers via
# HeaderFilterRegex), with the repo's .clang-tidy files, in parallel.
#   check_tidy.sh ROOT BUILD   prints each finding once (a header's
#                              finding comes from every file including
#                              it) and fails if there is any.
# TIDY_JOBS (default: nproc) sets the parallelism. TIDY_DIRS (default
# "src tests bench") picks the top-level folders whose files are checked.
#
# Cost and cache: clang-tidy 14 runs every check over the whole AST of a
# file, the included library headers (doctest, httplib, CLI11, the
# standard library) too, so a file takes 5-25 s of CPU and a cold run of
# the whole tree many minutes (see .clang-tidy). A file that came out clean is
# therefore remembered in BUILD/tidy-cache under a key made of the
# clang-tidy version, every .clang-tidy, the compile command and the
# content of every file the compiler read for it (ninja's dependency
# list, system headers included); it is checked again only when one of
# these changes. A file without a valid dependency list (not built yet,
# or not a Ninja build) is always checked. TIDY_CACHE=0 checks everything;
# TIDY_CACHE_DIR puts the cache elsewhere (one shared by several build
# directories of the same sources, for instance).
set -euo pipefail
root=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
tidy=$(command -v clang-tidy || command -v clang-tidy-14 || true)
[ -n "$tidy" ] || { echo "tidy: clang-tidy is not installed (scripts/dev deps)"; exit 1; }
[ -f "$build/compile_commands.json" ] \
  || { echo "tidy: no $build/compile_commands.json (configure the build first)"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$SECONDS

# CMake writes each entry as "directory", "command", "file" lines; a file
# built into two targets appears twice (the first entry is used). A test
# executable compiles as a unity build (tests/CMakeLists.txt): its entries
# are BUILD/.../Unity/unity_N_cxx.cxx files that #include the test files,
# and they are checked as such (below); their folder is their first
# member's.
dirs=${TIDY_DIRS:-src tests bench}
dir_pattern="^($(tr -s ' ' '|' <<<"$dirs"))/"
awk -v root="$root/" -v dirs="$dir_pattern" '
  /^[[:space:]]*"command": / { command = $0 }
  /^[[:space:]]*"file": / {
    file = $0
    sub(/^[[:space:]]*"file": "/, "", file); sub(/",?$/, "", file)
    source = file
    if (file ~ /\/Unity\/unity_[0-9]+_cxx[.]cxx$/) {
      source = ""
      while (source == "" && (getline line < file) > 0) {
        if (line ~ /^#include "/) { source = line; sub(/^#include "/, "", source); sub(/"$/, "", source) }
      }
      close(file)
    }
    if (index(source, root) == 1 && substr(source, length(root) + 1) ~ dirs && !seen[file]++) {
      object = command; sub(/.* -o /, "", object); sub(/ .*/, "", object)
      print file "\t" object "\t" command
    }
  }
' "$build/compile_commands.json" | sort >"$work/entries"
[ -s "$work/entries" ] || { echo "tidy: no project files in $build/compile_commands.json"; exit 1; }
total=$(wc -l <"$work/entries")

cache=${TIDY_CACHE_DIR:-$build/tidy-cache}
: >"$work/keys"
if [ "${TIDY_CACHE:-1}" != 0 ] && [ -f "$build/build.ninja" ]; then
  mkdir -p "$cache"
  # Every input file of each object, from ninja's record of the compiler's
  # dependency output (paths relative to BUILD); only valid records.
  (cd "$build" && ninja -t deps 2>/dev/null) | awk '
    /^[^ ].*: #deps / { valid = ($0 ~ /\(VALID\)$/); object = $1; sub(/:$/, "", object); next }
    valid && /^    / { dep = $0; sub(/^    /, "", dep); print object "\t" dep }
  ' >"$work/deps" || true
  cut -f2 "$work/deps" | sort -u >"$work/dep_files"
  (cd "$build" && xargs -d '\n' -r sha256sum <"$work/dep_files" 2>/dev/null) \
    | awk '{ hash = $1; sub(/^[^ ]+  /, ""); print $0 "\t" hash }' >"$work/dep_hashes" || true
  config=$({
    "$tidy" --version
    find "$root/.clang-tidy" "$root/src" "$root/tests" "$root/bench" -name .clang-tidy \
      -not -path '*/node_modules/*' 2>/dev/null | sort \
      | while read -r f; do echo "$f"; cat "$f"; done
  } | sha256sum | cut -c1-64)
  # KEY FILE per entry whose object has a dependency record.
  awk -F'\t' -v config="$config" -v work="$work" '
    FILENAME ~ /dep_hashes$/ { hash[$1] = $2; next }
    FILENAME ~ /deps$/ { deps[$1] = deps[$1] "\n" $2 " " hash[$2]; next }
    ($2 in deps) {
      material = work "/material." FNR
      printf "%s\n%s%s\n", config, $3, deps[$2] >material
      close(material)
      print material "\t" $1
    }
  ' "$work/dep_hashes" "$work/deps" "$work/entries" | while IFS=$'\t' read -r material file; do
    printf '%s\t%s\n' "$(sha256sum <"$material" | cut -c1-64)" "$file"
  done >"$work/keys"
fi

# The files to check now: those without a key, or whose key has no clean
# run recorded. Each line: FILE<TAB>KEY (KEY may be empty).
cut -f1 "$work/entries" | while read -r file; do
  key=$(awk -F'\t' -v f="$file" '$2 == f { print $1; exit }' "$work/keys")
  if [ -z "$key" ] || [ ! -f "$cache/$key" ]; then
    printf '%s\t%s\n' "$file" "$key"
  fi
done >"$work/todo"
checked=$(wc -l <"$work/todo")

# A unity file is checked as a copy named UnifiedSource-*.cxx, with a
# compilation database of its own: clang's static analyzer analyzes the
# functions of a .cpp file included by the main file only when the main
# file's name says it is a unity build ("UnifiedSource", WebKit's
# convention, AnalysisManager::isInCodeFile), and the other checks report
# what they find in the included test files through HeaderFilterRegex. The
# copy lives outside the source tree, so it is given the tests' effective
# configuration (tests/.clang-tidy over .clang-tidy, as --dump-config
# resolves it for a test file), less bugprone-suspicious-include, which
# would report every #include of a .cpp file that a unity file consists of.
mkdir -p "$work/unified"
if grep -q '/Unity/unity_' "$work/todo"; then
  # Less one default that clang-tidy 14 dumps but cannot read back
  # (misc-throw-by-value-catch-by-reference.MaxSize: -1), which would be a
  # warning on every batch.
  "$tidy" --dump-config "$root/tests/unit/main.cpp" -- -std=c++20 | awk '
    /^  - key: +misc-throw-by-value-catch-by-reference[.]MaxSize$/ { skip = 1; next }
    skip { skip = 0; next }
    { print }
  ' >"$work/tests.clang-tidy"
  awk -F'\t' -v unified="$work/unified" '
    BEGIN { print "[" }
    $1 ~ /\/Unity\/unity_/ {
      copy = $1; gsub(/\//, "_", copy); copy = unified "/UnifiedSource" copy
      system("cp \"" $1 "\" \"" copy "\"")
      command = $3; sub(/^[[:space:]]*"command": "/, "", command); sub(/",?$/, "", command)
      sub(/ -o [^ ]+/, " -o " copy ".o", command)
      sub(/ -c [^ ]+/, " -c " copy, command)
      printf "%s{\"directory\": \"%s\", \"command\": \"%s\", \"file\": \"%s\"}\n", sep, unified, command, copy
      sep = ","
    }
    END { print "]" }
  ' "$work/entries" >"$work/unified/compile_commands.json"
fi

# One log per file, so that parallel runs do not interleave; a clean run
# records its key. --extra-arg: the GCC build's GCC-only -W flags are
# unknown to clang.
mkdir -p "$work/logs"
tr '\t' '\n' <"$work/todo" | xargs -d '\n' -r -n 2 -P "${TIDY_JOBS:-$(nproc)}" sh -c '
  tidy=$0 build=$1 cache=$2 work=$3 file=$4 key=${5:-}
  log="$work/logs/$(printf %s "$file" | tr / _).log"
  case $file in
    */Unity/unity_*)
      set -- -p "$work/unified" --config-file="$work/tests.clang-tidy" \
        --checks=-bugprone-suspicious-include \
        "$work/unified/UnifiedSource$(printf %s "$file" | tr / _)" ;;
    *) set -- -p "$build" "$file" ;;
  esac
  if "$tidy" --quiet --extra-arg=-Wno-unknown-warning-option "$@" >"$log" 2>&1; then
    if [ -n "$key" ] && ! grep -qE ":[0-9]+:[0-9]+: (warning|error): " "$log"; then
      : >"$cache/$key"
    fi
  else
    echo "clang-tidy exited $? on $file" >>"$log"
  fi
' "$tidy" "$build" "$cache" "$work"

# A finding is its "FILE:LINE:COL: warning|error: ..." line and the lines
# after it up to the next finding; keep the first copy of each.
findings=$(find "$work/logs" -name '*.log' -exec cat {} + | awk '
  /^[^ ].*:[0-9]+:[0-9]+: (warning|error): / { keep = !seen[$0]++; if (keep) { n++; print }; next }
  /^clang-tidy exited / { print; n++; keep = 0; next }
  /^[0-9]+ (warnings?|errors?)( and [0-9]+ errors?)? generated/ || /^Error while processing/ || /^Suppressed / { keep = 0; next }
  keep { print }
  END { exit n > 0 }
') && status=0 || status=$?
summary="$total files, $checked checked, $((total - checked)) unchanged since a clean run, $((SECONDS - start)) s"
if [ "$status" -ne 0 ]; then
  printf '%s\n' "$findings"
  count=$(grep -cE '^[^ ].*:[0-9]+:[0-9]+: (warning|error): |^clang-tidy exited ' <<<"$findings" || true)
  echo "tidy: $count finding(s) ($summary)"
  exit 1
fi
echo "tidy: ok ($summary)"
