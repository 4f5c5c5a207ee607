#!/usr/bin/env bash
# The installed package as a user meets it: cmake --install into a scratch prefix, then a
# consumer project that finds learndyn with find_package and
#   - compiles every installed header alone, in its own translation unit (self-contained),
#   - compiles every ```cpp block of README.md and docs/*.md that begins with #include,
#     verbatim, as a complete program, and runs it,
#   - builds and runs consumer/main.cpp (both libraries through their installed headers).
# Usage: test_install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build_dir="$1"
source_dir="$2"
here="$(cd "$(dirname "$0")" && pwd)"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cmake --install "$build_dir" --prefix "$scratch/prefix" >/dev/null

# Each example is named after its page and its ordinal among that page's C++ blocks.
mkdir -p "$scratch/examples"
examples=0
for page in "$source_dir/README.md" "$source_dir"/docs/*.md; do
  [ -f "$page" ] || continue
  name=$(basename "$page" .md)
  awk -v out="$scratch/examples/$name" '
    /^```cpp[[:space:]]*$/ { inside = 1; first = 1; n++; file = ""; next }
    inside && /^```/ { inside = 0; if (file != "") close(file); next }
    inside && first { first = 0; if ($0 ~ /^#include/) file = out "_" n ".cpp" }
    inside && file != "" { print > file }
  ' "$page"
done
examples=$(find "$scratch/examples" -name '*.cpp' | wc -l)
if [ "$examples" = 0 ]; then
  echo "install: no C++ example found in README.md or docs/*.md" >&2
  exit 1
fi

cmake -S "$here/consumer" -B "$scratch/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$scratch/prefix" -DLEARNDYN_EXAMPLES_DIR="$scratch/examples" >/dev/null
cmake --build "$scratch/build" -j "${LEARNDYN_JOBS:-2}" -- -k 0 >"$scratch/build.log" 2>&1 || {
  grep -E "error|FAILED" -A3 "$scratch/build.log" | head -60 >&2
  echo "install: the consumer project does not build (above)" >&2
  exit 1
}
"$scratch/build/consumer" >/dev/null
passed=1
failed=0
for example in "$scratch"/examples/*.cpp; do
  name=$(basename "$example" .cpp)
  if "$scratch/build/example_$name" >"$scratch/out" 2>&1; then
    passed=$((passed + 1))
  else
    echo "install: the example $name (from its page's C++ blocks) exits non-zero:" >&2
    cat "$scratch/out" >&2
    failed=$((failed + 1))
  fi
done
test -x "$scratch/prefix/bin/learndyn"
headers=$(find "$scratch/prefix/include/learndyn" -name '*.hpp' | wc -l)
echo "install: $headers headers compile alone, $examples examples built; $passed passed, $failed failed"
[ "$failed" = 0 ]
