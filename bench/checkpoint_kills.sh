#!/usr/bin/env bash
# The long fault-injection run (the short one is in `make test`:
# tests/app/checkpoint_recovery.test.cpp). Prints figures; exits 1 if any
# output differs from an uninterrupted run's.
#   bench/checkpoint_kills.sh [BUILD_DIR] [KILLS]
# For NEXMark q5 and q7 (2M events, paced to 40k events/s, output to a file)
# and the windowed file pipeline of the short test: one uninterrupted run
# without checkpoints, then the same pipeline with a checkpoint every 200 ms
# killed with SIGKILL KILLS times (default 50) at random moments 0.3-1.5 s
# after each start, then run to the end. Counts the records lost and
# duplicated against the uninterrupted run (both must be 0).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
kills=${2:-50}
bin="$build/bin"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

# nexmark PIPELINE_JSON OUT_FILE RATE: the variant with its sink a file, paced.
nexmark() {
  "$bin/nexmark_variant" "$1" --events 2000000 |
    sed -e "s|\"kind\": \"sink.null\"|\"kind\": \"sink.file\", \"params\": {\"path\": \"$2\"}|" \
        -e "s|\"events\": 2000000|\"events\": 2000000, \"rate\": $3, \"event_rate\": 10000|"
}

windows() { # OUT_DIR RATE
  cat <<JSON
{"schemaVersion": 1, "nodes": [
  {"id": "readings", "kind": "source.file", "params": {"path": "$work/readings.jsonl",
    "schema": {"ts": "timestamp", "sensor": "string", "value": "int"}}},
  {"id": "pace", "kind": "transform.throttle", "params": {"rate": $2}},
  {"id": "w", "kind": "window.tumbling", "params": {"size": "1s", "timestamp": "ts",
    "key": ["sensor"], "max_out_of_order": "200ms", "allowed_lateness": "100ms",
    "aggregates": [{"fn": "count", "as": "n"}, {"fn": "sum", "field": "value", "as": "total"}]}},
  {"id": "out", "kind": "sink.file", "params": {"path": "$1/out.jsonl"}},
  {"id": "late", "kind": "sink.file", "params": {"path": "$1/late.jsonl"}}],
 "edges": [{"from": "readings", "to": "pace"}, {"from": "pace", "to": "w"},
   {"from": "w.out", "to": "out"}, {"from": "w.late", "to": "late"}]}
JSON
}
awk 'BEGIN { srand(7); for (i = 0; i < 200000; i++) {
  ms = 1700000000000 + i * 10 + int(rand() * 600) - 300;
  s = int(ms / 1000); f = ms % 1000;
  printf "{\"ts\": \"%s.%03dZ\", \"sensor\": \"s%d\", \"value\": %d}\n",
    strftime("%Y-%m-%dT%H:%M:%S", s, 1), f, (i * 7 + int(i / 13)) % 10, i % 1000 } }' \
  > "$work/readings.jsonl"

# compare NAME REFERENCE_FILE INTERRUPTED_FILE
compare() {
  sort "$2" > "$work/a" && sort "$3" > "$work/b"
  local lost dup
  lost=$(comm -23 "$work/a" "$work/b" | wc -l)
  dup=$(comm -13 "$work/a" "$work/b" | wc -l)
  printf '  %-24s %9d records  lost %d  duplicated %d\n' "$1" "$(wc -l < "$work/a")" "$lost" "$dup"
  [ "$lost" = 0 ] && [ "$dup" = 0 ] || failed=1
}

# kill_loop NAME PIPELINE: KILLS starts killed at random, then one to the end
kill_loop() {
  local resumed=0 k
  for ((k = 0; k < kills; k++)); do
    "$bin/sluice" run --quiet --checkpoint-dir "$work/chk-$1" --checkpoint-interval 200ms "$2" \
      > "$work/$1-$k.log" 2>&1 &
    local pid=$!
    sleep "$(awk -v r=$RANDOM 'BEGIN {printf "%.2f", 0.3 + r / 32767 * 1.2}')"
    grep -q "resumed from checkpoint" "$work/$1-$k.log" && resumed=$((resumed + 1))
    if ! kill -9 "$pid" 2> /dev/null; then # it had finished: the input is too short
      wait "$pid" || { cat "$work/$1-$k.log"; failed=1; }
      echo "  $1: finished by itself after $k kills ($resumed resumed from a checkpoint)"
      return
    fi
    wait "$pid" 2> /dev/null || true
  done
  "$bin/sluice" run --quiet --checkpoint-dir "$work/chk-$1" --checkpoint-interval 200ms "$2" \
    > "$work/$1-final.log" 2>&1 || { cat "$work/$1-final.log"; failed=1; }
  echo "  $1: $kills kills, $resumed of them resumed from a checkpoint, then ran to the end"
}

echo "SIGKILL $kills times per pipeline, checkpoint every 200 ms ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
for q in q5 q7; do
  mkdir -p "$work/$q-ref" "$work/$q-run"
  nexmark "$here/nexmark/$q.json" "$work/$q-ref/out.jsonl" 0 > "$work/$q-ref.json"
  nexmark "$here/nexmark/$q.json" "$work/$q-run/out.jsonl" 40000 > "$work/$q-run.json"
  "$bin/sluice" run --quiet "$work/$q-ref.json"
  kill_loop "$q" "$work/$q-run.json"
  compare "$q" "$work/$q-ref/out.jsonl" "$work/$q-run/out.jsonl"
done
mkdir -p "$work/w-ref" "$work/w-run"
windows "$work/w-ref" 100000000 > "$work/w-ref.json"
windows "$work/w-run" 4000 > "$work/w-run.json"
"$bin/sluice" run --quiet "$work/w-ref.json"
kill_loop windows "$work/w-run.json"
compare "windows" "$work/w-ref/out.jsonl" "$work/w-run/out.jsonl"
compare "windows (late)" "$work/w-ref/late.jsonl" "$work/w-run/late.jsonl"
exit $failed
