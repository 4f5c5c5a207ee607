#!/usr/bin/env bash
# Installs what is missing (Debian 12 packages only), configures and builds learndyn.
# Idempotent: installed packages are not reinstalled, and the build is incremental (Ninja),
# so a second run on a set-up machine does nothing but check.
#   scripts/setup.sh [--fuzz] [TARGET...]
# --fuzz also installs clang and its sanitizer/libFuzzer runtimes (scripts/test.sh runs a
# short fuzzing campaign; scripts/fuzz.sh a long one). TARGETs are CMake target names to build
# (scripts/main.sh builds only `learndyn`, so a new user sees the report without first
# compiling every test and benchmark); without any, everything is built.
set -euo pipefail
cd "$(dirname "$0")/.."

install_args=()
if [ "${1:-}" = "--fuzz" ]; then
  install_args=(--fuzz)
  shift
fi
scripts/install_packages.sh "${install_args[@]}"

build="${LEARNDYN_BUILD_DIR:-build}"
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
targets=()
if (($#)); then targets=(--target "$@"); fi
# Two jobs: the machines have 2 cores, and the 50-digit template TUs need ~1 GB each.
cmake --build "$build" -j "${LEARNDYN_JOBS:-2}" "${targets[@]}"
