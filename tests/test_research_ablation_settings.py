"""summary.md's settings line does not claim a setting no run trained with: ``train.seed`` (each run's seed) and,
with ``epochs`` given, ``train.epochs`` are set per run by the ablation over the config, so a value of them that every
configuration shares is named apart with what replaced it."""

from __future__ import annotations

import tomli_w

from mvae_core.ablation.about import set_per_run, settings_line
from mvae_core.ablation.plan import Configuration
from mvae_core.config import build_config


def _configs(tmp_path, arms):
    (tmp_path / "configs").mkdir()
    for arm in arms:
        tree = {"model": {"hidden": 16}, "train": {"seed": 5, "epochs": 50}, "plugins": {"enabled": [*arm.plugins]}}
        (tmp_path / "configs" / f"{arm.name}.toml").write_text(tomli_w.dumps(tree), encoding="utf-8")


def test_a_seed_and_epochs_given_over_the_ablation_are_not_listed_as_what_every_run_trained_with(tmp_path):
    arms = [Configuration("all", ("kl_anneal",)), Configuration("none", ())]
    _configs(tmp_path, arms)
    built = [build_config(None, []) for _ in arms]

    line = settings_line(arms, built, tmp_path, set_per_run(seeds=2, epochs=2))

    shared, replaced = line.split("; given, but replaced by the ablation: ")
    assert shared.endswith("plugins and overrides: `model.hidden = 16`")
    assert replaced.startswith(
        "`train.seed = 5` (each run trains with its own seed, 0–1), "
        "`train.epochs = 50` (each run trains with 2, as the ablation's epochs); each configuration's whole config"
    )


def test_without_epochs_the_configs_own_epochs_are_what_the_runs_train_with(tmp_path):
    arms = [Configuration("all", ("kl_anneal",)), Configuration("none", ())]
    _configs(tmp_path, arms)
    built = [build_config(None, []) for _ in arms]

    line = settings_line(arms, built, tmp_path, set_per_run(seeds=1, epochs=None))

    assert (
        "`model.hidden = 16`, `train.epochs = 50`; given, but replaced by the ablation: `train.seed = 5` (each "
        "run trains with its own seed, 0);" in line
    )
