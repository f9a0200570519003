"""A batch too small for the processes of a torchrun job names both ways out: a larger batch, or fewer processes.
A resume keeps the run's batch size (`--batch-size` cannot change it), so the error's only advice, a larger batch,
could not be followed there."""

from __future__ import annotations

import pytest
import torch

from mvae_core.config import ConfigError
from mvae_core.distributed import Distributed

CPU = torch.device("cpu")


@pytest.mark.parametrize(
    ("world", "batch", "fewer"), [(3, 4, "run at most 2 processes "), (2, 3, "run at most 1 process ")]
)
def test_a_batch_too_small_for_the_processes_names_how_many_it_can_feed(world, batch, fewer):
    with pytest.raises(ConfigError) as raised:
        Distributed(CPU, world=world).check_batch_size(batch)
    said = str(raised.value)
    assert f"train.batch_size = {batch} is too small for {world} processes" in said
    assert f"use at least {2 * world}, or {fewer}(torchrun --nproc-per-node; the one way for a resume" in said
