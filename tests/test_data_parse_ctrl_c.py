"""Ctrl-C from a terminal reaches the whole process group: worker processes that are still starting (importing
mvae) when it arrives print no KeyboardInterrupt traceback each; the parent's one ``stopped:`` line is all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.synth import melody_folder

# Every process after the first (the spawned parse workers) announces itself and goes on starting only once the
# test has sent its signal, so the signal lands while they start up, as a Ctrl-C in the first second of a big parse
# does (a fixed 3 s sleep did that, and every stop waited for it).
SLOW_START = """
import os, time
if "SLOW_START_PARENT" in os.environ:
    open(os.path.join(os.environ["SLOW_START_MARKS"], str(os.getpid())), "w").close()
    deadline = time.monotonic() + 30
    while not os.path.exists(os.environ["SLOW_START_SENT"]) and time.monotonic() < deadline:
        time.sleep(0.01)
else:
    os.environ["SLOW_START_PARENT"] = str(os.getpid())
"""


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signal masks")
@pytest.mark.parametrize(
    ("signum", "said"),
    [(signal.SIGINT, "interrupted"), (signal.SIGTERM, "terminated (SIGTERM)")],
    ids=["ctrl_c", "sigterm"],
)
def test_a_stop_while_parse_workers_start_prints_one_line(tmp_path: Path, signum: int, said: str):
    """Ctrl-C reaches the whole group; SIGTERM (a job scheduler's) the parent, which said 'interrupted', exit 130."""
    folder = melody_folder(tmp_path / "melodies", n_files=40, n_loops=2, seed=3)
    site, marks = tmp_path / "site", tmp_path / "marks"
    site.mkdir(), marks.mkdir()
    (site / "sitecustomize.py").write_text(SLOW_START)
    sent = tmp_path / "signal-sent"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), os.getcwd()]), SLOW_START_MARKS=str(marks),
               SLOW_START_SENT=str(sent), MVAE_CACHE_DIR=str(tmp_path / "cache"))  # fmt: skip
    command = [sys.executable, "-c", "from mvae_core.entry import main; main()", "data", "inspect", str(folder)]
    proc = subprocess.Popen([*command, "--jobs", "2"], env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while len(list(marks.iterdir())) < 2 and time.monotonic() < deadline:  # both workers are starting
            time.sleep(0.05)
        assert len(list(marks.iterdir())) >= 2
        if signum == signal.SIGINT:
            os.killpg(proc.pid, signal.SIGINT)  # as a terminal's Ctrl-C: to every process of the group
        else:
            os.kill(proc.pid, signum)
        sent.touch()  # the workers may finish starting now
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    kept = "the files parsed so far are in the parse cache, so the next run starts from there"  # each as parsed
    assert (proc.returncode, stderr) == (128 + signum, f"stopped: {said} while reading data; {kept}\n")
