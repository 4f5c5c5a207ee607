"""The tests run against the installed package, never this source tree (python/learndyn has no
compiled extension): scripts/test.sh runs pytest from outside python/. LEARNDYN_CLI names the
learndyn program the bindings are compared with."""
import json
import os
import shutil
import subprocess

import pytest


def cli_path():
    path = os.environ.get("LEARNDYN_CLI") or shutil.which("learndyn")
    if not path:
        raise RuntimeError("set LEARNDYN_CLI to the learndyn program (build/cli/learndyn)")
    return path


def run_cli(*args, check=True):
    """learndyn ARGS: (exit code, stdout, stderr)."""
    done = subprocess.run([cli_path(), *args], capture_output=True, text=True)
    if check and done.returncode != 0:
        raise AssertionError(f"learndyn {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return done.returncode, done.stdout, done.stderr


def cli_json(*args):
    return json.loads(run_cli(*args, "--json")[1])


@pytest.fixture(scope="session")
def cli():
    return cli_path()
