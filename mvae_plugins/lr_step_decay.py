"""lr_step_decay: multiply every parameter group's learning rate by ``factor`` every ``every`` epochs, in place.

What it fixes: the ancestor decayed the learning rate (×0.95 every 5 epochs in olsgo ``b58aecb``, ×0.98 every 8 in
``ce0153c``) by building a new Adam optimiser at each decay, which threw away Adam's moment estimates and step
counts every time (seed_lineage D3). Here the learning rate of each of ``trainer.optimizer.param_groups`` is set in
place, so the optimiser and its state survive: at epoch e the rate is ``base_lr × factor ** floor(e / every)``
(the ``step`` schedule), ``base_lr`` being each group's rate when the run started. The base rates are saved in
the checkpoint, so a resumed run continues the same sequence instead of decaying the already decayed rate again.
It changes no loss weight, so it publishes no ramp.

Hooks: ``mvae_train_start`` (records the base rates, unless restored), ``mvae_epoch_start`` (sets the rates),
``mvae_state_dict`` / ``mvae_load_state_dict`` (the base rates).

Config (``[plugins.lr_step_decay]``):
    factor: multiplier per step, default 0.98 (the seed's).
    every: epochs between two steps, default 8 (the seed's); the first step is at epoch ``every``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

import schedules
from mvae_core import hookimpl
from schedules import Schedule


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")
    factor: float = Field(0.98, gt=0, description="Multiplier applied to every group's learning rate at each step.")
    every: int = Field(8, ge=1, description="Epochs between two steps; the first step is at epoch `every`.")


def decayed(base_lrs: list[float], schedule: Schedule, epoch: int, groups: int) -> list[float]:
    """The learning rate of each of ``groups`` parameter groups at ``epoch``."""
    if len(base_lrs) != groups:
        raise ValueError(
            f"the optimiser has {groups} parameter group(s) but {len(base_lrs)} base learning rate(s) were recorded"
        )
    return [base * schedule(epoch) for base in base_lrs]


class LrStepDecay:
    """Learning rate × factor every `every` epochs, set in place on every parameter group (Adam's state survives)."""

    Config = Config

    def __init__(self, config: Config | None = None) -> None:
        self.config = config or Config()
        self.schedule = schedules.make("step", initial=1.0, factor=self.config.factor, every=self.config.every)
        self.base_lrs: list[float] | None = None

    @hookimpl
    def mvae_train_start(self, trainer) -> None:
        if self.base_lrs is None:  # on resume they were restored: the optimiser's rate is already decayed
            self.base_lrs = [float(group["lr"]) for group in trainer.optimizer.param_groups]

    @hookimpl
    def mvae_epoch_start(self, trainer, epoch: int) -> None:
        groups = trainer.optimizer.param_groups
        for group, lr in zip(groups, decayed(self.base_lrs, self.schedule, epoch, len(groups)), strict=True):
            group["lr"] = lr

    @hookimpl
    def mvae_state_dict(self) -> dict[str, Any] | None:
        return None if self.base_lrs is None else {"base_lrs": list(self.base_lrs)}

    @hookimpl
    def mvae_load_state_dict(self, state: dict[str, Any]) -> None:
        self.base_lrs = [float(lr) for lr in state["base_lrs"]]
