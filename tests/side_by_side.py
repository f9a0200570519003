"""Independent subprocesses of one test, started together and waited for in turn: CI's two cores run them at once,
where ``subprocess.run`` one after the other would leave a core idle through each one's imports."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from typing import Any

Command = Sequence[str | os.PathLike[str]]


def start(command: Command, **options: Any) -> subprocess.Popen[str]:
    """``command`` started, its stdout and stderr captured as text (``options`` go to :class:`subprocess.Popen`)."""
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **options)


def finish(process: subprocess.Popen[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """What ``subprocess.run(..., capture_output=True, text=True, timeout=timeout)`` returns for ``process``; on the
    timeout the process is killed and :class:`subprocess.TimeoutExpired` raised, as ``subprocess.run`` does."""
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def run_together(*commands: Command, timeout: float = 120, **options: Any) -> list[subprocess.CompletedProcess[str]]:
    """Each command's :func:`finish`, all of them started (with the same ``options``) before the first is waited for;
    where one fails (its timeout), the others still running are killed, so none outlives the test."""
    processes = [start(command, **options) for command in commands]
    try:
        return [finish(process, timeout) for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.communicate()
