#!/usr/bin/env bash
# Installs what is missing (Debian 12 packages only), configures and builds learndyn.
# Idempotent: installed packages are not reinstalled, and the build is incremental (Ninja),
# so a second run on a set-up machine does nothing but check.
# --fuzz also installs clang and its sanitizer/libFuzzer runtimes (scripts/test.sh runs a
# short fuzzing campaign; scripts/fuzz.sh a long one).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install_packages.sh "$@"

build="${LEARNDYN_BUILD_DIR:-build}"
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
# Two jobs: the machines have 2 cores, and the 50-digit template TUs need ~1 GB each.
cmake --build "$build" -j "${LEARNDYN_JOBS:-2}"
