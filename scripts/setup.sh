#!/usr/bin/env bash
# Installs the Debian 12 packages Sluice needs to build, test and run.
# Idempotent: installs only what is missing, never prompts. Used by make and CI.
set -euo pipefail

packages=(
  build-essential cmake make pkg-config
  libcaf-dev          # CAF 0.17.6: actors (caf_core), network layer (caf_io)
  nlohmann-json3-dev  # pipeline documents, JSON output
  libcli11-dev        # the `sluice` command line
  libxxhash-dev       # key hashing for hash partitioning
  libre2-dev          # regular expressions in expressions (regexp_match)
  libsimdjson-dev     # fast JSON lines parsing in source.file
  libsqlite3-dev      # sink.sqlite and transform.lookup
  librdkafka-dev      # source.kafka and sink.kafka (its mock cluster serves the tests)
  libpq-dev           # source.postgres and sink.postgres (libpq)
  libcurl4-openssl-dev # sink.email (libcurl's SMTP client)
  python3-aiosmtpd    # the sink.email tests start an SMTP server on loopback
  postgresql-15       # tests start a private PostgreSQL server (initdb, pg_ctl)
  kcat                # a test talks to the Kafka mock cluster from another process
  zlib1g-dev          # gzip files: source.file reads them, sink.file writes them
  libzstd-dev         # zstd files, likewise
  zstd                # tests check zstd files with the command-line tool
  libhiredis-dev      # source.redis and sink.redis
  redis-server        # the Redis tests start their own server on loopback
  libmosquitto-dev    # source.mqtt and sink.mqtt
  mosquitto           # the MQTT broker the mqtt tests start on loopback
  openssl             # TLS tests (MQTT, HTTPS) make a CA and a server certificate
  sqlite3             # golden tests read SQLite tables back
  catch2              # Catch2 v2 tests under CTest
  qt6-base-dev        # the editor: Qt 6 Widgets (and QtTest for its tests)
  qt6-charts-dev      # the editor's throughput plots
  libqt6opengl6-dev   # Qt6Charts' CMake config requires Qt6OpenGL's
  libgl-dev           # Qt6Gui's CMake config looks for OpenGL headers
  fonts-dejavu-core   # text in offscreen renders and screenshots
  xvfb xauth          # xvfb-run: a real X display for the editor without a screen
  prometheus-cpp-dev  # metric families and the Prometheus text format
  libcpp-httplib-dev  # the HTTP metrics endpoint, `sluice top`'s client, source.http and sink.http,
                      # sink.dashboard's server
  libjs-chart.js      # Chart.js, which sink.dashboard serves to its pages (no internet needed)
  chromium            # the dashboard tests open the pages in headless Chromium; screenshots
  prometheus          # promtool: tests check the /metrics exposition
  tmux                # tests drive `sluice top` in a terminal
  clang-format        # `make format` and CI's format check (.clang-format)
  clang               # `make fuzz`: libFuzzer needs clang (fuzz/)
  libclang-rt-14-dev  # libFuzzer and the sanitizer runtimes for clang 14 (libclang_rt.fuzzer)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}"
started=$(date +%s)
sudo_cmd=()
[ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
# scripts/fresh-machine-check.sh reads this line to tell apt time from build time.
echo "setup: installed ${#missing[@]} packages in $(($(date +%s) - started)) s"
