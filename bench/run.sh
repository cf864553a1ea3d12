#!/usr/bin/env bash
# make bench: prints figures, asserts nothing. Not part of `make test`.
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
bench="$build/bin/sluice_bench"
echo "Sluice benchmarks on $(nproc) cores ($(date -u +%F))"
echo "-- runtime"
"$bench" "$here/pipelines/generator_to_null.json" --label "1. generator 20M -> null"
"$bench" "$here/pipelines/filter_map.json" --label "2. generator 20M -> filter -> map -> null"
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
