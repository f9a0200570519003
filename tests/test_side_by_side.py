"""tests/side_by_side.py, the helper that starts a test's independent subprocesses together: none outlives a test."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests import side_by_side

SLEEPS = [sys.executable, "-c", "import time; time.sleep(30)"]


def test_a_timeout_kills_every_process_it_started(monkeypatch):
    started: list[subprocess.Popen[str]] = []
    real_start = side_by_side.start

    def start(command, **options):
        started.append(real_start(command, **options))
        return started[-1]

    monkeypatch.setattr(side_by_side, "start", start)
    with pytest.raises(subprocess.TimeoutExpired):
        side_by_side.run_together(SLEEPS, SLEEPS, timeout=0.5)
    assert len(started) == 2 and all(process.poll() is not None for process in started)


def test_each_command_gives_what_subprocess_run_gives():
    echo = [sys.executable, "-c", "import sys; print('out'); print('err', file=sys.stderr); sys.exit(3)"]
    [together] = side_by_side.run_together(echo)
    alone = subprocess.run(echo, capture_output=True, text=True)
    assert (together.returncode, together.stdout, together.stderr) == (alone.returncode, alone.stdout, alone.stderr)
