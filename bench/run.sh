#!/usr/bin/env bash
# make bench: prints figures, asserts nothing. Not part of `make test`.
#   bench/run.sh [BUILD_DIR] [--events N] [--queries q0,q5,...] [--repeat R]
# With --events, --queries or --repeat only the NEXMark suite runs (see
# nexmark/run.sh).
set -euo pipefail
build=build
nexmark_args=()
while [ $# -gt 0 ]; do
  case $1 in
    --events | --queries | --repeat) nexmark_args+=("$1" "$2"); shift 2 ;;
    *) build=$1; shift ;;
  esac
done
here=$(cd "$(dirname "$0")" && pwd)
if [ ${#nexmark_args[@]} -gt 0 ]; then
  exec "$here/nexmark/run.sh" "$build" "${nexmark_args[@]}"
fi
bench="$build/bin/sluice_bench"
echo "Sluice benchmarks on $(nproc) cores ($(date -u +%F))"
echo "-- runtime"
"$bench" "$here/pipelines/generator_to_null.json" --label "1. generator 20M -> null"
"$bench" "$here/pipelines/filter_map.json" --label "2. generator 20M -> filter -> map -> null"
"$bench" "$here/pipelines/filter_map.json" --tap keep twice \
  --label "2t. the same with a tap open on keep -> twice"
"$bench" "$here/pipelines/throttled.json" --seconds 20 \
  --label "3. generator -> throttle 100k/s -> null, 20 s"
echo "-- windows (20M records, 10 000 keys, event time)"
"$bench" "$here/pipelines/window_tumbling_count.json" --label "4. tumbling 1 s count per key"
"$bench" "$here/pipelines/window_sliding_count.json" --label "5. sliding 10 s / 2 s count per key"
echo "-- connectors"
"$here/make_jsonl.sh" /tmp/sluice-bench.jsonl 2000000 > /dev/null
"$bench" "$here/pipelines/file_jsonl_parse.json" --label "6. source.file 2M JSON lines -> null"
rm -f /tmp/sluice-bench.db*
"$bench" "$here/pipelines/sqlite_upsert.json" --label "7. generator 5M -> sink.sqlite upsert"
rm -f /tmp/sluice-bench.db* /tmp/sluice-bench.jsonl
echo "-- connectors against their servers, and each client library in a minimal loop (the ceiling)"
"$build/bin/kafka_bench" "$build/bin/sluice" 500000
bash "$here/connectors/redis.sh" "$build" 1000000
bash "$here/connectors/mqtt.sh" "$build" 200000
bash "$here/connectors/postgres.sh" "$build" 1000000
bash "$here/connectors/http.sh" "$build" 2000000
echo "-- NEXMark (10M events per query, Sluice against the single-threaded baseline)"
"$here/nexmark/run.sh" "$build"
echo "-- checkpoints: NEXMark q5/q7 with a checkpoint every second against none; 1M keys of state"
"$here/checkpoints.sh" "$build"
# -- metrics endpoint overhead (issue 5) --------------------------------------
echo "-- metrics on vs off: sluice run --metrics-port, scraped every second"
bash "$here/metrics_overhead.sh" "$build" "$here/pipelines/filter_map.json" 10 3
# -----------------------------------------------------------------------------
# -- editor performance goals (500-node open, pan/zoom frames, live view) -----
if [ -x "$build/bin/sluice_editor_bench" ]; then
  echo "-- editor (offscreen): open, frame times, GUI-thread cost of the live view"
  "$build/bin/sluice_editor_bench"
fi
# -----------------------------------------------------------------------------
