"""An ablation's worker stops (checkpointed) when the process that started it dies: `kill -9` of `mvae ablate`, or of
the Ray worker that ran its task. Workers run in their own session, so nothing else would reach them. Under
`--executor ray`, Ray ended its workers, which SIGKILLed their child processes (Ray's default), so every running
training died mid-epoch with nothing saved of that epoch; now each gets the orphan guard's one SIGINT too."""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.training import TINY

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the guard is Linux's PR_SET_PDEATHSIG")
SETTINGS = [arg for override in TINY for arg in ("--set", override)]


def _processes_naming(text: str) -> list[int]:
    """The processes whose command line holds ``text`` (this test's own folder)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and text in (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


NO_RAY = "Ray is not installed: pip install 'mvae[ray]' (make test installs it)"
RAY = pytest.param(
    ["--executor", "ray"],
    marks=[pytest.mark.slow, pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason=NO_RAY)],
    id="ray",
)


@pytest.mark.parametrize("executor", [pytest.param([], id="local"), RAY])
def test_a_worker_whose_ablation_was_killed_checkpoints_and_stops(synth_dir, tmp_path, executor):
    """It trained on, unseen, until its epochs were done, while a re-run resumed the same run beside it."""
    out = tmp_path / "abl"
    command = [sys.executable, "-m", "mvae_core.cli", "ablate", str(synth_dir), "--plugins", "kl_anneal", "--seeds",
               "1", "--epochs", "100000", "--jobs", "1", "--samples", "8", *SETTINGS, *executor, "--out", str(out)]  # fmt: skip
    # a Ray instance's session folder stays behind when its ablation is killed (as documented): this test's own,
    # under a short folder of its own (Ray's socket paths fit 107 characters), goes with it at the end
    ray_tmp = tempfile.mkdtemp(prefix="mvae-test-", dir="/tmp")
    ablation = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                                env={**os.environ, "RAY_TMPDIR": ray_tmp})  # fmt: skip
    metrics = out / "runs" / "all" / "seed-0" / "metrics.jsonl"
    try:
        deadline = time.monotonic() + 120
        while not (metrics.is_file() and metrics.stat().st_size > 0):  # the first run is training
            assert ablation.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
        ablation.kill()
        ablation.wait()
        deadline = time.monotonic() + 30
        while _processes_naming(str(out)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _processes_naming(str(out)), "the worker trains on"
        log = (out / "logs" / "all" / "seed-0.log").read_text()
        assert "stopped: SIGINT" in log and "checkpointed" in log, log[-2000:]
        assert (metrics.parent / "checkpoint.pt").is_file()
    finally:
        for pid in _processes_naming(str(out)):  # only this test's own worker
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):  # what is left of a Ray instance the ablation started
            os.killpg(ablation.pid, signal.SIGKILL)
        shutil.rmtree(ray_tmp, ignore_errors=True)
