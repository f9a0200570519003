"""`mvae ablate --executor ray` killed without a word (`kill -9`, the out-of-memory killer): the running trainings
checkpoint and stop. Ray ended its workers, which SIGKILLed their child processes (Ray's default), so every running
training died mid-epoch with nothing saved of that epoch; now each gets the orphan guard's one SIGINT."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.training import TINY

pytest.importorskip("ray", reason="Ray is not installed: pip install 'mvae[ray]' (make test installs it)")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform != "linux", reason="the guard is Linux's PR_SET_PDEATHSIG"),
]
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


def test_the_trainings_of_a_killed_ray_ablation_checkpoint_and_stop(synth_dir, tmp_path):
    out = tmp_path / "abl"
    command = [sys.executable, "-m", "mvae_core.cli", "ablate", str(synth_dir), "--plugins", "kl_anneal", "--seeds",
               "1", "--epochs", "100000", "--jobs", "1", "--samples", "8", *SETTINGS, "--executor", "ray",
               "--out", str(out)]  # fmt: skip
    ablation = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
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
        assert not _processes_naming(str(out)), "the training trains on"
        log = (out / "logs" / "all" / "seed-0.log").read_text()
        assert "stopped: SIGINT" in log and "checkpointed" in log, log[-2000:]
    finally:
        for pid in _processes_naming(str(out)):  # only this test's own training
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):  # what is left of the Ray instance the ablation started
            os.killpg(ablation.pid, signal.SIGKILL)
