#!/usr/bin/env bash
# The fresh-machine check: does the README still work for a newcomer?
#
# Builds a minimal Debian 12 root with mmdebstrap (Debian's packages only,
# plus `make` and `git`, which the README assumes), clones the current commit
# into it and runs the README's two commands there, in order: `make run`, then
# `make test`. Prints how long each took (and how much of it was apt) and
# whether it passed; exits 0 only when both passed.
#
# Not part of `make test`: it downloads about 1 GB of packages and builds
# everything from scratch (expect 20-30 minutes on 2 cores). Run it before
# landing any change to scripts/setup.sh, the build or the dependencies.
#
# Usage: scripts/fresh-machine-check.sh [--keep] [--dir DIR] [--jobs N]
#   --keep     keep the root and the logs afterwards (default: removed on success)
#   --dir DIR  where to build the root (default: /var/tmp); needs ~6 GB free
#   --jobs N   build jobs inside the root (default: 2, as the README's make)
# Environment: SLUICE_DEBIAN_MIRROR (default http://deb.debian.org/debian).
# Needs root (mmdebstrap's root mode, chroot, mounts).
set -euo pipefail

keep=0
base=/var/tmp
jobs=2
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) keep=1 ;;
    --dir) base="$2"; shift ;;
    --jobs) jobs="$2"; shift ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "fresh-machine-check: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if [ "$(id -u)" -ne 0 ]; then
  echo "fresh-machine-check: needs root (chroot and mounts); run it with sudo" >&2
  exit 2
fi

repo="$(cd "$(dirname "$0")/.." && pwd)"
commit="$(git -C "$repo" rev-parse HEAD)"
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
  echo "fresh-machine-check: note: uncommitted changes are not checked; checking $commit"
fi

if ! command -v mmdebstrap > /dev/null; then
  echo "fresh-machine-check: installing mmdebstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap \
    > /dev/null
fi

mirror="${SLUICE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security="${mirror%/debian}/debian-security"
work="$(mktemp -d "$base/sluice-fresh.XXXXXX")"
root="$work/root"
echo "fresh-machine-check: commit $commit, root in $root"

seconds_since() { echo $(($(date +%s) - $1)); }
minutes() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

t0=$(date +%s)
mmdebstrap --quiet --variant=minbase --include=make,git bookworm "$root" \
  "deb $mirror bookworm main" "deb $mirror bookworm-updates main" \
  "deb $security bookworm-security main" > "$work/mmdebstrap.log" 2>&1 || {
  tail -20 "$work/mmdebstrap.log"
  echo "fresh-machine-check: mmdebstrap failed (log: $work/mmdebstrap.log)" >&2
  exit 1
}
echo "fresh-machine-check: minimal Debian 12 root made in $(minutes "$(seconds_since "$t0")")"

cp /etc/resolv.conf "$root/etc/resolv.conf"
git clone --quiet --no-hardlinks "$repo" "$root/home/sluice"
git -C "$root/home/sluice" checkout --quiet "$commit"

# Runs one command in the root as a newcomer would: from the repository's
# root, as root, with a plain environment. The mounts live in a private mount
# namespace, so they vanish with it, also when the command fails.
in_root() {
  unshare --mount --propagation private --fork -- bash -c '
    set -e
    r="$1"; shift
    mount --rbind /dev "$r/dev"
    mount -t proc proc "$r/proc"
    mount -t sysfs sysfs "$r/sys"
    mount -t tmpfs tmpfs "$r/tmp"
    exec chroot "$r" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=xterm \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      bash -c "cd /home/sluice && $*"' in_root "$root" "$@"
}

declare -A took passed apt
for command in "make run" "make test"; do
  log="$work/${command// /-}.log"
  echo "fresh-machine-check: $command ..."
  start=$(date +%s)
  if in_root "$command JOBS=$jobs" > "$log" 2>&1; then
    passed[$command]=yes
  else
    passed[$command]=NO
    tail -40 "$log"
  fi
  took[$command]=$(seconds_since "$start")
  # scripts/setup.sh prints how long apt took when it installed anything.
  apt[$command]=$(sed -n 's/^setup: installed .* in \([0-9]*\) s$/\1/p' "$log" | tail -1)
  apt[$command]=${apt[$command]:-0}
done

echo
echo "fresh-machine-check: commit $commit on a minimal Debian 12"
for command in "make run" "make test"; do
  total=${took[$command]}
  a=${apt[$command]}
  printf '  %-10s %-4s %s in all, %s of it apt, %s without apt\n' "$command" \
    "${passed[$command]}" "$(minutes "$total")" "$(minutes "$a")" "$(minutes $((total - a)))"
done
grep -E '^[0-9]+% tests passed|tests failed out of' "$work/make-test.log" | sed 's/^/  ctest: /' || true

if [ "${passed["make run"]}" = yes ] && [ "${passed["make test"]}" = yes ]; then
  [ "$keep" -eq 1 ] && echo "  kept: $work" || rm -rf "$work"
  echo "fresh-machine-check: PASSED"
  exit 0
fi
echo "  logs: $work/*.log"
echo "fresh-machine-check: FAILED"
exit 1
