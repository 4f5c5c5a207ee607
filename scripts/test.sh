#!/usr/bin/env bash
# Install what is missing, build, and run the whole test suite, three ways:
#   1. the Release build (ctest; RapidCheck seeds are pinned in tests/CMakeLists.txt, so every
#      run tests the same inputs);
#   2. the same suite again with the double-precision libraries (SIMD kernels, parsers) built
#      with AddressSanitizer + UndefinedBehaviorSanitizer (build-sanitize/; any report fails the
#      test that triggered it). Everything else there has the Release flags, so ccache serves
#      it from stage 1 instead of compiling the 50-digit templates twice;
#   3. a short, seeded libFuzzer campaign on every input parser (scripts/fuzz.sh);
#   4. the Python package, installed into build-venv/ and tested with pytest (scripts/test_python.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --fuzz
ctest --test-dir "${LEARNDYN_BUILD_DIR:-build}" --output-on-failure -j 2 --timeout 1200

san=build-sanitize
if [ ! -f "$san/build.ninja" ]; then
  # Same flags as stage 1 (setup.sh) but for the instrumented targets: identical commands are
  # ccache hits.
  cmake -S . -B "$san" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DLEARNDYN_SANITIZE=ON -DLEARNDYN_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$san" -j "${LEARNDYN_JOBS:-2}"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir "$san" --output-on-failure -j 2 --timeout 1200

LEARNDYN_FUZZ_RUNS="${LEARNDYN_FUZZ_RUNS:-20000}" scripts/fuzz.sh

scripts/test_python.sh
