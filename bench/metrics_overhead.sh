#!/usr/bin/env bash
# Metrics on vs off: runs a pipeline from bench/pipelines for a fixed time
# with `sluice run --duration`, plainly and with `--metrics-port 0` while a
# scraper reads /metrics and /api/metrics every second (as Prometheus and
# `sluice top` would), alternating, and prints the best source throughput
# of each and the difference. Target: under 3 %. Asserts nothing.
# Wall-clock throughput on a shared machine is noisy, so it also prints
# records per CPU second, and the endpoint's absolute CPU cost: the CPU time
# of bench/pipelines/throttled.json (not CPU-bound) with and without it.
#   bench/metrics_overhead.sh [BUILD_DIR] [PIPELINE] [SECONDS] [REPEATS]
# The bench pipelines are bounded and finish in well under a second, too
# short to see a once-a-second sampler; their generators are made unbounded
# (count 0) so every run lasts SECONDS.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
pipeline=${2:-$here/pipelines/filter_map.json}
seconds=${3:-10}
repeats=${4:-3}
sluice="$build/bin/sluice"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed -E 's/"count": *[0-9]+/"count": 0/' "$pipeline" > "$work/pipeline.json"

# "RECORDS SECONDS CPU": what the source emitted, the run's wall time (from
# the end-of-run summary), and user + system CPU seconds.
figures() {
  awk 'NR == 2 { out = $4 } / after / { secs = $(NF - 1) } END { printf "%s %s ", out, secs }' "$1"
  awk '{ printf "%s\n", $1 + $2 }' "$2"
}

run_off() {
  ( TIMEFORMAT='%U %S'
    { time "$sluice" run "$work/pipeline.json" --duration "$seconds" 2> "$work/off.log"; } 2> "$work/off.cpu" )
  figures "$work/off.log" "$work/off.cpu"
}

run_on() {
  local pid url
  ( TIMEFORMAT='%U %S'
    { time "$sluice" run "$work/pipeline.json" --duration "$seconds" --metrics-port 0 2> "$work/on.log"; } 2> "$work/on.cpu" ) &
  pid=$!
  while kill -0 "$pid" 2> /dev/null; do
    url=$(grep -o 'http://[0-9.]*:[0-9]*' "$work/on.log" 2> /dev/null | head -n 1 || true)
    if [ -n "$url" ]; then
      curl -s -o /dev/null "$url/metrics" || true
      curl -s -o /dev/null "$url/api/metrics" || true
      sleep 1
    else
      sleep 0.01
    fi
  done
  wait "$pid"
  grep -v '^metrics: ' "$work/on.log" > "$work/on.summary"
  figures "$work/on.summary" "$work/on.cpu"
}

best() { # best of a list of numbers
  printf '%s\n' "$@" | sort -g | tail -n 1
}

rates_off=() rates_on=() per_cpu_off=() per_cpu_on=()
for i in $(seq "$repeats"); do
  for mode in off on; do
    read -r records secs cpu < <(run_$mode)
    rate=$(echo "$records / $secs" | bc -l)
    per_cpu=$(echo "$records / $cpu" | bc -l)
    printf '   run %d, metrics %-3s  %6.2f M rec/s  %6.2f M rec per CPU second\n' \
      "$i" "$mode" "$(echo "$rate / 1000000" | bc -l)" "$(echo "$per_cpu / 1000000" | bc -l)"
    eval "rates_$mode+=(\"$rate\")"
    eval "per_cpu_$mode+=(\"$per_cpu\")"
  done
done
off=$(best "${rates_off[@]}")
on=$(best "${rates_on[@]}")
coff=$(best "${per_cpu_off[@]}")
con=$(best "${per_cpu_on[@]}")
printf '   best of %d: metrics off %.2f M rec/s, on %.2f M rec/s: %+.1f %%;' "$repeats" \
  "$(echo "$off / 1000000" | bc -l)" "$(echo "$on / 1000000" | bc -l)" \
  "$(echo "100 * ($on - $off) / $off" | bc -l)"
printf ' per CPU second %.2f M vs %.2f M: %+.1f %% (target: within 3 %%)\n' \
  "$(echo "$coff / 1000000" | bc -l)" "$(echo "$con / 1000000" | bc -l)" \
  "$(echo "100 * ($con - $coff) / $coff" | bc -l)"

# The endpoint's own CPU cost, on a pipeline that leaves the CPU mostly idle.
cp "$here/pipelines/throttled.json" "$work/pipeline.json"
read -r _ _ cpu_off < <(run_off)
read -r _ _ cpu_on < <(run_on)
printf '   CPU of throttled.json over %s s: metrics off %.2f s, on %.2f s: %+.1f ms CPU per second for the endpoint\n' \
  "$seconds" "$cpu_off" "$cpu_on" "$(echo "1000 * ($cpu_on - $cpu_off) / $seconds" | bc -l)"
