#!/usr/bin/env bash
# Builds and runs every benchmark (Release build), writing bench-results/bench_<area>.json
# (Google Benchmark's JSON with the ratio counters) and bench-results/summary.{json,md}: one
# Markdown table of each benchmark's time and of the ratios it reports (speedup_* = fast vs
# reference or naive, measured side by side; fraction_of_* = achieved vs machine peak).
#   scripts/bench.sh                       all benchmarks
#   scripts/bench.sh --benchmark_filter=X  passed to every benchmark executable
#   LEARNDYN_BENCH_BASELINE=old/summary.json scripts/bench.sh   adds a column: old time / new
# Not part of the tests (no timing assertions anywhere).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
build="${LEARNDYN_BUILD_DIR:-build}"
mkdir -p bench-results
results=()
for b in "$build"/bench/bench_*; do
  name=$(basename "$b")
  "$b" --benchmark_min_time="${LEARNDYN_BENCH_MIN_TIME:-0.5}" \
       --benchmark_out="bench-results/$name.json" --benchmark_out_format=json "$@"
  # With --benchmark_filter, an executable with no matching benchmark writes an empty file.
  if [ -s "bench-results/$name.json" ]; then
    results+=("bench-results/$name.json")
  else
    rm -f "bench-results/$name.json"
  fi
done
baseline=()
if [ -n "${LEARNDYN_BENCH_BASELINE:-}" ]; then baseline=(--baseline "$LEARNDYN_BENCH_BASELINE"); fi
"$build/bench/summarize_bench" --out bench-results "${baseline[@]}" "${results[@]}"
