#!/usr/bin/env bash
# NEXMark on Sluice against the hand-written baseline.
#   bench/nexmark/run.sh [BUILD_DIR] [--events N] [--queries q0,q5,...] [--repeat R]
# Runs each query's pipeline (bench/nexmark/qN.json, events set to N) with
# sluice_bench and the same query with nexmark_baseline, prints a table and
# writes BUILD_DIR/bench/nexmark.json: a list of {query, system, events,
# wall_s, cpu_s, events_per_s, events_per_cpu_s, peak_rss_mb}. "events"
# counts every generated event (people + auctions + bids), as NEXMark does.
# With --repeat R each run is made R times and the fastest (by wall time)
# is reported: on a shared machine that is the one least disturbed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=build events=10000000 queries=q0,q1,q2,q3,q4,q5,q7,q8,q11,q12 repeat=1
while [ $# -gt 0 ]; do
  case $1 in
    --events) events=$2; shift 2 ;;
    --queries) queries=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) build=$1; shift ;;
  esac
done
bin="$build/bin"
mkdir -p "$build/bench"
out="$build/bench/nexmark.json"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# field NAME JSON: the value of a number field of a flat JSON object
field() { sed -E "s/.*\"$1\":([0-9.eE+-]+).*/\1/" <<< "$2"; }

echo "NEXMark, $events events per query, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %-9s %10s %8s %8s %12s %14s %8s\n' query system events wall_s cpu_s events/s events/cpu_s rss_MB
first=1
echo "[" > "$out"
row() { # query system wall cpu rss
  local per_s per_cpu
  per_s=$(awk -v e="$events" -v w="$3" 'BEGIN {printf "%d", (w > 0 ? e / w : 0)}')
  per_cpu=$(awk -v e="$events" -v c="$4" 'BEGIN {printf "%d", (c > 0 ? e / c : 0)}')
  printf '%-6s %-9s %10d %8.3f %8.3f %12d %14d %8.1f\n' "$1" "$2" "$events" "$3" "$4" \
    "$per_s" "$per_cpu" "$5"
  [ $first = 1 ] || echo "," >> "$out"
  first=0
  printf '  {"query": "%s", "system": "%s", "events": %d, "wall_s": %s, "cpu_s": %s, "events_per_s": %d, "events_per_cpu_s": %d, "peak_rss_mb": %s}' \
    "$1" "$2" "$events" "$3" "$4" "$per_s" "$per_cpu" "$5" >> "$out"
}
# best COMMAND...: the JSON line of the fastest of `repeat` runs
best() {
  local line best_line="" best_wall=""
  for ((k = 0; k < repeat; k++)); do
    line=$("$@")
    if [ -z "$best_wall" ] || awk -v a="$(field wall_s "$line")" -v b="$best_wall" 'BEGIN {exit !(a < b)}'; then
      best_line=$line best_wall=$(field wall_s "$line")
    fi
  done
  echo "$best_line"
}
for q in ${queries//,/ }; do
  "$bin/nexmark_variant" "$here/$q.json" --events "$events" > "$work/$q.json"
  s=$(best "$bin/sluice_bench" "$work/$q.json" --label "$q" --format json)
  row "$q" sluice "$(field wall_s "$s")" "$(field cpu_s "$s")" "$(field peak_rss_mb "$s")"
  b=$(best "$bin/nexmark_baseline" --query "$q" --events "$events")
  row "$q" baseline "$(field wall_s "$b")" "$(field cpu_s "$b")" "$(field peak_rss_mb "$b")"
done
printf '\n]\n' >> "$out"
echo "written: $out"
