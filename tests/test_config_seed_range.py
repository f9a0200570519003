"""A seed past what torch's generators take (``--seed 99999999999999999999999``) is refused naming the option: ``mvae
train`` and ``mvae evaluate`` ended in a traceback ('ValueError: Overflow when unpacking long long')."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mvae_core.cli import app
from mvae_core.config import MAX_SEED, build_config
from mvae_core.errors import ConfigError

HUGE = 10**23


def test_a_train_seed_past_the_largest_is_a_config_error_naming_it():
    with pytest.raises(ConfigError) as error:
        build_config(None, [f"train.seed={HUGE}"])
    assert str(error.value) == f"train.seed = {HUGE}: Input should be less than or equal to {MAX_SEED}"
    assert build_config(None, [f"train.seed={MAX_SEED}"]).train.seed == MAX_SEED


def test_evaluate_refuses_a_seed_past_the_largest_naming_it(tiny_run, synth_dir):
    result = CliRunner().invoke(app, ["evaluate", str(tiny_run), str(synth_dir), "--samples", "8", "--seed", str(HUGE)])
    assert result.exit_code == 2, result.output
    assert result.stderr == f"error: --seed must be between 0 and {MAX_SEED} (as train.seed), got {HUGE}\n"


def test_the_largest_seed_works_with_torch():
    import torch

    torch.Generator().manual_seed(MAX_SEED + 2)  # validation seeds with train.seed + 1 and + 2
