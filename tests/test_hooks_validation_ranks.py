"""Under torchrun (two CPU processes, gloo) ``mvae_validation_start`` and ``mvae_validation_end`` run in every
process, the validation batches in rank 0 only, and every process gets rank 0's metrics: a plugin swapping a moving
average in (docs/hooks.md's ``EmaWeights``) keeps the processes' trained weights identical."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import torch

from mvae_core import hookimpl
from tests.test_distributed import _join_two_ranks, needs_gloo, two_ranks_result
from tests.test_hooks_validation_ema import ema_weights_class
from tests.training import make_trainer, tiny_config


class Calls:
    """The validation hooks this process saw (``mvae_validation_batch`` counted), and the ``val_elbo`` of each end."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.val_elbo: list[float] = []

    @hookimpl
    def mvae_validation_start(self):
        self.calls.append("start")

    @hookimpl
    def mvae_validation_batch(self):
        self.calls.append("batch")

    @hookimpl
    def mvae_validation_end(self, metrics):
        self.calls.append("end")
        self.val_elbo.append(metrics["val_elbo"])


def _worker(rank: int, port: int, data_dir: str, out: str) -> None:
    dist = _join_two_ranks(rank, port)
    try:
        calls = Calls()
        plugins = {"ema": ema_weights_class()(), "calls": calls}
        built = make_trainer(Path(data_dir), tiny_config("train.batch_size=8", epochs=2), plugins)
        trainer = type(built)(built.cfg, built.train_set, built.val_set, built.host, dist=dist)
        trainer.fit()
        weights = torch.nn.utils.parameters_to_vector(trainer.model.parameters()).detach()
        every_rank = dist.gather((calls.calls, calls.val_elbo, weights))
        if dist.is_main:
            torch.save({"ranks": json.dumps([r[:2] for r in every_rank]), "weights": [r[2] for r in every_rank]}, out)
    finally:
        dist.close()
    os._exit(0)  # as tests/test_distributed.py's workers: gloo's leftover threads may abort the finalization


@pytest.mark.slow
@needs_gloo
def test_every_process_calls_the_validation_hooks_and_rank_0_validates(synth_dir, tmp_path):
    result = two_ranks_result(_worker, synth_dir, tmp_path)
    (calls_0, val_elbo_0), (calls_1, val_elbo_1) = json.loads(result["ranks"])
    assert calls_1 == ["start", "end"] * 2  # no batch: validation runs in rank 0
    assert calls_0[0] == "start" and calls_0.count("end") == 2 and "batch" in calls_0
    assert val_elbo_0 == val_elbo_1  # rank 0's metrics in every process
    assert torch.equal(*result["weights"]), "the processes' trained weights differ after the swaps"
