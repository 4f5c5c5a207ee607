#!/usr/bin/env bash
# Runs the README's two commands on a bare Debian 12, as a new user would: builds a minimal
# Debian 12 root (debootstrap --variant=minbase bookworm, from this machine's configured Debian
# mirror), copies the committed tree into it (git archive HEAD: uncommitted changes are NOT
# included), and runs each command in its own copy of that bare root with chroot, so each one
# starts from nothing. Prints how long each took and which failed.
#   scripts/fresh_machine_check.sh              both commands
#   scripts/fresh_machine_check.sh main         only ./scripts/main.sh   (or: test)
#   LEARNDYN_FRESH_DIR=DIR                      work folder (default: a new one under /tmp);
#                                               a bare root left there by an earlier run
#                                               (DIR/base) is reused
#   LEARNDYN_FRESH_KEEP=1                       keep the roots afterwards (for a look inside)
#   LEARNDYN_DEBIAN_MIRROR=URL                  override the mirror
# Needs root (debootstrap, mount, chroot) and the network to the Debian mirror; installs
# debootstrap if it is missing. Not part of the test command: it takes 20-30 minutes.
# Exit status: 0 when every command run passed, 1 otherwise, 2 for a usage error.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

commands=()
case "${1:-both}" in
  both) commands=(main test) ;;
  main|test) commands=("$1") ;;
  *) echo "fresh_machine_check: argument must be main, test or nothing (both); got '$1'" >&2; exit 2 ;;
esac
if [ "$(id -u)" -ne 0 ]; then
  echo "fresh_machine_check: must run as root (debootstrap, mount and chroot need it)" >&2; exit 2
fi
# The two commands, exactly as the README's "Two commands" section gives them.
declare -A run_of=([main]="./scripts/main.sh" [test]="./scripts/test.sh")
for c in "${commands[@]}"; do
  grep -qF "${run_of[$c]}" README.md || {
    echo "fresh_machine_check: README.md no longer shows '${run_of[$c]}': update this script" >&2; exit 2; }
done

if ! command -v debootstrap >/dev/null; then
  echo "fresh: installing debootstrap" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

# The first Debian archive URI that apt is configured with (one-line .list or deb822 .sources;
# comments skipped), not the security archive.
mirror="${LEARNDYN_DEBIAN_MIRROR:-}"
if [ -z "$mirror" ]; then
  mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
           sed -e 's/#.*//' | grep -oE '(^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?|^URIs:[[:space:]]*)[^[:space:]]+' |
           grep -oE '[a-z]+://[^[:space:]]+' | grep -v -- '-security' | grep -E '/debian/?$' | head -n 1 || true)
  mirror="${mirror:-http://deb.debian.org/debian}"
fi

work="${LEARNDYN_FRESH_DIR:-$(mktemp -d /tmp/learndyn-fresh.XXXXXX)}"
mkdir -p "$work"
mounted=()
cleanup() {
  local m
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" 2>/dev/null || true; done
  if [ "${LEARNDYN_FRESH_KEEP:-0}" != 1 ]; then
    for c in main test; do rm -rf "${work:?}/$c"; done
  fi
}
trap cleanup EXIT

now() { date +%s; }
if [ ! -x "$work/base/bin/bash" ]; then
  echo "fresh: debootstrap --variant=minbase bookworm from $mirror into $work/base" >&2
  t0=$(now)
  rm -rf "$work/base"
  if ! debootstrap --variant=minbase bookworm "$work/base" "$mirror" >"$work/debootstrap.log" 2>&1; then
    tail -n 20 "$work/debootstrap.log"; echo "fresh: debootstrap failed (log: $work/debootstrap.log)" >&2; exit 1
  fi
  echo "fresh: bare root ready in $(( $(now) - t0 )) s" >&2
fi

declare -A seconds status
for c in "${commands[@]}"; do
  root="$work/$c"
  rm -rf "$root"
  cp -a "$work/base" "$root"
  mkdir -p "$root/root/learndyn"
  git archive HEAD | tar -x -C "$root/root/learndyn"
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  for m in proc sys dev dev/pts; do
    mkdir -p "$root/$m"; mount --bind "/$m" "$root/$m"; mounted+=("$root/$m")
  done
  log="$work/$c.log"
  echo "fresh: running ${run_of[$c]} in a bare Debian 12 root (log: $log)" >&2
  t0=$(now)
  set +e
  chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      bash -c "cd /root/learndyn && ${run_of[$c]}" </dev/null >"$log" 2>&1
  rc=$?
  set -e
  seconds[$c]=$(( $(now) - t0 ))
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[i]}" 2>/dev/null || true; done
  mounted=()
  if [ "$rc" = 0 ]; then status[$c]="passed"; else
    status[$c]="FAILED (exit $rc)"
    echo "---- last 30 lines of $log ----"; tail -n 30 "$log"; echo "----"
  fi
  echo "fresh: ${run_of[$c]}: ${status[$c]} in ${seconds[$c]} s" >&2
done

echo "fresh-machine check of $(git rev-parse --short HEAD) (bare Debian 12 minbase root, mirror $mirror, $(nproc) cores):"
failed=0
for c in "${commands[@]}"; do
  printf '  %-20s %-18s %5d s (%d min %02d s)\n' "${run_of[$c]}" "${status[$c]}" "${seconds[$c]}" \
         $(( seconds[$c] / 60 )) $(( seconds[$c] % 60 ))
  [ "${status[$c]}" = passed ] || failed=1
done
exit "$failed"
