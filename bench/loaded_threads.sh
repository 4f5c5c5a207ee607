#!/usr/bin/env bash
# The parallel layer on a loaded machine (proofs/common.md C16; docs/development.md, "Threads"):
# runs one command with the default threads (every core), with --threads 1 and with --threads 8,
# first on the machine as it is, then beside two busy loops (`yes > /dev/null`, the machine's
# two cores taken), and prints the wall seconds of each, the ratio default / --threads 1 side by
# side, and whether every run wrote the same bytes. Not part of the tests (no timing
# assertions anywhere).
#   bench/loaded_threads.sh [build/cli/learndyn] [repeats] -- [command ...]
# The default command is the issue's: overlaps filter --N 10000 --epochs 20; a second, larger
# one (N = 200000, where a sweep is cut into 13 chunks) shows the threads at work.
set -euo pipefail
bin="${1:-build/cli/learndyn}"
repeats="${2:-3}"
shift $(( $# > 2 ? 2 : $# ))
[ "${1:-}" = "--" ] && shift
scratch=$(mktemp -d)
loads=()
cleanup() {
  for pid in "${loads[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$scratch"
}
trap cleanup EXIT

# Seconds (wall) of the fastest of `repeats` runs of the command with the given threads option.
fastest() {
  local best=""
  for ((i = 0; i < repeats; ++i)); do
    local start end
    start=$(date +%s.%N)
    "$bin" "$@" -o "$scratch/out_$RANDOM$RANDOM.csv" >/dev/null 2>&1
    end=$(date +%s.%N)
    best=$(python3 -c "import sys; t = $end - $start; b = '$best'; print(f'{min(t, float(b)) if b else t:.3f}')")
  done
  echo "$best"
}

measure() {
  local label=$1
  shift
  local d one eight
  d=$(fastest "$@")
  one=$(fastest "$@" --threads 1)
  eight=$(fastest "$@" --threads 8)
  printf '%-8s default %7.3f s  --threads 1 %7.3f s  --threads 8 %7.3f s  default / 1 = %.2f\n' \
    "$label" "$d" "$one" "$eight" "$(python3 -c "print($d / $one)")"
}

commands=()
if [ $# -gt 0 ]; then
  commands=("$*")
else
  commands=("overlaps filter --N 10000 --epochs 20" "overlaps filter --N 200000 --epochs 5")
fi
for command in "${commands[@]}"; do
  read -r -a args <<<"$command"
  echo "learndyn $command (fastest of $repeats)"
  measure idle "${args[@]}"
  yes >/dev/null &
  loads+=($!)
  yes >/dev/null &
  loads+=($!)
  measure loaded "${args[@]}"
  for pid in "${loads[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait "${loads[@]}" 2>/dev/null || true
  loads=()
  echo "distinct outputs: $(md5sum "$scratch"/out_*.csv | awk '{print $1}' | sort -u | wc -l) (1 = the same bytes)"
  rm -f "$scratch"/out_*.csv
done
