#!/usr/bin/env bash
# Remakes the screenshots of sink.dashboard in docs/ (dashboard-table.png,
# dashboard-line.png, dashboard-bar.png, dashboard-number.png): runs a
# pipeline with four dashboards on one server for a few seconds and
# photographs each page with headless Chromium.
#   scripts/dashboard-screenshots.sh [SLUICE]    (default: build/bin/sluice)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
sluice=${1:-$root/build/bin/sluice}
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -x "$sluice" ] || { echo "dashboard-screenshots: no $sluice (build it: make)" >&2; exit 1; }
[ -n "$chromium" ] || { echo "dashboard-screenshots: chromium is missing: run scripts/setup.sh" >&2; exit 1; }

work=$(mktemp -d)
run_pid=""
cleanup() {
  if [ -n "$run_pid" ]; then kill -INT "$run_pid" 2>/dev/null || true; wait "$run_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Readings of four devices, ten seconds of event time per second; their
# temperature, its average per device and over all devices every 10 s.
cat > "$work/dashboards.json" <<'JSON'
{
  "schemaVersion": 1,
  "name": "dashboards",
  "nodes": [
    {"id": "readings", "kind": "source.generator",
     "params": {"count": 0, "rate": 40, "keys": 4, "interval": "250ms", "start": "2026-01-01T12:00:00Z"}},
    {"id": "temps", "kind": "transform.map",
     "params": {"set": {"temp": "round(18 + CAST(substr(key, 2) AS int) * 2.5 + abs(seq % 160 / 8.0 - 10) / 2 + abs(hash(seq)) % 15 / 10.0, 1)"}}},
    {"id": "averages", "kind": "window.tumbling",
     "params": {"size": "10s", "key": ["key"], "timestamp": "ts",
                "aggregates": [{"fn": "avg", "field": "temp", "as": "avg_temp"}]}},
    {"id": "latest", "kind": "sink.dashboard",
     "params": {"title": "Latest readings", "fields": ["seq", "ts", "key", "temp"], "history": 15}},
    {"id": "temperature", "kind": "sink.dashboard",
     "params": {"title": "Temperature per device", "chart": "line", "key": "key", "fields": ["temp"],
                "timestamp": "ts", "history": 120}},
    {"id": "average", "kind": "sink.dashboard",
     "params": {"title": "Average temperature per device (10 s windows)", "chart": "bar", "key": "key",
                "fields": ["avg_temp"]}},
    {"id": "overall", "kind": "window.tumbling",
     "params": {"size": "10s", "timestamp": "ts",
                "aggregates": [{"fn": "avg", "field": "temp", "as": "avg_temp"}]}},
    {"id": "total", "kind": "sink.dashboard",
     "params": {"title": "Average temperature, all devices (10 s windows)", "chart": "number",
                "fields": ["avg_temp"]}}
  ],
  "edges": [
    {"from": "readings", "to": "temps"},
    {"from": "temps", "to": "latest"},
    {"from": "temps", "to": "temperature"},
    {"from": "temps", "to": "averages"},
    {"from": "averages", "to": "average"},
    {"from": "temps", "to": "overall"},
    {"from": "overall", "to": "total"}
  ]
}
JSON

"$sluice" run --quiet "$work/dashboards.json" >"$work/run.log" 2>&1 &
run_pid=$!
url=""
for _ in $(seq 100); do
  url=$(sed -n 's|^sink.dashboard total serving on \(http://[^/]*\)/d/total$|\1|p' "$work/run.log")
  [ -n "$url" ] && break
  kill -0 "$run_pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$url" ] || { echo "dashboard-screenshots: the run did not start:" >&2; cat "$work/run.log" >&2; exit 1; }
sleep 12 # the line fills, windows complete

for page in latest:table temperature:line average:bar total:number; do
  node=${page%%:*}
  chart=${page##*:}
  "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --window-size=1000,700 --virtual-time-budget=2000 \
    --screenshot="$root/docs/dashboard-$chart.png" "$url/d/$node?seconds=2" 2>/dev/null
  echo "docs/dashboard-$chart.png: $url/d/$node"
done
