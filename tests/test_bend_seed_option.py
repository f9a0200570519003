"""``mvae bend --seed`` out of range is refused by the one seed check of ``mvae evaluate``
(:func:`mvae_core.config.checked_seed`): an :class:`OptionError` naming ``seed``, which the command line names
``--seed``. Before, the library raised a ToolError naming ``--seed`` to a Python caller too."""

from __future__ import annotations

import pytest

from mvae_core.config import MAX_SEED
from mvae_core.errors import OptionError
from mvae_core.models import build_model
from mvae_core.tools.bend import bend_model
from tests.training import SEED, tiny_config


@pytest.mark.parametrize("seed", [-1, MAX_SEED + 1])
def test_bend_refuses_a_seed_out_of_range_naming_seed_and_on_the_command_line_seed_option(seed):
    with pytest.raises(OptionError) as refused:
        bend_model(build_model(tiny_config(SEED)), 0.1, seed, "decoder")
    rule = f"must be between 0 and {MAX_SEED} (as train.seed), got {seed}"
    assert str(refused.value) == f"seed {rule}"
    assert refused.value.command_line_message() == f"--seed {rule}"
