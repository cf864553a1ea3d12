#!/usr/bin/env bash
# The HTTP connectors' throughput: prints figures, asserts nothing.
#   bench/connectors/http.sh [BUILD_DIR] [RECORDS]
# 1. source.http -> sink.null, fed by a client POSTing 1000-record JSON
#    arrays (http_ceiling post): records/s and the CPU of `sluice run`.
# 2. source.generator -> sink.http (1000 records a request) into a server
#    that counts them (http_ceiling serve): sluice_bench's records/s and CPU.
# 3. The ceiling: the same client and server, cpp-httplib alone, in one
#    process (http_ceiling loop).
set -euo pipefail
build=${1:-build}
n=${2:-2000000}
bin="$build/bin"
work=$(mktemp -d /tmp/sluice-http-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

cpu_of() { # user + system seconds of a running process
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"
}

wait_file() {
  for _ in $(seq 200); do [ -s "$1" ] && return 0; sleep 0.05; done
  echo "no $1" >&2
  return 1
}

echo "HTTP connectors, $n records, on $(nproc) cores; load: $(uptime | sed 's/.*load average: //')"

# 1. source.http
cat > "$work/source.json" << JSON
{"schemaVersion": 1, "nodes": [
  {"id": "in", "kind": "source.http", "params": {"path": "/in", "port_file": "$work/source.port",
    "schema": {"seq": "int", "key": "string", "value": "double"}}},
  {"id": "out", "kind": "sink.null"}],
 "edges": [{"from": "in", "to": "out"}]}
JSON
"$bin/sluice" run --quiet "$work/source.json" 2> "$work/source.log" &
run=$!
pids+=("$run")
wait_file "$work/source.port"
port=$(cat "$work/source.port")
start=$(date +%s.%N)
"$bin/http_ceiling" post "$port" /in "$n" > "$work/post.txt"
end=$(date +%s.%N)
cpu=$(cpu_of "$run")
kill -INT "$run"
wait "$run" || true
awk -v n="$n" -v s="$start" -v e="$end" -v c="$cpu" 'BEGIN {
  printf "%-34s %10d records %7.2f s %10.0f records/s  cpu %.2f s (%.2f s per M)\n",
         "source.http -> null (sluice run)", n, e - s, n / (e - s), c, c / (n / 1e6) }'
sed 's/^/    /' "$work/post.txt"

# 2. sink.http
"$bin/http_ceiling" serve "$work/sink.port" "$n" > "$work/serve.txt" &
server=$!
pids+=("$server")
wait_file "$work/sink.port"
cat > "$work/sink.json" << JSON
{"schemaVersion": 1, "nodes": [
  {"id": "gen", "kind": "source.generator", "params": {"count": $n, "rate": 0}},
  {"id": "out", "kind": "sink.http", "params": {"url": "http://127.0.0.1:$(cat "$work/sink.port")/in",
    "batch": 1000}}],
 "edges": [{"from": "gen", "to": "out"}]}
JSON
"$bin/sluice_bench" "$work/sink.json" --label "generator -> sink.http" --format json \
  | python3 -c 'import json, sys
r = json.loads(sys.stdin.read())
print("%-34s %10d records %7.2f s %10.0f records/s  cpu %.2f s (%.2f s per M; with the generator)"
      % ("generator -> sink.http (sluice_bench)", r["records"], r["wall_s"],
         r["records"] / r["wall_s"], r["cpu_s"], r["cpu_s"] / (r["records"] / 1e6)))'
wait "$server" || true
sed 's/^/    /' "$work/serve.txt"

# 3. the ceiling
"$bin/http_ceiling" loop "$n"
