#!/usr/bin/env bash
# Install what is missing, build, and run the whole test suite (ctest; RapidCheck seeds are
# pinned in tests/CMakeLists.txt, so every run tests the same inputs).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
ctest --test-dir "${LEARNDYN_BUILD_DIR:-build}" --output-on-failure -j 2 --timeout 1200
