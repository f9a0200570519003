"""On a real local Ray instance: a task whose worker is SIGKILLed while its training holds the run's lock is not run
again by Ray, its run has no exit code, and the driver returns only once the training (SIGINT as its worker died)
has written its checkpoint and released the run, so that the same command, run at once, resumes it instead of
meeting that training (``RunBusy``). Before, the driver went on while the lock was still held."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mvae_core.ablation import ray_executor
from mvae_core.ablation.ray_executor import RESUME_AFTER_CRASH, joined, run_on_ray
from mvae_core.ablation.runner import Outcome, Task
from mvae_core.run import RunDir

pytest.importorskip("ray", reason="Ray is not installed: pip install 'mvae[ray]' (make test installs it)")

TRAINING = """
import os, signal, sys, time
from pathlib import Path
from mvae_core.run import RunDir

run = Path(sys.argv[1])
stopped = []
signal.signal(signal.SIGINT, lambda *_: stopped.append(1))
with RunDir(run).training_lock():
    os.kill(os.getppid(), signal.SIGKILL)  # its parent is the Ray worker running the task
    while not stopped:
        time.sleep(0.01)
    time.sleep(0.8)  # the checkpoint being written
    (run / "checkpointed").touch()
sys.exit(130)
"""
"""Stands for ``mvae train``: holds the run's lock as a training does, kills the Ray worker that started it, and on
the SIGINT that its orphan guard sends writes its "checkpoint" (0.8 s) before it releases the lock."""


@pytest.mark.slow
def test_a_killed_worker_s_run_is_released_before_the_driver_goes_on(tmp_path, monkeypatch):
    monkeypatch.setattr(ray_executor, "TRAINING_END_SECONDS", 20.0)
    run, log = tmp_path / "runs" / "none" / "seed-0", tmp_path / "logs" / "none" / "seed-0.log"
    task = Task("none", 0, run, log, (sys.executable, "-c", TRAINING, str(run)), "new", 0, 1)
    done: list[Outcome] = []
    (tmp_path / "configs").mkdir()  # --out as a task finds it: the driver has written the configurations
    with joined(None):
        outcomes = run_on_ray([task], lambda _, outcome: done.append(outcome), [str(tmp_path)], 1, 0.0, None)
        still_training = RunDir(run).is_training()  # as the driver goes on to read the run's folder
    assert not still_training and (run / "checkpointed").exists()
    outcome = outcomes[task]
    assert done == [outcome] and outcome.exit_code is None and outcome.started
    assert outcome.error.startswith("Ray: the Ray worker running it died") and outcome.error.endswith(
        RESUME_AFTER_CRASH
    )
    assert Path(log).read_text(encoding="utf-8").count("  # attempt from epoch") == 1  # Ray did not run it again
