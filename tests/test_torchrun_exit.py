"""A torchrun process ends without the interpreter's teardown (where gloo's threads can abort a finished run),
with the command's exit status and all of its output; a process of its own ends as usual."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mvae_core.cli import exit_status

TEARDOWN_SAYS = "teardown ran"
PROGRAM = f"""
import atexit, sys
atexit.register(lambda: sys.stderr.write({TEARDOWN_SAYS!r}))
sys.argv = ["mvae", *sys.argv[1:]]
from mvae_core.cli import main
main()
"""


def _mvae(world: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"WORLD_SIZE": world, "RANK": "0"}
    return subprocess.run(
        [sys.executable, "-c", PROGRAM, *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def test_a_torchrun_process_ends_with_its_status_and_output_but_no_teardown(tmp_path):
    listed = _mvae("2", "models")
    assert listed.returncode == 0, listed.stderr
    assert "seed" in listed.stdout
    assert TEARDOWN_SAYS not in listed.stderr
    refused = _mvae("2", "generate", str(tmp_path / "no-such-run"), "--out", str(tmp_path / "loops"))
    assert refused.returncode == 2
    assert "no-such-run" in refused.stderr
    assert TEARDOWN_SAYS not in refused.stderr


@pytest.mark.parametrize("world", ["1", "two"])
def test_a_process_of_its_own_ends_as_usual(world):
    """One process, or a WORLD_SIZE that is not a number (the command's to report), tears down as Python does."""
    listed = _mvae(world, "models")
    assert TEARDOWN_SAYS in listed.stderr


@pytest.mark.parametrize(("code", "status"), [(None, 0), (0, 0), (3, 3), ("bye", 1)])
def test_exit_status_is_the_interpreters(code, status, capsys):
    assert exit_status(SystemExit(code)) == status
    assert capsys.readouterr().err == ("bye\n" if code == "bye" else "")
