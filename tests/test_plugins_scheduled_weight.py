"""``mvae_plugins.scheduled.ScheduledWeight``, the public base of a scheduled loss term: the built-ins' ramps are its
subclasses, and a third-party term gets from it the multiplier per epoch or per step, ``mvae_ramp_end`` and the
start-up warning of a run too short for its ramp."""

from __future__ import annotations

from typing import Any

import torch
from pydantic import Field

from mvae_core import hookimpl
from mvae_core.view import TrainerView
from mvae_plugins import scheduled
from mvae_plugins.kl_anneal import KlAnneal
from mvae_plugins.lr_step_decay import LrStepDecay
from mvae_plugins.scheduled import ScheduledConfig, ScheduledWeight, ScheduleSpec, progress
from mvae_plugins.ts_ramp import TsRamp
from tests.training import make_trainer, tiny_config


class Config(ScheduledConfig):
    schedule: ScheduleSpec = Field(
        default_factory=lambda: {"name": "linear", "start": 0.0, "end": 1.0, "epochs": 4.0}, validate_default=True
    )


class MuPenalty(ScheduledWeight[Config]):
    """A third party's term: mu_l2, added in its own mvae_loss, computed only where its multiplier is not 0."""

    term = "mu_l2"
    Config = Config

    def __init__(self, config: Config | None = None) -> None:
        super().__init__(config)
        self.computed = 0

    @hookimpl
    def mvae_loss(self, trainer, output, split):
        if split == "train" and trainer.multipliers.get(self.term) == 0:
            return {self.term: torch.zeros((), device=output.mu.device)}
        self.computed += split == "train"
        return {self.term: output.mu.float().pow(2).sum(dim=1).mean()}


def train(synth_dir, plugin: MuPenalty, epochs: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]], TrainerView]:
    """The records, the start-up events and the trainer's view of a tiny run with ``plugin`` alone."""
    trainer = make_trainer(synth_dir, tiny_config(epochs=epochs), {"mu_penalty": plugin})
    records: list[dict[str, Any]] = []
    started: list[dict[str, Any]] = []
    trainer.fit(on_epoch_end=records.append, on_start=started.extend)
    return records, started, trainer.view


def test_a_third_party_term_follows_its_schedule_and_warns_of_a_run_too_short(synth_dir):
    plugin = MuPenalty()
    records, started, view = train(synth_dir, plugin, epochs=2)
    assert [r["weights"]["mu_l2"] for r in records] == [0.0, 0.25]  # schedule(epoch), once per epoch
    assert view.ramps_end == 4  # mvae_ramp_end: early stopping waits for it
    assert [e["message"] for e in started] == [
        "the mu_l2 schedule linear(start=0, end=1, epochs=4, delay=0) reaches its final multiplier 1 in epoch 5, but "
        "this run ends with epoch 2 (multiplier 0.25 there); train for 5 epochs or more (--epochs 5; in Python, "
        "epochs=5), or shorten plugins.mu_penalty.schedule"
    ]
    assert records[0]["train"]["mu_l2"] == 0 < records[1]["train"]["mu_l2"]  # epoch 0 (multiplier 0) skipped it
    assert plugin.computed == view.steps_per_epoch  # epoch 1's steps only


def test_per_step_moves_the_multiplier_before_every_step(synth_dir):
    plugin = MuPenalty(Config(per_step=True, schedule={"name": "linear", "start": 0.0, "end": 1.0, "epochs": 1.0}))
    records, started, view = train(synth_dir, plugin, epochs=2)
    steps = view.steps_per_epoch
    assert records[0]["weights"]["mu_l2"] == plugin.schedule(progress(0, steps - 1, steps))  # the last step's
    assert records[1]["weights"]["mu_l2"] == 1.0
    assert plugin.computed == 2 * steps - 1  # every step but the very first, whose multiplier is 0
    assert not started  # the ramp settles within the run: no warning


def test_the_built_in_ramps_are_subclasses_of_the_public_base_not_copies():
    assert issubclass(KlAnneal, ScheduledWeight) and issubclass(TsRamp, ScheduledWeight)
    assert issubclass(LrStepDecay.Config, ScheduledConfig)
    assert all(getattr(scheduled, name).__doc__ for name in scheduled.__all__ if callable(getattr(scheduled, name)))
