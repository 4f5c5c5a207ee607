#!/usr/bin/env bash
# The main job: install what is missing, build the `learndyn` program (only it and the
# libraries it links: the tests and benchmarks are built by scripts/test.sh), and run
# `learndyn report` on its built-in default, writing out/report.md and the figures
# (override the folder: scripts/main.sh DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh learndyn
"${LEARNDYN_BUILD_DIR:-build}/cli/learndyn" report --out "${1:-out}"
