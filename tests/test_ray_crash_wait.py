"""When a Ray worker died, the driver went on at once, while the training it had started (SIGINT as its worker died)
still held the run's lock, writing its checkpoint: measured on a local instance (Ray 2.60), Ray reported the death
0.03 s after a ``kill -9`` with the lock still held. The summary then read a run half written, and the same command run
at once could meet that training (``RunBusy``) instead of resuming the run. The driver now waits, bounded, for the run's
lock to be released; where it is still held after that, the error says to wait for the training before running the
command again."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from mvae_core.ablation.ray_executor import RESUME_AFTER_CRASH, STILL_TRAINING, ray_failure, training_ended
from mvae_core.run_files import LOCK

exceptions = pytest.importorskip("ray.exceptions", reason="Ray is not installed: pip install 'mvae[ray]'")

HOLD = (
    "import fcntl, os, sys, time\n"
    "fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)\n"
    "fcntl.flock(fd, fcntl.LOCK_EX)\n"
    "print('held', flush=True)\n"
    "time.sleep(float(sys.argv[2]))\n"
)
"""A process that holds a run's lock (as a training does, ``flock`` on ``.lock``) for ``argv[2]`` seconds."""


def _holding(run: Path, seconds: float) -> subprocess.Popen[str]:
    """A process that holds ``run``'s lock for ``seconds``, started and holding it when this returns."""
    run.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(run / LOCK), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline() == "held\n"
    return process


def test_the_driver_waits_for_the_training_to_release_the_run(tmp_path):
    holder = _holding(tmp_path / "run", 0.6)
    try:
        started = time.monotonic()
        assert training_ended(tmp_path / "run", 10.0)
        waited = time.monotonic() - started
    finally:
        holder.wait()
    assert holder.returncode == 0 and waited > 0.3  # it waited for the holder, not the 10 s bound


def test_a_training_that_holds_the_run_past_the_bound_is_reported_still_training(tmp_path):
    holder = _holding(tmp_path / "run", 30.0)
    try:
        started = time.monotonic()
        assert not training_ended(tmp_path / "run", 0.3)
        assert time.monotonic() - started < 5.0
    finally:
        holder.kill()
        holder.wait()
    outcome = ray_failure(exceptions.WorkerCrashedError(), started=True, still_training=True)
    assert outcome.error.endswith(STILL_TRAINING) and "wait for it to end" in outcome.error
    assert STILL_TRAINING.endswith(RESUME_AFTER_CRASH)


def test_a_run_nobody_trains_needs_no_wait(tmp_path):
    (tmp_path / "run").mkdir()
    started = time.monotonic()
    assert training_ended(tmp_path / "run", 10.0) and training_ended(tmp_path / "never-made", 10.0)
    assert time.monotonic() - started < 1.0
    assert not (tmp_path / "never-made").exists()
