#!/usr/bin/env bash
# Runs one NEXMark query on Sluice (bench/nexmark/QUERY.json, its sink
# replaced by a sink.file) and on the hand-written baseline over the same
# events, and compares the two outputs as sorted lines.
#   nexmark_compare.sh BIN_DIR SOURCE_DIR QUERY [EVENTS]
# BIN_DIR holds sluice_bench, nexmark_baseline and nexmark_variant.
# q12 counts bids in windows of processing time, so which window a bid
# lands in depends on timing: for it the total of bid_count over every
# window (= the number of bids) is compared instead.
set -euo pipefail
bin=$1 source_dir=$2 query=$3 events=${4:-100000}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin/nexmark_variant" "$source_dir/bench/nexmark/$query.json" --events "$events" \
  --sink-file "$work/sluice.jsonl" > "$work/pipeline.json"
"$bin/sluice_bench" "$work/pipeline.json" --label "$query on sluice" > /dev/null
"$bin/nexmark_baseline" --query "$query" --events "$events" --out "$work/baseline.jsonl" > /dev/null

if [ "$query" = q12 ]; then
  total() { grep -o '"bid_count":[0-9]*' "$1" | cut -d: -f2 | awk '{s += $1} END {print s + 0}'; }
  sluice_total=$(total "$work/sluice.jsonl") baseline_total=$(total "$work/baseline.jsonl")
  echo "$query: bids counted: sluice $sluice_total, baseline $baseline_total"
  [ "$sluice_total" = "$baseline_total" ] && [ "$sluice_total" -gt 0 ]
  exit
fi
LC_ALL=C sort "$work/sluice.jsonl" > "$work/sluice.sorted"
LC_ALL=C sort "$work/baseline.jsonl" > "$work/baseline.sorted"
lines=$(wc -l < "$work/baseline.sorted")
if ! diff "$work/baseline.sorted" "$work/sluice.sorted" > "$work/diff.txt"; then
  echo "$query: outputs differ (< baseline, > sluice; sorted lines; baseline has $lines)"
  head -20 "$work/diff.txt"
  exit 1
fi
if [ "$lines" -eq 0 ]; then
  echo "$query: no output on either side"
  exit 1
fi
echo "$query: $lines identical lines"
