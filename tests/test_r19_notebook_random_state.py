"""mvae_core.train and mvae_core.load leave torch's global random state as they found it: a notebook that seeds torch
for its own experiments got other numbers after a cell that trained (training reseeds torch with train.seed) or
loaded a run (building the model draws initial weights)."""

from __future__ import annotations

import torch

import mvae_core
from tests.training import TINY


def test_training_and_loading_leave_the_callers_random_stream_where_it_was(synth_dir, tmp_path):
    torch.manual_seed(1234)
    expected = torch.rand(4)
    torch.manual_seed(1234)
    mvae_core.train([synth_dir], tmp_path / "run", overrides=TINY, plugins=[], epochs=1, progress=False)
    mvae_core.load(tmp_path / "run")
    assert torch.equal(torch.rand(4), expected)
