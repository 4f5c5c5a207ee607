#!/usr/bin/env bash
# Builds and runs every benchmark, writing bench-results/<name>.json (Google Benchmark's
# JSON, with the speedup counters) and printing the console table. Not part of the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mkdir -p bench-results
for b in "${LEARNDYN_BUILD_DIR:-build}"/bench/bench_*; do
  name=$(basename "$b")
  "$b" --benchmark_min_time="${LEARNDYN_BENCH_MIN_TIME:-0.5}" \
       --benchmark_out="bench-results/$name.json" --benchmark_out_format=json "$@"
done
