"""What the schedule-driven loss-weight plugins (``kl_anneal``, ``ts_ramp``) share: pure helpers and their hooks."""

from __future__ import annotations

import math
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator

import schedules
from mvae_core import hookimpl
from schedules import Schedule


def check_spec(value: Any) -> dict[str, Any]:
    """Validate a plugin's ``schedule`` setting: a table ``{name, **params}``, or a bare name (its defaults).

    Returns the full spec (defaults filled in, so the run's ``config.toml`` records exactly what ran); raises
    ``ValueError`` naming the closest schedule for an unknown name, or the bad parameter.
    """
    return schedules.validate_spec({"name": value} if isinstance(value, str) else value)


ScheduleSpec = Annotated[dict[str, Any], BeforeValidator(check_spec)]
"""A config field holding a schedule: a table ``{name, **params}`` or a bare name, stored as the full spec."""


def ramp_end(schedule: Schedule, run_epochs: int) -> int:
    """The first whole epoch from which ``schedule`` (evaluated once per epoch) no longer changes.

    A schedule that never settles changes in every epoch of the run, so its ramp lasts the whole run.
    """
    end = schedule.end_epoch()
    return run_epochs if end is None else math.ceil(end)


def describe(schedule: Schedule) -> str:
    """``linear(start=0, end=1, epochs=20, delay=0)``."""
    params = ", ".join(
        f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in schedule.spec().items() if k != "name"
    )
    return f"{schedule.name}({params})"


def ramp_warning(term: str, schedule: Schedule, run_epochs: int, key: str) -> str | None:
    """Why the ``term`` multiplier never settles within a run of ``run_epochs`` epochs, or ``None`` when it does."""
    end = schedule.end_epoch()
    if end is None:
        return (
            f"the {term} schedule {describe(schedule)} never settles: its multiplier changes in every epoch, so the "
            f"objective is never stationary and ramp-aware plugins wait for the whole run (set {key})"
        )
    first_final = math.ceil(end)
    if first_final < run_epochs:
        return None
    return (
        f"the {term} schedule {describe(schedule)} reaches its final multiplier {schedule(first_final):g} at epoch "
        f"{first_final}, but this run ends after epoch {run_epochs - 1} (multiplier {schedule(run_epochs - 1):.4g} "
        f"there); train with --epochs {first_final + 1} or more, or shorten {key}"
    )


class ScheduledWeight:
    """A loss term's multiplier follows ``config.schedule``; subclasses name the ``term`` and their config ``key``.

    Hooks: ``mvae_ramp_end`` (the first epoch at which the schedule is final), ``mvae_train_start`` (warns when the
    run ends before the schedule does, or the schedule never settles), ``mvae_loss_weights`` (``{term: value}``).
    """

    term: ClassVar[str]
    key: ClassVar[str]
    Config: ClassVar[type[BaseModel]]

    def __init__(self, config: BaseModel | None = None) -> None:
        self.config = config or self.Config()
        self.schedule = schedules.from_spec(self.config.schedule)

    @hookimpl
    def mvae_ramp_end(self, trainer) -> int:
        return ramp_end(self.schedule, trainer.epochs)

    @hookimpl
    def mvae_train_start(self, trainer) -> None:
        if warning := ramp_warning(self.term, self.schedule, trainer.epochs, self.key):
            trainer.emit(warning)

    @hookimpl
    def mvae_loss_weights(self, epoch: int) -> dict[str, float]:
        return {self.term: self.schedule(epoch)}
