#!/usr/bin/env bash
# Runs one golden pipeline case and compares its outputs with the expected ones.
#   golden.sh SLUICE_BIN SOURCE_DIR PIPELINE EXPECTED_DIR
# The pipeline runs in a fresh directory that holds a link to the
# repository's pipelines/ folder and a copy of the case's own folder, so
# paths in pipeline files are relative to the repository root (examples) or
# to the case folder (cases under tests/pipelines/). Every file under
# EXPECTED_DIR must have been written with the same lines; lines are compared
# as sorted multisets, so parallel variants compare equal to serial runs.
# A large output is expected as NAME.sha256: the SHA-256 of its sorted lines.
# An SQLite table is expected as DB@TABLE.rows: its rows as `sqlite3` prints
# them (fields separated by '|').
set -euo pipefail
sluice=$1 source_dir=$2 pipeline=$3 expected=$4

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ln -s "$source_dir/pipelines" "$work/pipelines"
case_dir=$(cd "$(dirname "$pipeline")" && pwd)
if [ "$case_dir" != "$(cd "$source_dir/pipelines" && pwd)" ]; then
  cp -r "$case_dir/." "$work/"
fi
cd "$work"
"$sluice" run --quiet "$pipeline"

status=0
while IFS= read -r -d '' want; do
  rel=${want#"$expected"/}
  if [[ $rel == *.sha256 ]]; then
    rel=${rel%.sha256}
    if [ ! -f "$work/$rel" ]; then
      echo "missing output: $rel"
      status=1
    elif [ "$(LC_ALL=C sort "$work/$rel" | sha256sum | cut -d' ' -f1)" != "$(cat "$want")" ]; then
      echo "output differs: $rel (SHA-256 of its sorted lines is not the expected one)"
      status=1
    fi
    continue
  fi
  actual="$work/$rel"
  if [[ $rel == *@*.rows ]]; then
    db=${rel%@*} table=${rel##*@}
    table=${table%.rows}
    if [ ! -f "$work/$db" ]; then
      echo "missing database: $db"
      status=1
      continue
    fi
    actual="$work/table.rows"
    sqlite3 "$work/$db" "SELECT * FROM \"$table\"" > "$actual"
  elif [ ! -f "$actual" ]; then
    echo "missing output: $rel"
    status=1
    continue
  fi
  if ! diff <(LC_ALL=C sort "$want") <(LC_ALL=C sort "$actual") > "$work/diff.txt"; then
    echo "output differs: $rel (< expected, > actual; sorted lines)"
    head -40 "$work/diff.txt"
    status=1
  fi
done < <(find "$expected" -type f -print0)
exit $status
