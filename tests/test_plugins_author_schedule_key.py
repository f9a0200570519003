"""A ``ScheduledWeight`` plugin's start-up warning names its schedule setting under the name the plugin runs as
(``trainer.plugin_name``): a subclass no longer writes its ``key``.

Before, a subclass had to spell ``key = "plugins.<name>.schedule"`` itself, because a plugin did not know its
registered name: one without it failed in ``mvae_train_start`` (``AttributeError``), and one run under another name (an
entry point renamed, a ``("slow_kl", KlAnneal(...))`` pair) named a setting that run does not have
(``plugins.kl_anneal.schedule`` where the run's config has ``[plugins.slow_kl]``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from pydantic import Field

from mvae_core import hookimpl
from mvae_plugins.kl_anneal import KlAnneal
from mvae_plugins.scheduled import ScheduledConfig, ScheduledWeight, ScheduleSpec
from tests.training import make_trainer, tiny_config


class MuConfig(ScheduledConfig):
    schedule: ScheduleSpec = Field(
        default_factory=lambda: {"name": "linear", "start": 0.0, "end": 1.0, "epochs": 10.0}, validate_default=True
    )


class MuPenalty(ScheduledWeight[MuConfig]):
    """A third-party scheduled term, written from docs/hooks.md: no key."""

    term = "mu_l2"
    Config = MuConfig

    @hookimpl
    def mvae_loss(self, output: Any) -> dict[str, torch.Tensor]:
        return {self.term: output.mu.float().pow(2).sum(dim=1).mean()}


def test_the_ramp_warning_names_the_schedule_under_the_name_the_plugin_runs_as(synth_dir: Path) -> None:
    records: list[dict[str, Any]] = []
    plugins = {"slow_kl": KlAnneal(), "mu": MuPenalty()}
    make_trainer(synth_dir, tiny_config(epochs=1), plugins).fit(on_epoch_end=records.append)
    said = {event["source"]: event["message"] for event in records[0]["events"]}
    assert said["slow_kl"].endswith("or shorten plugins.slow_kl.schedule"), said
    assert said["mu"].endswith("or shorten plugins.mu.schedule"), said
