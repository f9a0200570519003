"""What `make demo` tells a first-time user at its end."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_demo_says_how_the_mvae_commands_it_prints_run_as_shown():
    """`make demo` runs `.venv/bin/mvae`, and train's last line says `next: mvae generate runs/demo ...`; in the
    shell of someone who just ran `make demo`, `mvae` is not on the PATH (bash: mvae: command not found)."""
    recipe = subprocess.run(
        ["make", "--no-print-directory", "-n", "demo"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert ".venv/bin/mvae train corpus:essen" in recipe  # mvae runs from the venv, not the PATH
    assert "source .venv/bin/activate" in recipe.splitlines()[-1]
