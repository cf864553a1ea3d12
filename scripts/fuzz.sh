#!/usr/bin/env bash
# Runs the libFuzzer targets of fuzz/ (built by `make fuzz`, which calls this)
# one after another, each for SECONDS on a working copy of its seed corpus
# kept in the build folder, so the repository's corpus stays small. Prints the
# executions each made and fails if any crashed, leaked, ran out of memory or
# timed out; the input that did it lands in BUILD_DIR/crashes/<target>/.
#
#   scripts/fuzz.sh [--build-dir DIR] [--seconds N] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build-fuzz
seconds=60
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    -*) echo "fuzz: unknown option '$1'" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(pipeline_document_fuzz expression_fuzz jsonl_reader_fuzz
                                     csv_reader_fuzz checkpoint_state_fuzz)

# The longest input each target is given: whole pipeline files and data
# files, single expressions.
max_len_of() {
  case "$1" in
    expression_fuzz) echo 4096 ;;
    checkpoint_state_fuzz) echo 1024 ;;
    *) echo 65536 ;;
  esac
}

root=$(pwd)
build_dir=$(cd "$build_dir" && pwd)
# The targets work in folders under TMPDIR (fuzz/scratch_dir.hpp); a crash
# leaves its folder behind, so keep them in the build folder.
export TMPDIR="$build_dir/fuzz-tmp"
rm -rf "$TMPDIR"
mkdir -p "$TMPDIR"
# UB is fatal (the build uses -fno-sanitize-recover); print its stack too.
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

failed=()
for t in "${targets[@]}"; do
  bin="$build_dir/bin/$t"
  [ -x "$bin" ] || { echo "fuzz: $bin is missing; build it with 'make fuzz'" >&2; exit 2; }
  corpus="$build_dir/fuzz-corpus/$t"
  crashes="$build_dir/crashes/$t"
  log="$build_dir/fuzz-logs/$t.log"
  mkdir -p "$corpus" "$crashes" "$(dirname "$log")"
  cp -R "fuzz/corpus/$t/." "$corpus/"
  args=(-max_total_time="$seconds" -max_len="$(max_len_of "$t")" -timeout=10
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$crashes/")
  [ -f "fuzz/$t.dict" ] && args+=(-dict="$root/fuzz/$t.dict")

  echo "fuzz: $t for ${seconds} s (log: $log)"
  rc=0
  "$bin" "${args[@]}" "$corpus" > "$log" 2>&1 || rc=$?
  runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 runs in \2 s/p' "$log" | tail -1)
  # A run cut short by a finding prints no "Done" line, only its final stats.
  [ -n "$runs" ] || runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\)/\1 runs/p' "$log")
  if [ "$rc" -ne 0 ]; then
    failed+=("$t")
    echo "fuzz: $t FAILED (exit $rc) after ${runs:-? runs}: $(grep -m1 -E '^==[0-9]+==ERROR|^SUMMARY|FINDING|runtime error|ERROR: libFuzzer' "$log" || true)"
    grep -E "^(artifact_prefix|Test unit written to)" "$log" | sed 's/^/fuzz:   /' || true
    # The top of the stack, one short line a frame: "#0 file:line function".
    grep -m1 -A12 -E '^==[0-9]+==ERROR|runtime error|FINDING' "$log" | grep -E '^ +#' | head -6 \
      | sed -E "s/^ *(#[0-9]+) 0x[0-9a-f]+ in (.*) ([^ ]+:[0-9]+)(:[0-9]+)?\$/\\1 \\3 \\2/; s|$root/||" \
      | cut -c 1-150 | sed 's/^/fuzz:   /' || true
  else
    echo "fuzz: $t ok: ${runs:-? runs}, corpus $(find "$corpus" -type f | wc -l) inputs"
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: ${#failed[@]} of ${#targets[@]} targets failed: ${failed[*]}; inputs in $build_dir/crashes/" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets ran ${seconds} s each without a finding"
