#!/usr/bin/env bash
# Redis connector benchmark: prints figures, asserts nothing.
#   bench/connectors/redis.sh BUILD_DIR [RECORDS]
# Starts its own redis-server on a free loopback port (no persistence), then
#   1. sink.redis: source.generator RECORDS -> sink.redis mode stream (XADD,
#      pipelined), without checkpoints and with one every second (MULTI/EXEC
#      per checkpoint);
#   2. source.redis: the stream sink.redis wrote -> sink.null, through a
#      consumer group (XREADGROUP, XACK), until the group's lag is 0;
#   3. the ceiling: hiredis in a minimal loop, the same entries (redis_ceiling).
# records/s is records over wall time; CPU is the Sluice process's (user +
# system) per million records; the server's CPU is not counted.
set -euo pipefail
build=${1:?usage: redis.sh BUILD_DIR [RECORDS]}
n=${2:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "$build/bin" && pwd)
work=$(mktemp -d /tmp/sluice-redis-bench.XXXXXX)
port=$("$bin/redis_ceiling" --free-port)
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" \
  --logfile "$work/redis.log" --daemonize no &
server=$!
cleanup() {
  kill "$server" 2> /dev/null || true
  wait "$server" 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
until redis-cli -p "$port" ping > /dev/null 2>&1; do sleep 0.05; done
url="redis://127.0.0.1:$port"
cli() { redis-cli -p "$port" "$@"; }

echo "Redis connector on $(nproc) cores, $n records, $(redis-server --version | cut -d' ' -f3) ($(uptime | sed 's/.*load/load/'))"

# One JSON line of sluice_bench to "label  records/s  cpu per M".
summarize() {
  local label=$1 json=$2
  awk -v label="$label" -v j="$json" 'BEGIN {
    match(j, /"records":[0-9]+/); r = substr(j, RSTART + 10, RLENGTH - 10)
    match(j, /"wall_s":[0-9.]+/); w = substr(j, RSTART + 9, RLENGTH - 9)
    match(j, /"cpu_s":[0-9.]+/); c = substr(j, RSTART + 8, RLENGTH - 8)
    printf "%-44s %10d records  %7.2f s  %8.3f M records/s  cpu %6.2f s per M records\n",
           label, r, w, r / w / 1e6, c / (r / 1e6) }'
}

sink_pipeline() { # stream key
  cat << JSON
{"schemaVersion": 1, "nodes": [
  {"id": "gen", "kind": "source.generator", "params": {"count": $n, "keys": 10000}},
  {"id": "out", "kind": "sink.redis", "params": {"url": "$url", "stream": "$1"}}],
 "edges": [{"from": "gen", "to": "out"}]}
JSON
}
sink_pipeline bench:sink > "$work/sink.json"
summarize "sink.redis stream (XADD), no checkpoints" \
  "$("$bin/sluice_bench" "$work/sink.json" --format json)"
cli del bench:sink > /dev/null
summarize "sink.redis stream, checkpoint every 1 s" \
  "$("$bin/sluice_bench" "$work/sink.json" --format json --checkpoint-dir "$work/chk" \
      --checkpoint-interval 1000)"
[ "$(cli xlen bench:sink)" = "$n" ] || echo "  (the stream holds $(cli xlen bench:sink) entries, not $n)"

# The source never ends: run it until its group has read everything.
cat > "$work/source.json" << JSON
{"schemaVersion": 1, "nodes": [
  {"id": "in", "kind": "source.redis", "params": {"url": "$url", "stream": "bench:sink",
    "group": "bench", "start": "earliest", "metadata": [],
    "schema": {"seq": "int", "ts": "timestamp", "key": "string", "value": "double"}}},
  {"id": "null", "kind": "sink.null"}],
 "edges": [{"from": "in", "to": "null"}]}
JSON
ticks=$(getconf CLK_TCK)
start=$(date +%s.%N)
"$bin/sluice" run --quiet "$work/source.json" 2> "$work/source.log" &
run=$!
until [ "$(cli xinfo groups bench:sink 2> /dev/null | awk 'p {print; exit} /^pending$/ {p=1}')" = "0" ] \
  && [ "$(cli xinfo groups bench:sink 2> /dev/null | awk 'p {print; exit} /^entries-read$/ {p=1}')" = "$n" ]; do
  sleep 0.05
done
end=$(date +%s.%N)
cpu=$(awk -v t="$ticks" '{print ($14 + $15) / t}' "/proc/$run/stat")
kill -INT "$run"
wait "$run" || true
awk -v label="source.redis (XREADGROUP, XACK) -> null" -v n="$n" -v s="$start" -v e="$end" \
  -v c="$cpu" 'BEGIN { w = e - s; printf "%-44s %10d records  %7.2f s  %8.3f M records/s  cpu %6.2f s per M records\n", label, n, w, n / w / 1e6, c / (n / 1e6) }'

"$bin/redis_ceiling" "$port" "$n"
