#!/usr/bin/env bash
# What checkpoints cost (docs/ARCHITECTURE.md §10). Prints figures, asserts nothing.
#   bench/checkpoints.sh [BUILD_DIR] [EVENTS] [RUNS]
# 1. NEXMark q5 and q7 (EVENTS events, default 50M, so a run spans several checkpoints) with a checkpoint every
#    second against none, RUNS (default 3) interleaved pairs: the median throughput of each and the
#    loss between the medians (goal: under 10 %); checkpoint figures are the last run's.
# 2. A checkpoint of 1 M keys of window state: a keyed tumbling window of a
#    day holding a count for each of 1 000 000 keys, checkpointed every
#    second for 8 s: the longest checkpoint (goal: under 1 s) and its size.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
events=${2:-50000000}
runs=${3:-3}
bin="$build/bin"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
field() { sed -E "s/.*\"$1\":([0-9.eE+-]+).*/\1/" <<< "$2"; }

echo "checkpoints on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %-22s %8s %12s %7s %6s %9s %9s %9s\n' query run wall_s events/s loss chk mean_ms max_ms max_MB
median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
for q in q5 q7; do
  "$bin/nexmark_variant" "$here/nexmark/$q.json" --events "$events" > "$work/$q.json"
  offs=() ons=()
  for ((i = 0; i < runs; i++)); do
    off=$("$bin/sluice_bench" "$work/$q.json" --format json)
    rm -rf "$work/chk-$q"
    on=$("$bin/sluice_bench" "$work/$q.json" --format json --checkpoint-dir "$work/chk-$q" \
      --checkpoint-interval 1000)
    offs+=("$(field wall_s "$off")") ons+=("$(field wall_s "$on")")
  done
  w_off=$(printf '%s\n' "${offs[@]}" | median) w_on=$(printf '%s\n' "${ons[@]}" | median)
  printf '%-6s %-22s %8.3f %12d %7s %6s %9s %9s %9s\n' "$q" "no checkpoints" "$w_off" \
    "$(awk -v e="$events" -v w="$w_off" 'BEGIN {printf "%d", e / w}')" "" "" "" "" ""
  printf '%-6s %-22s %8.3f %12d %6.1f%% %6d %9.1f %9d %9.2f\n' "$q" "checkpoint every 1 s" \
    "$w_on" "$(awk -v e="$events" -v w="$w_on" 'BEGIN {printf "%d", e / w}')" \
    "$(awk -v a="$w_off" -v b="$w_on" 'BEGIN {printf "%.1f", (b - a) / b * 100}')" \
    "$(field checkpoints "$on")" "$(field checkpoint_mean_ms "$on")" \
    "$(field checkpoint_max_ms "$on")" "$(field checkpoint_max_mb "$on")"
  echo "       walls without: ${offs[*]}  with: ${ons[*]}"
done

cat > "$work/keys.json" <<'JSON'
{"schemaVersion": 1, "nodes": [
  {"id": "gen", "kind": "source.generator", "params": {"count": 0, "keys": 1000000, "interval": "1us"}},
  {"id": "per_key", "kind": "window.tumbling", "params": {"size": "1d", "timestamp": "ts",
    "key": ["key"], "aggregates": [{"fn": "count", "as": "n"}]}},
  {"id": "out", "kind": "sink.null"}],
 "edges": [{"from": "gen", "to": "per_key"}, {"from": "per_key", "to": "out"}]}
JSON
"$bin/sluice_bench" "$work/keys.json" --seconds 8 --checkpoint-dir "$work/chk-keys" \
  --checkpoint-interval 1000 --label "1M keys of window state, checkpoint every 1 s"
