#!/usr/bin/env bash
# Smoke test of the benchmark summary (scripts/bench.sh): one short benchmark through
# Google Benchmark's JSON into summary.md, twice, the second against the first as baseline.
# Usage: test_summary.sh path/to/bench_ghost path/to/summarize_bench
set -euo pipefail
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$1" --benchmark_filter='BM_GhostFastAnalytic/1048576$' --benchmark_min_time=0.01 \
     --benchmark_out="$scratch/bench_ghost.json" --benchmark_out_format=json >/dev/null
"$2" --out "$scratch/a" "$scratch/bench_ghost.json" >/dev/null
grep -q '^| BM_GhostFastAnalytic/1048576 | .* speedup_vs_naive = ' "$scratch/a/summary.md"
grep -q '"speedup_vs_reference_double"' "$scratch/a/summary.json"
"$2" --out "$scratch/b" --baseline "$scratch/a/summary.json" "$scratch/bench_ghost.json" >/dev/null
grep -q 'baseline time / this' "$scratch/b/summary.md"
grep -q '^| BM_GhostFastAnalytic/1048576 | .* | 1 |$' "$scratch/b/summary.md"
echo "bench summary: ok"
