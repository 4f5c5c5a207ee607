#!/usr/bin/env bash
# Builds bench/parallel_runtimes/loop.cpp for oneTBB and for OpenMP (libgomp) and prints the
# table of proofs/common.md C16: 5000 loops of 40 chunks, 3 us or 150 us a loop, on 1 and 2
# threads, on the machine as it is and beside two busy loops. Not part of the tests.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
scratch=$(mktemp -d)
loads=()
trap 'for p in "${loads[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$scratch"' EXIT
g++ -O2 -DUSE_TBB "$here/loop.cpp" -o "$scratch/loop_tbb" -ltbb
g++ -O2 -fopenmp "$here/loop.cpp" -o "$scratch/loop_omp"
row() {
  local label=$1 r=$2
  echo "$label reps $r: tbb t1 $("$scratch/loop_tbb" 5000 40 "$r" 1) t2 $("$scratch/loop_tbb" 5000 40 "$r" 2)" \
       "| omp t1 $("$scratch/loop_omp" 5000 40 "$r" 1) t2 $("$scratch/loop_omp" 5000 40 "$r" 2)" \
       "passive t2 $(OMP_WAIT_POLICY=passive "$scratch/loop_omp" 5000 40 "$r" 2)"
}
for r in 20 2000; do row "as found" "$r"; done
yes >/dev/null &
loads+=($!)
yes >/dev/null &
loads+=($!)
for r in 20 2000; do row "loaded" "$r"; done
