"""A configuration of a ``--configs`` file that sets ``train.seed`` is refused, naming it: the ablation gives each
run its seed (0 … seeds − 1) over the configuration's ``set``, so the value was never used, while summary.md's table
of configurations showed it as that configuration's override."""

from __future__ import annotations

import pytest

from mvae_core.ablation.plan import PlanError, read_plan


@pytest.mark.parametrize("given", ["'train.seed = 7'", "'train = {seed = 7, lr = 0.01}'"])
def test_a_configuration_that_sets_the_seed_is_refused_naming_it(tmp_path, given):
    configs = tmp_path / "kl.toml"
    configs.write_text(f'[configs.all]\nplugins = ["all"]\n\n[configs.seven]\nplugins = []\nset = [{given}]\n')
    with pytest.raises(PlanError) as refused:
        read_plan(configs)
    assert str(refused.value) == (
        f"configs {configs}: configuration 'seven' sets train.seed, which the ablation sets in each run itself "
        "(train.seed 0 … seeds − 1), so the value would never be used: leave it out of its set"
    )


def test_other_settings_of_train_pass(tmp_path):
    configs = tmp_path / "kl.toml"
    configs.write_text('[configs.lr]\nplugins = []\nset = ["train.lr = 5e-4", "train.epochs = 3"]\n')
    ((arm,), references) = read_plan(configs)
    assert (arm.name, arm.overrides, references) == ("lr", ("train.lr = 5e-4", "train.epochs = 3"), ("all", "none"))
