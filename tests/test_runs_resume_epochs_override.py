"""A resume given its new epoch budget as an override (``overrides={"train.epochs": 80}``, the way a new run is
given it) was refused with "overrides cannot change it" and no word of the ``epochs`` argument that does it. The
refusal names the budget with both values and the ``epochs`` argument; the run's own budget given again passes."""

from __future__ import annotations

import pytest

import mvae_core
from mvae_core.errors import ResumeRefused
from mvae_core.run_setup import refuse_other_settings


@pytest.mark.parametrize("overrides", [{"train.epochs": 80}, ["train.epochs = 80"], "train.epochs=80"])
def test_a_resume_given_train_epochs_as_an_override_is_told_the_epochs_argument(tiny_run, overrides):
    with pytest.raises(ResumeRefused) as refused:
        mvae_core.train(out=tiny_run, resume=True, overrides=overrides, progress=False)
    assert str(refused.value) == (
        f"a resume continues {tiny_run} with its saved config; overrides cannot change it (train.epochs 3 → 80); a "
        "new epoch budget is a resume's own argument: epochs=80"
    )
    assert refused.value.command_line_message().endswith("a resume's own argument: --epochs 80")


def test_other_overrides_are_named_with_the_new_run_besides_the_budget(tiny_run):
    with pytest.raises(ResumeRefused) as refused:
        mvae_core.train(out=tiny_run, resume=True, overrides=["train.lr=0.01", "train.epochs=80"], progress=False)
    assert str(refused.value) == (
        f"a resume continues {tiny_run} with its saved config; overrides cannot change it (train.lr 0.001 → 0.01, "
        "train.epochs 3 → 80); a new epoch budget is a resume's own argument: epochs=80; to train with other "
        "settings, start a new run from its config and trained weights (mvae_core.train(data, "
        f"config={str(tiny_run / 'config.toml')!r}, overrides={{'train.lr': 0.01}}, init_from={str(tiny_run)!r}, "
        "out=...))"
    )


def test_the_runs_own_budget_given_again_passes(tiny_run):
    assert refuse_other_settings(tiny_run, None, {"train.epochs": 3}) == {}
