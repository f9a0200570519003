"""``trainer.rank`` and ``trainer.world_size`` tell a plugin which process of how many it runs in (helper-431
finding 4): under torchrun only rank 0's stop requests, messages, numbers and state are kept, and the view gave no
way to reduce or decide on that but ``run_dir is None``, which is also None in tests."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import torch

from mvae_core import hookimpl
from tests.test_distributed import _join_two_ranks, needs_gloo, two_ranks_result
from tests.training import make_trainer, tiny_config


class Where:
    def __init__(self) -> None:
        self.seen: list[tuple[int, int]] = []

    @hookimpl
    def mvae_train_start(self, trainer):
        self.seen.append((trainer.rank, trainer.world_size))


def test_one_process_is_rank_0_of_1(synth_dir):
    where = Where()
    make_trainer(synth_dir, tiny_config(epochs=1), {"where": where}).fit()
    assert where.seen == [(0, 1)]


def _worker(rank: int, port: int, data_dir: str, out: str) -> None:
    dist = _join_two_ranks(rank, port)
    try:
        where = Where()
        built = make_trainer(Path(data_dir), tiny_config("train.batch_size=8", epochs=1), {"where": where})
        trainer = type(built)(built.cfg, built.train_set, built.val_set, built.host, dist=dist)
        trainer.fit()
        every_rank = dist.gather(where.seen)
        if dist.is_main:
            torch.save({"seen": json.dumps(every_rank)}, out)
    finally:
        dist.close()
    os._exit(0)  # as tests/test_distributed.py's workers: gloo's leftover threads may abort the finalization


@pytest.mark.slow
@needs_gloo
def test_each_process_sees_its_rank_and_the_world_size(synth_dir, tmp_path):
    seen = json.loads(two_ranks_result(_worker, synth_dir, tmp_path)["seen"])
    assert seen == [[[0, 2]], [[1, 2]]]
