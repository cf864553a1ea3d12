#!/usr/bin/env bash
# PostgreSQL connector figures (prints, asserts nothing):
#   bench/connectors/postgres.sh [BUILD_DIR] [ROWS]
# Starts a private PostgreSQL 15 on 127.0.0.1 (as nobody when run as root),
# then measures, for ROWS records (default 1 000 000):
#   sink.postgres append  source.generator -> sink.postgres (COPY binary)
#   sink.postgres upsert  the same over 10 000 keys (COPY + INSERT ON CONFLICT)
#   source.postgres poll  the appended table read back, paged by seq
# each as records/s and CPU seconds of the Sluice process per million
# records (the server's CPU is not counted), and the same client library
# in a minimal loop (postgres_ceiling). Sinks run without checkpoints (a
# transaction per batch); the source runs for a fixed time, so if it read
# everything before the end its records/s is a lower bound.
set -euo pipefail
build=${1:-build}
rows=${2:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
bench="$build/bin/sluice_bench"
ceiling="$build/bin/postgres_ceiling"
pgbin=/usr/lib/postgresql/15/bin
for b in "$bench" "$ceiling"; do
  [ -x "$b" ] || { echo "missing $b: build sluice_bench and postgres_ceiling" >&2; exit 1; }
done

dir=$(mktemp -d /tmp/sluice-pg-bench.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown nobody "$dir"
cleanup() {
  as_owner "$pgbin/pg_ctl" stop -m immediate -D "$dir/data" > /dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
as_owner "$pgbin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale > "$dir/initdb.log"
as_owner "$pgbin/pg_ctl" start -w -D "$dir/data" -l "$dir/server.log" \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c wal_level=logical" \
  > /dev/null
url="postgresql://postgres@127.0.0.1:$port/postgres"

# One pipeline through sluice_bench; prints records/s and CPU s per M records.
run() {
  local label=$1 file=$2
  shift 2
  "$bench" "$file" --format json "$@" | python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
n = max(r["records"], 1)
print("sluice  %-22s %9d records  %6.2f s  %10.0f records/s  cpu %6.2f s per M records" % (
    sys.argv[1], r["records"], r["wall_s"], r["records"] / r["wall_s"], r["cpu_s"] / n * 1e6))
' "$label"
}

cat > "$dir/append.json" <<JSON
{"schemaVersion": 1, "nodes": [
  {"id": "gen", "kind": "source.generator", "params": {"count": $rows, "keys": 100}},
  {"id": "db", "kind": "sink.postgres", "params": {"url": "$url", "table": "bench_append"}}],
 "edges": [{"from": "gen", "to": "db"}]}
JSON
cat > "$dir/upsert.json" <<JSON
{"schemaVersion": 1, "nodes": [
  {"id": "gen", "kind": "source.generator", "params": {"count": $rows, "keys": 10000}},
  {"id": "db", "kind": "sink.postgres",
   "params": {"url": "$url", "table": "bench_upsert", "mode": "upsert", "key": ["key"]}}],
 "edges": [{"from": "gen", "to": "db"}]}
JSON
cat > "$dir/poll.json" <<JSON
{"schemaVersion": 1, "nodes": [
  {"id": "src", "kind": "source.postgres",
   "params": {"url": "$url", "mode": "poll", "column": "seq", "interval": "100ms",
              "schema": ["seq:int", "ts:timestamp", "key:string", "value:double"],
              "query": "SELECT seq, ts, key, value FROM bench_append WHERE seq > \$1 ORDER BY seq LIMIT 50000"}},
  {"id": "out", "kind": "sink.null", "params": {}}],
 "edges": [{"from": "src", "to": "out"}]}
JSON

echo "PostgreSQL connector, $rows records, $(nproc) cores, load:$(uptime | sed 's/.*load average://')"
run "sink.postgres append" "$dir/append.json"
run "sink.postgres upsert" "$dir/upsert.json"
as_owner "$pgbin/psql" -q -h "$dir" -p "$port" -U postgres -c "CREATE INDEX ON bench_append (seq)" postgres
run "source.postgres poll" "$dir/poll.json" --seconds 5
"$ceiling" "host=127.0.0.1 port=$port user=postgres dbname=postgres options=-cclient_min_messages=warning" "$rows"
