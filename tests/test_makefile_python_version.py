"""`make demo` with a Python older than pyproject.toml's requires-python stops at once, naming the fix."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")

OLD_PYTHON = f"""#!/bin/sh
# Python 3.10 to the version check: its -c code runs with the version of a 3.10.12
if [ "$1" = "-c" ]; then
  exec {sys.executable} -c 'import sys; sys.version_info = (3, 10, 12, "final", 0); sys.version = "3.10.12"; exec(sys.argv[1])' "$2"
fi
exec {sys.executable} "$@"
"""


def needed() -> str:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return pyproject["project"]["requires-python"].removeprefix(">=")


def test_an_older_python_stops_before_the_venv_with_the_version_needed(tmp_path):
    """A 3.10 went on to build the venv and download torch, then failed minutes later in pip's words."""
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    python = tmp_path / "python3.10"
    python.write_text(OLD_PYTHON, encoding="utf-8")
    python.chmod(0o755)
    done = subprocess.run(["make", "demo", f"PYTHON={python}"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode != 0 and not (tmp_path / ".venv").exists()
    assert f"error: mvae needs Python >= {needed()}, and {python} is 3.10.12" in done.stderr
    assert f"give a newer one: make demo PYTHON=python{needed()}" in done.stderr


def test_the_makefile_reads_the_version_from_pyproject():
    """One source of truth: the check's version is requires-python's, so it cannot drift (an empty one would fail
    every make demo)."""
    listed = subprocess.run(["make", "-n", "-p", "lint"], cwd=ROOT, capture_output=True, text=True).stdout
    assert f"PYTHON_NEEDED := {needed()}" in listed.splitlines()
