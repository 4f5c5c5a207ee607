"""Builds learndyn's Python package: setuptools for the Python side, CMake for the extension.

build_ext configures CMake on the repository root (the parent of this folder) with
LEARNDYN_BUILD_PYTHON=ON and builds the one target learndyn._core, which links the C++
libraries the CLI links; then it writes the golden suite the package ships
(learndyn/data/golden_default.json, golden_full.json) with that extension, exactly as
`learndyn oracle generate --suite default` writes it. The version is the project() version of
the root CMakeLists.txt, the one the CLI's --version prints.
"""
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def project_version():
    text = (ROOT / "CMakeLists.txt").read_text()
    match = re.search(r"project\(\s*learndyn\s+VERSION\s+([0-9][0-9.]*)", text)
    if not match:
        raise RuntimeError("setup.py: no 'project(learndyn VERSION x.y.z' in CMakeLists.txt")
    return match.group(1)


class CMakeExtension(Extension):
    def __init__(self, name, target):
        super().__init__(name, sources=[])
        self.target = target


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        if not isinstance(ext, CMakeExtension):
            return super().build_extension(ext)
        module = Path(self.get_ext_fullpath(ext.name)).resolve()
        # One level below the repository root, as build/: ccache (CCACHE_BASEDIR, set by the
        # CMake launcher) then hashes the same relative paths and reuses the C++ build's objects.
        build_dir = Path(os.environ.get("LEARNDYN_PYTHON_BUILD_DIR", ROOT / "build-python"))
        build_dir.mkdir(parents=True, exist_ok=True)
        configure = [
            "cmake", "-S", str(ROOT), "-B", str(build_dir), "-G", "Ninja",
            "-DCMAKE_BUILD_TYPE=Release",
            "-DLEARNDYN_BUILD_PYTHON=ON",
            "-DLEARNDYN_BUILD_TESTS=OFF", "-DLEARNDYN_BUILD_BENCH=OFF", "-DLEARNDYN_BUILD_CLI=OFF",
            f"-DPython_EXECUTABLE={sys.executable}",
            f"-DCMAKE_LIBRARY_OUTPUT_DIRECTORY={module.parent}",
        ]
        subprocess.run(configure, check=True, stdout=subprocess.DEVNULL)
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 1))
        subprocess.run(["cmake", "--build", str(build_dir), "--target", ext.target, "-j", jobs], check=True)
        built = module.parent / module.name
        if not built.exists():
            raise RuntimeError(f"setup.py: CMake did not write {built}")
        self.write_golden(built, module.parent / "data")

    @staticmethod
    def write_golden(extension, data_dir):
        # The shipped golden suite, from the extension just built (the CLI's own code path:
        # oracle::evaluate_suite + to_json_text), so it always matches this build's reference.
        spec = importlib.util.spec_from_file_location("learndyn._core", extension)
        core = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(core)
        data_dir.mkdir(parents=True, exist_ok=True)
        for suite in ("default", "full"):  # the full suite: ~40 s on one core, once per install
            (data_dir / f"golden_{suite}.json").write_bytes(core.golden_text(suite, 50).encode())


setup(
    name="learndyn",
    version=project_version(),
    description="Learning dynamics of recurrent networks: certified reference, fast paths and the golden oracle",
    packages=["learndyn"],
    package_data={"learndyn": ["data/*.json", "py.typed"]},
    ext_modules=[CMakeExtension("learndyn._core", target="_core")],
    cmdclass={"build_ext": CMakeBuild},
    python_requires=">=3.9",
    install_requires=["numpy"],
    entry_points={"pytest11": ["learndyn = learndyn.pytest_plugin"]},
    zip_safe=False,
)
