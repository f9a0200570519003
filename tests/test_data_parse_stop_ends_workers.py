"""A stop while the data is parsed in worker processes ends the workers before ``mvae`` exits: the parse left them
running (``shutdown(wait=False)``), so the interpreter's exit waited for them in ``concurrent.futures``' exit hook,
and a SIGTERM after the ``stopped:`` line (a scheduler or service manager escalating SIGINT to SIGTERM) raised in
that hook, printed a traceback and left the process waiting on a worker for ever."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.interrupt import DUMP_ON_ABORT
from tests.synth import melody_folder

# Each spawned parse worker (started with --multiprocessing-fork; not the parent, nor multiprocessing's resource
# tracker) announces itself and then waits, far longer than the test, before it parses anything: the stop finds
# both workers busy, as a Ctrl-C in a big parse does, and an exit that waits for them waits for the whole test.
WORKERS_WAIT = """
import os, sys, time
if "--multiprocessing-fork" in sys.argv:
    open(os.path.join(os.environ["WORKERS_WAIT_MARKS"], str(os.getpid())), "w").close()
    time.sleep(600)
"""


def _stacks(process: subprocess.Popen[bytes], stderr: Path) -> str:
    """What ``process`` printed, with the stacks of its threads when it still runs (SIGABRT, :data:`DUMP_ON_ABORT`)."""
    if process.poll() is None:
        process.send_signal(signal.SIGABRT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
    return stderr.read_text()[-8000:]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_then_sigterm_while_parsing_ends_at_once_with_one_line(tmp_path: Path):
    folder = melody_folder(tmp_path / "melodies", n_files=40, n_loops=2, seed=3)  # >= PARALLEL_MIN_UNITS files
    site, marks = tmp_path / "site", tmp_path / "marks"
    site.mkdir(), marks.mkdir()
    (site / "sitecustomize.py").write_text(WORKERS_WAIT)
    env = {**os.environ, **DUMP_ON_ABORT, "PYTHONPATH": os.pathsep.join([str(site), os.getcwd()]),
           "WORKERS_WAIT_MARKS": str(marks)}  # fmt: skip
    command = [sys.executable, "-c", "from mvae_core.entry import main; main()", "train", str(folder), "--jobs", "2",
               "--set", "data.cache_dir=none", "--out", str(tmp_path / "run"), "--device", "cpu"]  # fmt: skip
    stderr = tmp_path / "stderr"
    with stderr.open("w") as written:
        process = subprocess.Popen(command, env=env, start_new_session=True, stderr=written)
    try:
        deadline = time.monotonic() + 120
        while len(list(marks.iterdir())) < 2 and time.monotonic() < deadline:  # both workers hold a file each
            time.sleep(0.05)
        workers = [int(mark.name) for mark in marks.iterdir()]
        assert len(workers) == 2
        process.send_signal(signal.SIGINT)
        deadline = time.monotonic() + 60
        while "\n" not in stderr.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert stderr.read_text().startswith("stopped: interrupted while reading data; nothing was trained\n"), _stacks(
            process, stderr
        )
        time.sleep(0.3)  # past the line: the process is exiting (or has ended)
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            assert process.wait(timeout=20) == 130
        except subprocess.TimeoutExpired:
            pytest.fail(f"mvae did not end within 20 s of the stop: {_stacks(process, stderr)}")
        assert stderr.read_text() == "stopped: interrupted while reading data; nothing was trained\n"  # no traceback
        assert not any(_alive(pid) for pid in workers)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        for pid in [int(mark.name) for mark in marks.iterdir()]:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
