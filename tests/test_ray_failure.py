"""A run whose Ray worker died (``kill -9``, the kernel's or Ray's out-of-memory killer) read ``failed`` with Ray's own
last line: ``Ray: The worker died unexpectedly while executing this task. Check python-core-worker-*.log files for
more information.``, logs that the local Ray instance's session folder no longer held once the summary was written,
and nothing said what to do. Such a run started (its training gets SIGINT as its worker dies, checkpoints and exits
130: seen with a real local instance, see the report of this change), so it reads ``failed`` with what happened and
that the same command resumes it; one whose task died before its training started reads ``not started``."""

from __future__ import annotations

import shlex
import sys

import pytest

from mvae_core.ablation.ray_executor import RESUME_AFTER_CRASH, _size, ray_failure, train_task

exceptions = pytest.importorskip("ray.exceptions", reason="Ray is not installed: pip install 'mvae[ray]'")

RAY_OOM = (
    "Task was killed due to the node running low on memory.\nMemory on the node (IP: 10.0.0.5, ID: 92ed) where the "
    "task (task ID: 16310a0f, name=train_task, pid=4242, memory used=3.1GB) was running was 15.2GB / 16.0GB (0.95), "
    "which exceeds the memory usage threshold of 0.95.\nTo disable worker killing, set the environment variable "
    "`RAY_memory_monitor_refresh_ms` to zero."
)


def test_a_worker_that_died_after_the_training_started_fails_the_run_and_says_a_rerun_resumes_it():
    outcome = ray_failure(exceptions.WorkerCrashedError(), started=True)
    assert (outcome.exit_code, outcome.started) == (None, True)  # no process exited: its worker died
    assert outcome.error == (
        "Ray: the Ray worker running it died (killed, e.g. by the kernel's out-of-memory killer, or crashed) "
        f"(WorkerCrashedError); {RESUME_AFTER_CRASH}"
    )
    assert "python-core-worker" not in outcome.error


def test_ray_s_memory_monitor_is_named_with_what_to_change_not_how_to_turn_it_off():
    outcome = ray_failure(exceptions.OutOfMemoryError(RAY_OOM), started=True)
    assert outcome.error.startswith(
        "Ray: Ray's memory monitor killed the worker running it: its node ran low on memory"
    )
    assert "--jobs" in outcome.error and "(OutOfMemoryError)" in outcome.error and RESUME_AFTER_CRASH in outcome.error
    assert "RAY_memory_monitor_refresh_ms" not in outcome.error


def test_a_task_that_died_before_its_training_started_is_not_started():
    outcome = ray_failure(exceptions.NodeDiedError("node 92ed died"), started=False)
    assert outcome.started is False
    assert (
        outcome.error
        == "Ray: the Ray node running it died or could not be reached (NodeDiedError); its training had not started"
    )


def test_another_ray_error_keeps_the_last_line_of_ray_s_message():
    outcome = ray_failure(exceptions.RuntimeEnvSetupError("pip install failed:\nno matching distribution"), True)
    assert outcome.error == f"Ray: no matching distribution; {RESUME_AFTER_CRASH}"


def test_a_task_s_log_grows_only_once_its_training_is_started(tmp_path):
    """What run_on_ray reads ``started`` from: the attempt header that start_worker writes before the training
    starts. A task whose node cannot see the data returns before it, leaving the log as it was."""
    log = tmp_path / "logs" / "seed-0.log"
    blind = train_task(["-c", "pass"], str(log), [str(tmp_path / "not-mounted")], 1, str(tmp_path / "stop"), 0, 0.0)
    assert not blind.started and _size(log) == 0
    (tmp_path / "configs").mkdir()  # --out as a task finds it: the driver has written the configurations
    done = train_task(["-c", "pass"], str(log), [str(tmp_path)], 1, str(tmp_path / "stop"), 0, 0.0)
    assert done.exit_code == 0 and _size(log) > 0
    command = shlex.join(["OMP_NUM_THREADS=1", "MKL_NUM_THREADS=1", sys.executable, "-c", "pass"])
    assert log.read_text(encoding="utf-8").startswith(f"$ {command}  # attempt")
