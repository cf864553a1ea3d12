#!/usr/bin/env bash
# make bench: prints figures, asserts nothing.
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
bench="$build/bin/sluice_bench"
echo "Sluice benchmarks on $(nproc) cores ($(date -u +%F))"
"$bench" "$here/pipelines/generator_to_null.json" --label "1. generator 20M -> null"
"$bench" "$here/pipelines/filter_map.json" --label "2. generator 20M -> filter -> map -> null"
"$bench" "$here/pipelines/throttled.json" --seconds 20 \
  --label "3. generator -> throttle 100k/s -> null, 20 s"
