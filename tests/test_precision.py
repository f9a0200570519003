"""train.precision: bf16 autocast of the training forward pass (the same code path as on a GPU; tested on CPU)."""

from __future__ import annotations

import math

import pytest
import torch

from tests.synth import melody_folder
from tests.training import make_trainer, tiny_config


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory):
    return melody_folder(tmp_path_factory.mktemp("precision") / "melodies", n_files=6, n_loops=4, seed=5)


@pytest.mark.parametrize("model", ["seed", "melody_rnn"])
def test_bf16_trains_in_bfloat16_and_repeats_exactly(folder, model):
    runs = {}
    for precision in ("fp32", "bf16", "bf16"):
        cfg = tiny_config(f'model.name="{model}"', f'train.precision="{precision}"', epochs=2)
        trainer = make_trainer(folder, cfg)
        seen: list[torch.dtype] = []
        trainer.model.encoder.register_forward_hook(lambda module, args, out, seen=seen: seen.append(out[0].dtype))
        result = trainer.fit()
        assert (torch.bfloat16 in seen) == (precision == "bf16")  # training steps
        assert torch.float32 in seen  # validation runs in fp32
        assert math.isfinite(result.last["val_elbo"])
        weights = {k: v.clone() for k, v in trainer.model.state_dict().items()}
        assert all(v.dtype != torch.bfloat16 for v in weights.values())  # the weights stay fp32
        if precision in runs:  # the second bf16 run: bit-identical to the first
            assert all(torch.equal(weights[k], runs[precision][k]) for k in weights)
        runs[precision] = weights
    assert any(not torch.equal(runs["fp32"][k], runs["bf16"][k]) for k in runs["fp32"])


def test_an_unknown_precision_names_the_choices():
    with pytest.raises(Exception, match="precision"):
        tiny_config('train.precision="fp16"')
