#!/usr/bin/env bash
# Installs the Debian 12 packages learndyn needs that are missing (apt, as root or via sudo).
# Idempotent: installed packages are not reinstalled.
#   --fuzz  also clang and its sanitizer/libFuzzer runtimes (the test command's fuzzing stage)
set -euo pipefail

packages=(
  g++ cmake ninja-build ccache            # toolchain (ccache: CI clones rebuild from cache)
  libeigen3-dev libboost-dev              # linear algebra; Multiprecision + Math (quadrature)
  libhwy-dev                              # Highway: SIMD element-wise kernels, runtime dispatch
  libtbb-dev                              # oneTBB: the parallel layer (common/parallel.hpp; proofs/common.md C16)
  libcli11-dev nlohmann-json3-dev         # command line, JSON
  libgtest-dev librapidcheck-dev libbenchmark-dev   # tests, properties, benchmarks
  gnuplot-nox                             # PNG figures
  libflint-arb-dev                        # Arb: the interval scalar of the proved enclosures (common/interval.hpp; proofs/common.md C17)
  zlib1g-dev                              # .npz arrays: deflate (np.savez_compressed), CRC-32
  python3                                 # the CLI tests' JSON/CSV checks and independent models
  python3-numpy                           # the array-file tests (NumPy's files); the Python package's arrays
  pybind11-dev python3-dev                # the Python package's extension module (python/)
  python3-venv python3-pip python3-setuptools   # its install: a venv, pip, setup.py's CMake build
  python3-pytest python3-hypothesis       # its tests and pytest plugin; property tests vs the CLI
  python3-torch python3-scipy             # its NTK tests and ntk_torch (ntk metrics --manifest): torch.nn.GRU/RNN Jacobians, scipy's eigsh
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

