#!/usr/bin/env bash
# Writes the input of bench/pipelines/file_jsonl_parse.json: 2 M JSON lines
# like the generator's records (seq, ts, key over 10 000 keys, value), about
# 75 bytes each.   usage: bench/make_jsonl.sh [FILE] [LINES]
set -euo pipefail
out=${1:-/tmp/sluice-bench.jsonl}
lines=${2:-2000000}
awk -v n="$lines" 'BEGIN {
  for (i = 0; i < n; i++) {
    s = int(i / 1000)
    printf "{\"seq\":%d,\"ts\":\"2026-01-01T%02d:%02d:%02d.%03dZ\",\"key\":\"k%d\",\"value\":%.1f}\n",
      i, int(s / 3600) % 24, int(s / 60) % 60, s % 60, i % 1000, i % 10000, (i % 1000) / 10
  }
}' > "$out"
echo "wrote $lines lines to $out"
