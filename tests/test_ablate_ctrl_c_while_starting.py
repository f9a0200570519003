"""A Ctrl-C that comes while ``mvae ablate``'s pool starts a worker, before the pool has recorded it, stops that
worker too. It raised in the pool before the worker was recorded, so the pool sent it no SIGINT and it trained on
unseen until ``mvae ablate`` itself ended (the orphan guard's signal); a test waiting for the worker's checkpoint
(tests/test_ablate_second_signal.py) waited 60 s in one CI run under load."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

SCRIPT = r"""
import os, signal, subprocess, sys
from pathlib import Path
from mvae_core.ablation import runner

folder = Path(sys.argv[1])
worker = (sys.executable, "-c", "import time\ntime.sleep(120)")
task = runner.Task("plain", 0, folder / "run", folder / "log.txt", worker, "new", 0, None)
started = []
start_worker = runner.start_worker

def started_then_ctrl_c(*args, **kwargs):
    process, offset = start_worker(*args, **kwargs)
    started.append(process)
    os.kill(os.getpid(), signal.SIGINT)  # the Ctrl-C, before the pool has the worker in its list
    return process, offset

runner.start_worker = started_then_ctrl_c
try:
    runner.run_all([task], 1, dict(os.environ), lambda task, outcome: None)
except KeyboardInterrupt:
    print("INTERRUPTED")
try:
    print("worker ended", started[0].wait(timeout=30) is not None)
except subprocess.TimeoutExpired:
    started[0].kill()
    print("worker still running 30 s after the Ctrl-C")
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_ctrl_c_while_a_worker_starts_stops_that_worker(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True, text=True, timeout=120, env=os.environ
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["INTERRUPTED", "worker ended True"]
