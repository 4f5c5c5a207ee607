#!/usr/bin/env bash
# The Python package's stage of scripts/test.sh (after the C++ stages, whose build/ it reuses):
# installs python/ into a virtual environment, as docs/python.md tells a user to, and runs its
# pytest suite against the installed package and the CLI of build/.
#   build-venv/            the venv (--system-site-packages: Debian's numpy, pytest, hypothesis)
#   build-python/          the extension's CMake build (setup.py; beside build/, so ccache hits)
#   build-venv/pytest-run/ pytest's working directory: outside python/, so `import learndyn` is
#                          the installed package, never the source tree (which has no extension)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# Debian's interpreter: a python3 earlier on PATH (pyenv, conda) lacks Debian's packages.
python=${LEARNDYN_PYTHON:-/usr/bin/python3}
venv=build-venv
[ -x "$venv/bin/python3" ] || "$python" -m venv --system-site-packages "$venv"
CMAKE_BUILD_PARALLEL_LEVEL="${LEARNDYN_JOBS:-2}" "$venv/bin/python3" -m pip install --no-build-isolation -q ./python
mkdir -p "$venv/pytest-run"
cd "$venv/pytest-run"
status=0
# A fixed Hypothesis seed: every run tests the same inputs, as the pinned RapidCheck seeds do.
# LEARNDYN_REQUIRE_TORCH: the torch/scipy tests fail, not skip, without python3-torch (installed
# by scripts/install_packages.sh).
LEARNDYN_REQUIRE_TORCH=1 LEARNDYN_CLI="$root/${LEARNDYN_BUILD_DIR:-build}/cli/learndyn" \
  "$root/$venv/bin/python3" -m pytest -q -p no:cacheprovider --hypothesis-seed=0 "$root/python/tests" || status=$?
if [ "$status" -eq 5 ]; then
  echo "test_python: pytest collected no tests" >&2
  exit 1
fi
exit "$status"
