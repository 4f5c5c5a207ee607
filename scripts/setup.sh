#!/usr/bin/env bash
# Installs what is missing (Debian 12 packages only), configures and builds learndyn.
# Idempotent: installed packages are not reinstalled, and the build is incremental (Ninja),
# so a second run on a set-up machine does nothing but check.
# --fuzz also installs clang and its sanitizer/libFuzzer runtimes (scripts/test.sh runs a
# short fuzzing campaign; scripts/fuzz.sh a long one).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  g++ cmake ninja-build ccache            # toolchain (ccache: CI clones rebuild from cache)
  libeigen3-dev libboost-dev              # linear algebra; Multiprecision + Math (quadrature)
  libhwy-dev                              # Highway: SIMD element-wise kernels, runtime dispatch
  libcli11-dev nlohmann-json3-dev         # command line, JSON
  libgtest-dev librapidcheck-dev libbenchmark-dev   # tests, properties, benchmarks
  gnuplot-nox                             # PNG figures
)
if [ "${1:-}" = "--fuzz" ]; then
  packages+=(clang libclang-rt-14-dev)      # libFuzzer + ASan/UBSan runtimes for clang
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

build="${LEARNDYN_BUILD_DIR:-build}"
if [ ! -f "$build/build.ninja" ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
# Two jobs: the machines have 2 cores, and the 50-digit template TUs need ~1 GB each.
cmake --build "$build" -j "${LEARNDYN_JOBS:-2}"
