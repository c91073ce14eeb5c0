#!/usr/bin/env bash
# Every C++ file of the project is formatted as .clang-format says.
#   check_format.sh ROOT   lists each file clang-format would change;
#                          fix them with: clang-format -i FILE...
set -euo pipefail
root=$1
command -v clang-format >/dev/null \
  || { echo "format: clang-format is not installed (scripts/dev deps)"; exit 1; }
mapfile -t files < <(cd "$root" && find src tests bench \
  \( -name '*.cpp' -o -name '*.hpp' \) -not -path '*/corpus/*' | sort)
bad=()
for file in "${files[@]}"; do
  if ! (cd "$root" && clang-format --dry-run -Werror "$file") >/dev/null 2>&1; then
    bad+=("$file")
  fi
done
if [ ${#bad[@]} -gt 0 ]; then
  printf 'format: not formatted: %s\n' "${bad[@]}"
  echo "format: ${#bad[@]} file(s); run: clang-format -i ${bad[*]}"
  exit 1
fi
echo "format: ${#files[@]} files ok"
