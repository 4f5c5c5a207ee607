#!/usr/bin/env bash
# cmake --install into a scratch prefix, then configure, build and run a consumer project
# that finds learndyn with find_package and links learndyn::reference and learndyn::fast.
set -euo pipefail
build_dir="$1"
source_dir="$(cd "$(dirname "$0")" && pwd)"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cmake --install "$build_dir" --prefix "$scratch/prefix" >/dev/null
cmake -S "$source_dir/consumer" -B "$scratch/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$scratch/prefix" >/dev/null
cmake --build "$scratch/build" >/dev/null
"$scratch/build/consumer"
test -x "$scratch/prefix/bin/learndyn"
echo "install: 1 passed, 0 failed"
