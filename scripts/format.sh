#!/usr/bin/env bash
# Formats every C++ file of the repository with the root's .clang-format.
# With --check it changes nothing and fails, listing the files (and the first
# lines) that differ; CI runs that.
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
case "${1:-}" in
  --check) check=1 ;;
  "") ;;
  *) echo "format: unknown argument '$1' (use --check or nothing)" >&2; exit 2 ;;
esac

if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h')
else
  mapfile -t files < <(find runtime operators editor tests bench -name '*.cpp' -o -name '*.hpp' \
    -o -name '*.h' | sort)
fi

if [ "$check" -eq 0 ]; then
  clang-format -i "${files[@]}"
  exit 0
fi

bad=()
for f in "${files[@]}"; do
  if ! clang-format --dry-run --Werror "$f" > /dev/null 2>&1; then
    bad+=("$f")
  fi
done
if [ ${#bad[@]} -eq 0 ]; then
  echo "format: ${#files[@]} files formatted as .clang-format says"
  exit 0
fi
for f in "${bad[@]}"; do
  echo "format: $f is not formatted:"
  clang-format "$f" | diff -u "$f" - | sed -n '3,12p'
done
echo "format: ${#bad[@]} of ${#files[@]} files differ from .clang-format; run 'make format'" >&2
exit 1
