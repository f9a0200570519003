"""What the schedule-driven plugins share: the ``schedule`` setting, the choice between once per epoch and every
step (``per_step``), pure helpers, and the hooks of the loss-weight ramps (``kl_anneal``, ``ts_ramp``)."""

from __future__ import annotations

import math
from typing import Annotated, Any, ClassVar, Generic, TypeAlias, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

import schedules
from mvae_core import hookimpl
from mvae_core.view import TrainerView, epoch_number
from schedules import Schedule


def check_spec(value: Any) -> dict[str, Any]:
    """Validate a plugin's ``schedule`` setting: a table ``{name, **params}``, or a bare name (its defaults).

    Returns the full spec (defaults filled in, so the run's ``config.toml`` records exactly what ran); raises
    ``ValueError`` naming the closest schedule for an unknown name, or the bad parameter.
    """
    return schedules.validate_setting(value)


ScheduleSetting: TypeAlias = str | dict[str, Any]
"""What a schedule setting takes, in a config or a ``Config(schedule=...)`` call: a table ``{name, **params}``, a bare
name (that schedule's defaults), or a table without ``name`` (the default with those parameters changed)."""

ScheduleSpec = Annotated[dict[str, Any], BeforeValidator(check_spec)]
"""A config field holding a schedule, as validation stores it whatever :data:`ScheduleSetting` gave it: the full spec
``{name, **params}`` (defaults filled in), so ``config.schedule["name"]`` type-checks. A ``Config`` that declares it
types its ``__init__`` for type checkers alone (``if TYPE_CHECKING:``) to take a :data:`ScheduleSetting`: a pydantic
model's checked signature is otherwise its fields' types."""


class ScheduledConfig(BaseModel):
    """The settings every schedule-driven plugin has: its ``schedule`` (each plugin's ``Config`` gives the default),
    and ``per_step``."""

    model_config: ClassVar[ConfigDict] = ConfigDict(extra="forbid")
    per_step: bool = Field(
        default=False,
        description="Evaluate the schedule before every step, at epoch + step / steps_per_epoch (default: once per "
        "epoch, at the epoch's start).",
    )
    schedule: ScheduleSpec  # after per_step: the order config.toml and mvae plugins give the settings in

    @model_validator(mode="before")
    @classmethod
    def _partial_schedule(cls, data: Any) -> Any:
        """``schedule = {factor = 0.95}`` (a table without ``name``): the default schedule with those parameters
        changed, so ``--set plugins.<name>.schedule.<param>=...`` adjusts one parameter."""
        schedule = data.get("schedule") if isinstance(data, dict) else None
        if isinstance(schedule, dict) and "name" not in schedule:
            default = cls.model_fields["schedule"].get_default(call_default_factory=True)
            data = {**data, "schedule": schedules.setting(schedule, default)}
        return data


def scheduled(config: ScheduledConfig) -> Schedule:
    """The schedule ``config.schedule`` names. Validation stored the full spec there; an assignment after it is not
    validated (the model does not validate assignments), so the value goes through :func:`schedules.setting`, which
    reads a bare name as its table and leaves a spec as it is."""
    return schedules.from_spec(schedules.setting(config.schedule))


def progress(epoch: int, step: int, steps_per_epoch: int) -> float:
    """Training progress in epochs at ``step`` of ``epoch``: what a schedule is evaluated at when ``per_step``."""
    return epoch + step / steps_per_epoch


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
    """Why the ``term`` multiplier never settles within a run of ``run_epochs`` epochs, or ``None`` when it does.

    Epochs are named as people count them (from 1): the multiplier of epoch index ``e`` is used in "epoch e + 1"."""
    end = schedule.end_epoch()
    if end is None:
        return (
            f"the {term} schedule {describe(schedule)} never settles: its multiplier changes in every epoch, so the "
            f"objective is never stationary and ramp-aware plugins wait for the whole run (set {key})"
        )
    first_final = math.ceil(end)
    if first_final < run_epochs:
        return None
    enough = first_final + 1  # the message reaches the command line and Python callers: it names both
    return (
        f"the {term} schedule {describe(schedule)} reaches its final multiplier {schedule(first_final):g} in epoch "
        f"{epoch_number(first_final)}, but this run ends with epoch {run_epochs} (multiplier "
        f"{schedule(run_epochs - 1):.4g} there); train for {enough} epochs or more (--epochs {enough}; in Python, "
        f"epochs={enough}), or shorten {key}"
    )


Settings = TypeVar("Settings", bound=ScheduledConfig)


class ScheduledWeight(Generic[Settings]):
    """A loss term's multiplier follows ``config.schedule``; subclasses name the ``term``, their config ``key`` and
    their ``Config`` (``class KlAnneal(ScheduledWeight[Config])``, so that ``KlAnneal.Config`` and ``config`` have the
    plugin's own type).

    Hooks: ``mvae_ramp_end`` (the first epoch at which the schedule is final), ``mvae_train_start`` (warns when the
    run ends before the schedule does, or the schedule never settles), and ``{term: value}`` from
    ``mvae_loss_weights`` at each epoch's start, or, with ``per_step``, from ``mvae_step_start`` before every step.
    """

    term: ClassVar[str]
    key: ClassVar[str]
    Config: type[Settings]  # a class variable; ClassVar cannot hold a type variable
    config: Settings
    schedule: Schedule

    def __init__(self, config: Settings | None = None) -> None:
        # Config() with the plugin's defaults; spelt so because a checker reads ScheduledConfig's schedule as required
        self.config = config or self.Config.model_validate({})
        self.schedule = scheduled(self.config)

    @hookimpl
    def mvae_ramp_end(self, trainer: TrainerView) -> int:
        return ramp_end(self.schedule, trainer.epochs)

    @hookimpl
    def mvae_train_start(self, trainer: TrainerView) -> None:
        if warning := ramp_warning(self.term, self.schedule, trainer.epochs, self.key):
            trainer.emit(warning)

    @hookimpl
    def mvae_loss_weights(self, epoch: int) -> dict[str, float] | None:
        return None if self.config.per_step else {self.term: self.schedule(epoch)}

    @hookimpl
    def mvae_step_start(self, trainer: TrainerView, epoch: int, step: int) -> dict[str, float] | None:
        if not self.config.per_step:
            return None
        return {self.term: self.schedule(progress(epoch, step, trainer.steps_per_epoch))}
