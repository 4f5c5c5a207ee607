#!/usr/bin/env bash
# The main job: install what is missing, build, and run `learndyn report` on its built-in
# default, writing out/report.md and the figures (override the folder: scripts/main.sh DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
"${LEARNDYN_BUILD_DIR:-build}/cli/learndyn" report --out "${1:-out}"
