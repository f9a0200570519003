"""The plugin random stream under torchrun (two CPU processes, gloo): a plugin drawing from torch's global random
state in hooks every process runs leaves each process's training bit-identical to the run without it, draws the same
numbers in every process (so a change it makes, e.g. gradient noise, keeps the processes identical), and
checkpoint.pt keeps every process's plugin stream in ``ranks``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

from mvae_core import hookimpl
from tests.test_distributed import _join_two_ranks, needs_gloo, two_ranks_result
from tests.training import make_trainer, tiny_config


class DrawsInEveryProcess:
    """Draws in the per-step and per-epoch hooks, which every process runs."""

    @hookimpl
    def mvae_step_start(self) -> None:
        torch.randn(13)

    @hookimpl
    def mvae_before_optimizer_step(self) -> None:
        torch.rand(7)

    @hookimpl
    def mvae_step_end(self) -> None:
        torch.randn(13)

    @hookimpl
    def mvae_epoch_end(self) -> None:
        torch.randn(3)


def _worker(rank: int, port: int, data_dir: str, out: str) -> None:
    dist = _join_two_ranks(rank, port)
    try:
        saved = {}
        for name, plugins in (("bare", {}), ("drawing", {"draws": DrawsInEveryProcess()})):
            run = Path(out).parent / name if dist.is_main else None
            trainer = make_trainer(Path(data_dir), tiny_config(epochs=2), plugins, run, dist=dist)
            trainer.fit()
            saved[name] = dist.gather(torch.nn.utils.parameters_to_vector(trainer.model.parameters()).detach())
            saved[f"{name} plugin stream"] = dist.gather(trainer.plugin_random.state["cpu"])
        if dist.is_main:
            torch.save(saved, out)
    finally:
        dist.close()
    os._exit(0)  # as tests/test_distributed.py's workers: gloo's leftover threads may abort a finalizing worker


@pytest.mark.slow
@needs_gloo
def test_draws_in_every_process_leave_each_processs_training_as_it_was(pattern_dir, tmp_path):
    result = two_ranks_result(_worker, pattern_dir, tmp_path)
    for rank in (0, 1):
        assert torch.equal(result["drawing"][rank], result["bare"][rank]), f"rank {rank}'s training moved"
    drawn, untouched = result["drawing plugin stream"], result["bare plugin stream"]
    assert torch.equal(drawn[0], drawn[1]) and torch.equal(untouched[0], untouched[1])
    assert not torch.equal(drawn[0], untouched[0])  # the plugin did draw
    checkpoint = torch.load(tmp_path / "drawing" / "checkpoint.pt", weights_only=True)
    for rank in (0, 1):
        assert torch.equal(checkpoint["ranks"][rank]["plugin_rng"]["cpu"], drawn[rank])
