"""``mvae evaluate --seed`` out of range says one thing at either end, from one place
(``config.checked_seed``): it said ``must be >= 0`` below and ``must be at most …`` above."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

import mvae_core
from mvae_core.cli import app
from mvae_core.config import MAX_SEED
from mvae_core.errors import OptionError

runner = CliRunner()
RANGE = f"must be between 0 and {MAX_SEED} (as train.seed), got"


@pytest.mark.parametrize("seed", [-1, MAX_SEED + 1, 10**30])
def test_a_seed_out_of_range_is_one_message_at_either_end(tiny_run, synth_dir, seed):
    result = runner.invoke(app, ["evaluate", str(tiny_run), str(synth_dir), "--seed", str(seed)])
    assert result.exit_code == 2
    assert result.stderr == f"error: --seed {RANGE} {seed}\n"
    with pytest.raises(OptionError, match=f"^{re.escape(f'seed {RANGE} {seed}')}$"):
        mvae_core.evaluate(tiny_run, [synth_dir], seed=seed)
