#!/usr/bin/env bash
# MQTT connector throughput: source.mqtt and sink.mqtt through Sluice, and
# the ceiling, libmosquitto driven by a minimal loop (mqtt_ceiling).
#   bench/connectors/mqtt.sh BUILD_DIR [RECORDS]
# Starts its own mosquitto on 127.0.0.1 (a free port, a temp folder),
# prints records/s and CPU seconds per million records for:
#   - sink:   source.generator -> sink.mqtt (QoS 1), `sluice run`, CPU of
#             the whole run (the generator's share is small);
#   - source: source.mqtt (a persistent session preloaded with RECORDS
#             messages) -> sink.null, until every record is read; CPU of the
#             run;
#   - the same two directions with mqtt_ceiling.
# Asserts nothing.
set -euo pipefail

build=$(cd "${1:?usage: mqtt.sh BUILD_DIR [RECORDS]}" && pwd)
n=${2:-200000}
sluice=$build/bin/sluice
ceiling=$build/bin/mqtt_ceiling
for b in "$sluice" "$ceiling"; do
  [ -x "$b" ] || { echo "missing $b (build the targets sluice and mqtt_ceiling)" >&2; exit 1; }
done

dir=$(mktemp -d)
broker_pid=
run_pid=
cleanup() {
  [ -n "$run_pid" ] && kill "$run_pid" 2>/dev/null || true
  [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null && wait "$broker_pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

port=$("$ceiling" free-port)
cat > "$dir/mosquitto.conf" <<CONF
listener $port 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 0
max_inflight_messages 100
log_dest file $dir/mosquitto.log
user $(id -un)
CONF
/usr/sbin/mosquitto -c "$dir/mosquitto.conf" > "$dir/mosquitto.out" 2>&1 &
broker_pid=$!
for _ in $(seq 100); do
  (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.05
done
url="mqtt://127.0.0.1:$port"

# CPU seconds (user + system) of a process, from /proc
cpu_of() {
  awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15 + $16 + $17) / hz }' "/proc/$1/stat"
}
line() { # what records seconds cpu
  awk -v w="$1" -v n="$2" -v s="$3" -v c="$4" \
    'BEGIN { printf "%-34s %9d records %7.2f s %10.0f records/s %7.2f CPU s per million\n", w, n, s, n / s, c / n * 1e6 }'
}

echo "MQTT, $n records of {\"n\": i} on loopback; load: $(uptime | sed 's/.*load average: //')"

# sink.mqtt: generator -> sink.mqtt, until every message is acknowledged
cat > "$dir/sink.json" <<JSON
{"schemaVersion": 1, "nodes": [
  {"id": "gen", "kind": "source.generator", "params": {"count": $n}},
  {"id": "out", "kind": "sink.mqtt", "params": {"url": "$url", "topic": "bench/sink", "qos": 1}}],
 "edges": [{"from": "gen", "to": "out"}]}
JSON
TIMEFORMAT='%R %U %S'
{ time "$sluice" run --quiet "$dir/sink.json" 2> "$dir/sink.log"; } 2> "$dir/time"
line "sink.mqtt (QoS 1, sluice run)" "$n" "$(awk '{print $1}' "$dir/time")" "$(awk '{print $2 + $3}' "$dir/time")"

"$ceiling" publish "$port" bench/ceiling "$n" 1 100

# source.mqtt: preload a persistent session, then read it all
"$ceiling" session "$port" bench-source bench/source 1
"$ceiling" publish "$port" bench/source "$n" 1 1000 > /dev/null
cat > "$dir/source.json" <<JSON
{"schemaVersion": 1, "nodes": [
  {"id": "in", "kind": "source.mqtt", "params": {"url": "$url", "topic": "bench/source",
   "client_id": "bench-source", "schema": {"n": "int"}}},
  {"id": "done", "kind": "transform.filter", "params": {"where": "n = $((n - 1))"}},
  {"id": "out", "kind": "sink.mqtt", "params": {"url": "$url", "topic": "bench/done"}}],
 "edges": [{"from": "in", "to": "done"}, {"from": "done", "to": "out"}]}
JSON
# the last record comes out on bench/done: wait for it with the ceiling's reader
"$ceiling" session "$port" bench-done bench/done 1
start=$(date +%s.%N)
"$sluice" run --quiet "$dir/source.json" 2> "$dir/source.log" &
run_pid=$!
"$ceiling" subscribe "$port" bench-done bench/done 1 1 > /dev/null
end=$(date +%s.%N)
cpu=$(cpu_of "$run_pid")
kill -INT "$run_pid"
wait "$run_pid" || true
run_pid=
line "source.mqtt (QoS 1, sluice run)" "$n" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" "$cpu"

"$ceiling" session "$port" bench-ceiling bench/ceiling-source 1
"$ceiling" publish "$port" bench/ceiling-source "$n" 1 1000 > /dev/null
"$ceiling" subscribe "$port" bench-ceiling bench/ceiling-source "$n" 1
