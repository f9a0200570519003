"""Building mvae (what `make demo` and `pip install -e .` do) prints no deprecation boxes of the build backend, and
the wheel marks the package as typed."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_building_mvae_prints_no_deprecation_warning(tmp_path):
    """`project.license` as a table made setuptools print a 12-line deprecation box three times in every build, in
    the middle of a newcomer's `make demo`. Built offline with this environment's setuptools."""
    pytest.importorskip("setuptools")
    source = tmp_path / "mvae"  # a copy: a build writes build/ and *.egg-info/ beside pyproject.toml
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "mvae_core", "mvae_plugins", "schedules"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        elif (ROOT / name).exists():
            shutil.copy2(ROOT / name, source / name)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(tmp_path),
         str(source)],
        capture_output=True, text=True, timeout=300, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "deprecated" not in result.stdout + result.stderr, result.stdout + result.stderr
    (wheel,) = tmp_path.glob("mvae-*.whl")
    with zipfile.ZipFile(wheel) as built:  # PEP 561: without it a type checker skips an installed mvae_core
        assert {"mvae_core/py.typed", "mvae_plugins/py.typed", "schedules/py.typed"} <= set(built.namelist())
