#!/usr/bin/env bash
# Fuzzes every parser of user input (fuzz/fuzz_*.cpp) with libFuzzer, under AddressSanitizer
# and UndefinedBehaviorSanitizer, starting from the seed corpus in fuzz/corpus/.
#   scripts/fuzz.sh                      each target for LEARNDYN_FUZZ_SECONDS (default 300)
#   LEARNDYN_FUZZ_RUNS=20000 scripts/fuzz.sh   each target for that many executions, seed 1
#                                        (deterministic; what scripts/test.sh runs)
# Prints the executions of each target. A finding stops the script with libFuzzer's report
# and leaves the input as build-fuzz/crash-*.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_packages.sh --fuzz
build=build-fuzz
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ \
        -DLEARNDYN_BUILD_FUZZERS=ON >/dev/null
fi
cmake --build "$build" -j "${LEARNDYN_JOBS:-2}"
if [ -n "${LEARNDYN_FUZZ_RUNS:-}" ]; then
  budget=(-runs="$LEARNDYN_FUZZ_RUNS" -seed=1)
else
  budget=(-max_total_time="${LEARNDYN_FUZZ_SECONDS:-300}")
fi
for target in decimal golden candidate_json candidate_csv npy npz ntk_manifest ghost_weights overlaps_vectors overlaps_sigma0 sweep_part; do
  corpus="$build/corpus/$target"        # grows as libFuzzer finds new coverage
  mkdir -p "$corpus"
  log="$build/fuzz_$target.log"
  if ! (cd "$build" && "fuzz/fuzz_$target" "${budget[@]}" -max_len=4096 "corpus/$target" \
        "../fuzz/corpus/$target") >"$log" 2>&1; then
    tail -n 30 "$log"
    echo "fuzz: fuzz_$target found a failing input (above; saved as $build/crash-*)" >&2
    exit 1
  fi
  echo "fuzz: fuzz_$target: $(grep -o 'Done [0-9]* runs' "$log" | tail -n 1 | cut -d' ' -f2) executions, no finding"
done
