"""lr_step_decay: every parameter group's learning rate is its base rate times a schedule, set in place.

What it fixes: the ancestor decayed the learning rate (×0.95 every 5 epochs in olsgo ``b58aecb``, ×0.98 every 8 in
``ce0153c``) by building a new Adam optimiser at each decay, which threw away Adam's moment estimates and step
counts every time (seed_lineage D3). Here the learning rate of each of ``trainer.optimizer.param_groups`` is set in
place, so the optimiser and its state survive: the rate is ``base_lr × schedule(epoch)`` (by default the seed's
``step`` schedule, ``0.98 ** floor(epoch / 8)``), ``base_lr`` being each group's rate when the run started. Any
registered schedule can drive it (``mvae schedules``), once per epoch or, with ``per_step``, before every step at
``epoch + step / steps_per_epoch``. The base rates are saved in the checkpoint, so a resumed run continues the same
sequence instead of decaying the already decayed rate again. It changes no loss weight, so it publishes no ramp.

Hooks: ``mvae_check_config`` (of :class:`~mvae_plugins.scheduled.ScheduledPlugin`, its base: a schedule whose value
in an epoch of the run is below 0 or not finite, which would train with a negative or infinite rate, is refused before
any data is read), ``mvae_train_start`` (records the base rates, unless restored), ``mvae_epoch_start`` or (``per_step``)
``mvae_step_start`` (sets the rates), ``mvae_state_dict`` / ``mvae_load_state_dict`` (the base rates).

Config (``[plugins.lr_step_decay]``):
    schedule: the learning-rate multiplier, a schedule table ``{name = ..., <params>}`` or a schedule name. Default
        ``{name = "step", initial = 1, factor = 0.98, every = 8}`` (the seed's).
    per_step: evaluate the schedule before every step (default false: at each epoch's start).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

import torch
from pydantic import Field

from mvae_core import hookimpl
from mvae_core.view import TrainerView
from mvae_core.wording import counted
from mvae_plugins.scheduled import ScheduledConfig, ScheduledPlugin, ScheduleSetting, ScheduleSpec, progress


class Config(ScheduledConfig):
    schedule: ScheduleSpec = Field(
        default_factory=lambda: {"name": "step", "initial": 1.0, "factor": 0.98, "every": 8},
        validate_default=True,
        description="Learning-rate multiplier (of each group's starting rate): a schedule table {name, params} or a "
        "schedule name (mvae schedules).",
    )

    if TYPE_CHECKING:  # what a caller may pass (a bare name too); validation stores the table (ScheduleSpec)

        def __init__(self, *, per_step: bool = ..., schedule: ScheduleSetting = ...) -> None: ...


def scaled(base_lrs: list[float], multiplier: float, groups: int) -> list[float]:
    """The learning rate of each of ``groups`` parameter groups: its base rate times ``multiplier``."""
    if len(base_lrs) != groups:
        raise ValueError(
            f"the optimiser has {counted(groups, 'parameter group')} but the run recorded "
            f"{counted(len(base_lrs), 'base learning rate')}"
        )
    return [base * multiplier for base in base_lrs]


class LrStepDecay(ScheduledPlugin[Config]):
    """Learning rate × a schedule (default ×0.98 every 8 epochs), set in place on every parameter group."""

    Config: TypeAlias = Config  # what the host builds from the config section; an alias, so that a type
    # checker reads Config in this class's hints as the class, not as a variable

    def __init__(self, config: Config | None = None) -> None:
        super().__init__(config)
        self.base_lrs: list[float] | None = None

    def set_rates(self, optimizer: torch.optim.Optimizer, at: float) -> None:
        """Set every parameter group's learning rate to its base rate × the schedule at epoch ``at``. The base rates
        come first: ``mvae_train_start`` records them (a training calls it before any epoch or step starts) or
        ``mvae_load_state_dict`` restores them; before either this raises a RuntimeError saying so."""
        if self.base_lrs is None:
            raise RuntimeError(
                "no base learning rates to scale: mvae_train_start records them (mvae_load_state_dict restores them) "
                "before an epoch or a step starts"
            )
        groups = optimizer.param_groups
        for group, lr in zip(groups, scaled(self.base_lrs, self.schedule(at), len(groups)), strict=True):
            group["lr"] = lr

    @hookimpl
    def mvae_train_start(self, trainer: TrainerView) -> None:
        if self.base_lrs is None:  # on resume they were restored: the optimiser's rate is already decayed
            self.base_lrs = [float(group["lr"]) for group in trainer.optimizer.param_groups]

    @hookimpl
    def mvae_epoch_start(self, trainer: TrainerView, epoch: int) -> None:
        if not self.config.per_step:
            self.set_rates(trainer.optimizer, epoch)

    @hookimpl
    def mvae_step_start(self, trainer: TrainerView, epoch: int, step: int) -> None:
        if self.config.per_step:
            self.set_rates(trainer.optimizer, progress(epoch, step, trainer.steps_per_epoch))

    @hookimpl
    def mvae_state_dict(self) -> dict[str, Any] | None:
        return None if self.base_lrs is None else {"base_lrs": list(self.base_lrs)}

    @hookimpl
    def mvae_load_state_dict(self, state: dict[str, Any]) -> None:
        self.base_lrs = [float(lr) for lr in state["base_lrs"]]
