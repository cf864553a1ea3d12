#!/usr/bin/env bash
# Mutation run over the example pipelines: each case is an example from
# pipelines/*.json with one or two random mutations (bit flips, deleted or
# duplicated slices, numbers swapped for huge, negative or NaN-like values,
# odd strings, deep nesting, truncation), deterministic for a given --seed.
# Every case goes through `sluice validate`; the ones that validate also
# through `sluice run --quiet --duration 2`, inside a scratch folder holding a
# copy of pipelines/data, so relative output paths land there. Examples whose
# run time is not Sluice's are left out, as pipelines/connectors/ is: those
# that need a server (sensor_alerts mails through SMTP, and its sink waits
# out an absent server) and those that replay at a set pace
# (page_views_dashboard: a stop drains its throttle at 40 records a second).
#
# Accepted: validate exits 0 or 2; run exits 0 or 2, or 1 with a message
# (counted apart, its commonest messages printed). Anything else (a crash, a
# signal, a hang past 10 s, another code) is a finding: its file and stderr
# are kept under a folder printed at the end, and the script exits 1.
#
#   scripts/mutate-pipelines.sh [--cases N] [--seed S] [--sluice PATH] [--keep]
#
# Needs bash, awk, grep, sed and coreutils only. Writes nothing into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

cases=1000
seed=1
sluice=build/bin/sluice
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --cases) cases=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --sluice) sluice=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "mutate: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
case "$cases$seed" in
  *[!0-9]*) echo "mutate: --cases and --seed take non-negative integers" >&2; exit 2 ;;
esac
sluice=$(cd "$(dirname "$sluice")" && pwd)/$(basename "$sluice")
[ -x "$sluice" ] || { echo "mutate: no sluice binary at $sluice (make build)" >&2; exit 2; }
examples=()
for example in pipelines/*.json; do
  case "$(basename "$example" .json)" in
    sensor_alerts | page_views_dashboard) ;;
    *) examples+=("$example") ;;
  esac
done

work=$(mktemp -d "${TMPDIR:-/tmp}/sluice-mutate.XXXXXX")
mkdir -p "$work/cases" "$work/findings"

# The mutator. awk is byte-wise under LC_ALL=C; srand(seed) makes it
# deterministic. Strings cannot hold NUL portably, so no mutation makes one.
# shellcheck disable=SC2016 # an awk program: its $ are awk's
mutator='
function rnd(n) { return int(rand() * n) }
function repeat(s, n,   r) {
  r = ""
  while (n > 0) { if (n % 2) r = r s; s = s s; n = int(n / 2) }
  return r
}
# 1-based position of a random occurrence of `c` (the first after a random
# point, wrapping around), or 0.
function random_index(t, c,   p, q) {
  if (length(t) == 0) return 0
  p = 1 + rnd(length(t))
  q = index(substr(t, p), c)
  if (q) return p + q - 1
  return index(t, c)
}
function flip(t,   n, i, v, b) {
  for (n = 1 + rnd(4); n > 0 && length(t) > 0; n--) {
    i = 1 + rnd(length(t))
    v = ord[substr(t, i, 1)]
    b = 2 ^ rnd(8)
    v = (int(v / b) % 2) ? v - b : v + b
    if (v == 0) v = 1
    t = substr(t, 1, i - 1) sprintf("%c", v) substr(t, i + 1)
  }
  return t
}
function delete_slice(t,   i) {
  if (length(t) == 0) return t
  i = 1 + rnd(length(t))
  return substr(t, 1, i - 1) substr(t, i + 1 + rnd(64))
}
function duplicate_slice(t,   i, s, at) {
  if (length(t) == 0) return t
  i = 1 + rnd(length(t))
  s = substr(t, i, 1 + rnd(128))
  at = rnd(length(t) + 1)
  return substr(t, 1, at) s substr(t, at + 1)
}
function swap_number(t,   rest, pos, n, starts, lens, k, w) {
  n = 0; pos = 1; rest = t
  while (match(rest, /-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/)) {
    n++; starts[n] = pos + RSTART - 1; lens[n] = RLENGTH
    pos += RSTART + RLENGTH - 1; rest = substr(t, pos)
  }
  if (n == 0) return t
  k = 1 + rnd(n)
  w = numbers[1 + rnd(number_count)]
  return substr(t, 1, starts[k] - 1) w substr(t, starts[k] + lens[k])
}
# Replaces a whole string token, so the JSON stays valid: mostly a value
# (a changed key is only an unknown key), sometimes a key.
function swap_string(t,   rest, pos, n, starts, lens, k, keys) {
  n = 0; pos = 1; rest = t; keys = !rnd(5)
  while (match(rest, /"([^"\\]|\\.)*"/)) {
    if (keys || substr(rest, RSTART + RLENGTH) !~ /^[ \t\n]*:/) {
      n++; starts[n] = pos + RSTART - 1; lens[n] = RLENGTH
    }
    pos += RSTART + RLENGTH - 1; rest = substr(t, pos)
  }
  if (n == 0) return t
  k = 1 + rnd(n)
  return substr(t, 1, starts[k] - 1) strings[1 + rnd(string_count)] substr(t, starts[k] + lens[k])
}
# After a random ":" (a key), a value nested `d` levels deep, then the
# old value under a new key: {"k": [[[1]]], "deep": old}.
function nest(t,   i, d, s) {
  d = depths[1 + rnd(depth_count)]
  if (rnd(2)) s = repeat("[", d) "1" repeat("]", d)
  else s = repeat("{\"a\":", d) "1" repeat("}", d)
  i = random_index(t, ":")
  if (!i) return s
  return substr(t, 1, i) " " s ", \"deep\":" substr(t, i + 1)
}
function truncate(t) { return substr(t, 1, rnd(length(t))) }
# Mostly mutations that keep the JSON valid, so that many cases get past
# the parser to the validator and the run.
function mutate(t,   op) {
  op = rnd(20)
  if (op < 3) return flip(t)
  if (op < 5) return delete_slice(t)
  if (op < 7) return duplicate_slice(t)
  if (op < 12) return swap_number(t)
  if (op < 16) return swap_string(t)
  if (op < 19) return nest(t)
  return truncate(t)
}
BEGIN {
  srand(seed)
  for (i = 1; i < 256; i++) ord[sprintf("%c", i)] = i
  number_count = split("1e400 -1e400 1e-400 1e308 -1e308 9223372036854775807 " \
    "9223372036854775808 -9223372036854775808 -9223372036854775809 18446744073709551616 " \
    "99999999999999999999999999 4294967296 2147483648 1000000000000 -1 0 -0 0.0 0.5 " \
    "NaN Infinity -Infinity null true [] {}", numbers, " ")
  string_count = split("\"\"|\"*\"|\"x.y.z\"|\"errors\"|\"hash:\"|\"hash:key\"|\"-1s\"|" \
    "\"0s\"|\"1e30s\"|\"4294967296m\"|\"0.000001us\"|\"2026-13-45T99:99:99Z\"|" \
    "\"0001-01-01T00:00:00Z\"|\"9999-12-31T23:59:59.999999Z\"|\"value / 0\"|\"%\"|" \
    "\"1e400\"|\"regexp_match(key, '\''(a*)*b'\'')\"|\"NaN\"|\"broadcast\"|" \
    "\"source.generator\"|\"sink.stdout\"|\"dead_letter\"|\"skip\"|\"fail\"|" \
    "\"CASE WHEN true THEN 1 END\"|\"ts\"|\"key\"|\"value\"|\"seq\"|" \
    "\"extract(year FROM ts)\"|\"ts - 9223372036854775807\"|\"\\u0000\"|\"\\ud800\"|" \
    "\"\\u00e9\"", strings, "|")
  strings[++string_count] = "\"" repeat("a", 5000) "\""
  depth_count = split("8 32 58 63 64 65 100000", depths, " ")
}
{ text = text $0 "\n" }
END {
  for (n = rnd(4) ? 1 : 2; n > 0; n--) text = mutate(text)
  printf "%s", text
}'

# A case may run only if no path in it can leave the scratch folder: no
# string starting with "/" or "~", no "..", and no escapes that could spell
# them. Cases that fail this are validated but not run.
safe_to_run() { ! grep -q -e '"[[:space:]]*[/~]' -e '\.\.' -e '\\u' -e '\\/' "$1"; }

# Runs `sluice ARGS...` in the scratch folder, at most 10 s (then TERM, and
# KILL 2 s later) and 8 GiB of address space; its stderr goes to $stderr_file.
# The caller silences bash's "Killed" notice; the exit code tells it.
sluice_in_run_dir() {
  (cd "$work/run" && ulimit -v 8388608 && exec timeout -k 2 10 "$sluice" "$@") \
    > /dev/null 2> "$stderr_file" < /dev/null
}

# Keeps a finding: the case, its stderr and what happened.
keep_finding() { # file stage code stderr [what]
  local name what
  name=$(basename "$1" .json)
  what=${5:-$(describe "$3")}
  cp "$1" "$work/findings/$name.json"
  cp "$4" "$work/findings/$name.$2.stderr"
  echo "$2: $what" > "$work/findings/$name.$2.what"
  findings+=("$name.json ($2: $what)")
}

describe() {
  if [ "$1" -eq 124 ] || [ "$1" -eq 137 ]; then echo "hang, killed after 10 s (exit $1)"
  elif [ "$1" -gt 128 ]; then echo "signal $(kill -l $(($1 - 128)) 2>/dev/null || echo $(($1 - 128))) (exit $1)"
  else echo "exit $1"; fi
}

declare -A validate_codes=() run_codes=()
findings=()
skipped=0
: > "$work/run-failures" # first stderr line of each run that exited 1
stderr_file="$work/stderr"
started=$(date +%s)

for ((i = 1; i <= cases; i++)); do
  example=${examples[$(((i - 1) % ${#examples[@]}))]}
  file="$work/cases/case_$(printf '%04d' "$i")_$(basename "$example")"
  LC_ALL=C awk -v seed=$((seed * 1000003 + i)) "$mutator" "$example" > "$file"

  rm -rf "$work/run"
  mkdir -p "$work/run/pipelines"
  cp -R "$root/pipelines/data" "$work/run/pipelines/"

  code=0
  { sluice_in_run_dir validate "$file"; } 2> /dev/null || code=$?
  validate_codes[$code]=$((${validate_codes[$code]:-0} + 1))
  case "$code" in
    0) ;;
    2) continue ;;
    *) keep_finding "$file" validate "$code" "$stderr_file"; continue ;;
  esac

  if ! safe_to_run "$file"; then
    skipped=$((skipped + 1))
    continue
  fi
  code=0
  { sluice_in_run_dir run --quiet --duration 2 "$file"; } 2> /dev/null || code=$?
  run_codes[$code]=$((${run_codes[$code]:-0} + 1))
  case "$code" in
    0 | 2) ;;
    1)
      if [ -s "$stderr_file" ]; then
        head -n 1 "$stderr_file" | cut -c 1-160 >> "$work/run-failures"
      else
        keep_finding "$file" run 1 "$stderr_file" "a runtime failure without a message"
      fi
      ;;
    *) keep_finding "$file" run "$code" "$stderr_file" ;;
  esac
done

counts() { # name of an associative array
  local -n a=$1
  local k out=""
  for k in $(printf '%s\n' "${!a[@]}" | sort -n); do out+=" exit $k: ${a[$k]},"; done
  echo "${out%,}"
}
echo "mutate: $cases cases from ${#examples[@]} examples, seed $seed, $(($(date +%s) - started)) s"
echo "mutate: validate:$(counts validate_codes)"
echo "mutate: run (cases that validated):$(counts run_codes)"
echo "mutate: run failures with a message (exit 1, accepted): $(wc -l < "$work/run-failures")"
sed "s|$work/cases/case_[0-9]*_||; s/[0-9][0-9]*/N/g" "$work/run-failures" | sort | uniq -c \
  | sort -rn | head -n 8 \
  | sed 's/^/mutate:   /'
echo "mutate: validated but not run (a path could leave the scratch folder): $skipped"

rm -rf "$work/run" "$stderr_file" "$work/run-failures"
if [ ${#findings[@]} -eq 0 ]; then
  if [ "$keep" -eq 1 ]; then echo "mutate: cases kept in $work/cases"; else rm -rf "$work"; fi
  echo "mutate: no crash, no hang, no unexpected exit code"
  exit 0
fi
[ "$keep" -eq 1 ] || rm -rf "$work/cases"
echo "mutate: ${#findings[@]} findings, kept with their stderr in $work/findings:" >&2
printf 'mutate:   %s\n' "${findings[@]}" >&2
exit 1
