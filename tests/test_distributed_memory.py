"""A torchrun job in which one process runs out of memory: that process says so (the memory line, once), and rank 0
records it in ``failure.json`` as a single process does, without a second line saying that a process was lost of an
unknown cause. Rank 0 ended with ``another process of the job stopped or cannot be reached (Connection closed by
peer …); torchrun's report names it (exitcode -9: killed, e.g. out of memory) …`` and the run had no ``failure.json``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.test_distributed import needs_gloo
from tests.training import TINY

RUNS_OUT_IN_ITS_SECOND_STEP = """
import os

if os.environ.get("RANK") is not None and os.environ.get("RANK") == os.environ.get("MVAE_TEST_RUNS_OUT_RANK"):
    import mvae_core.trainer

    total, steps = mvae_core.trainer.weighted_total, []

    def short_of_memory(*args, **kwargs):
        steps.append(None)
        if len(steps) == 2:
            raise MemoryError()
        return total(*args, **kwargs)

    mvae_core.trainer.weighted_total = short_of_memory
"""
"""A sitecustomize: the process of rank ``MVAE_TEST_RUNS_OUT_RANK`` runs out of memory in its second training
step, while the others wait for it in that step's all-reduce."""


@needs_gloo
def test_a_process_other_than_rank_0_running_out_of_memory_is_said_once_and_recorded(synth_dir, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(RUNS_OUT_IN_ITS_SECOND_STEP)
    repository = Path(__file__).resolve().parents[1]
    env = os.environ | {
        "PYTHONPATH": os.pathsep.join([str(site), str(repository)]),
        "MVAE_TEST_RUNS_OUT_RANK": "1",
        "OMP_NUM_THREADS": "1",
    }
    run = tmp_path / "run"
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node", "2"]
    args = ["train", str(synth_dir), *(arg for setting in TINY for arg in ("--set", setting)), "--plugins", "none"]
    args += ["--epochs", "1"]
    result = subprocess.run(
        [*torchrun, "-m", "mvae_core.cli", *args, "--out", str(run)],
        capture_output=True, text=True, timeout=300, env=env, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    said = [line for line in errors if "training ran out of memory" in line]
    assert len(said) == 1 and said[0].startswith(
        "error: rank 1: training ran out of memory in epoch 1 (MemoryError); no epoch finished"
    ), result.stderr
    assert not [line for line in errors if "another process of the job stopped" in line], result.stderr
    assert json.loads((run / "failure.json").read_text()) == {
        "error": "out of memory",
        "message": "MemoryError",
        "epoch": 0,
        "step": 1,
    }
