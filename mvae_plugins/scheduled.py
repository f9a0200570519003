"""A loss term whose multiplier follows a named schedule: the public base of ``kl_anneal`` and ``ts_ramp``, for a
third-party plugin's own scheduled term too (docs/hooks.md#mvae_loss_weightstrainer-epoch shows one).

The stable contract, what a plugin package may import from here:

- :class:`ScheduledWeight`, the base class of a scheduled loss term: a subclass names its ``term`` and its
  ``Config`` and gets the multiplier per epoch (or per step), ``mvae_ramp_end``, the start-up warning of a run too
  short for the ramp and what :class:`ScheduledPlugin` gives;
- :class:`ScheduledPlugin`, its base, for a plugin whose schedule multiplies something else (``lr_step_decay``'s
  learning rate): the validated ``config`` and its ``schedule``, and ``mvae_check_config``, which refuses before any
  data is read a schedule whose value in an epoch of the run is not a finite number >= 0 (:func:`refused_value`);
- :class:`ScheduledConfig`, the settings ``schedule`` and ``per_step`` its ``Config`` subclasses, with
  :data:`ScheduleSpec` (the type of its ``schedule`` field) and :data:`ScheduleSetting` (what a caller may pass);
- the pure helpers :func:`ramp_end`, :func:`ramp_warning`, :func:`refused_value`, :func:`progress` and
  :func:`scheduled`, for a plugin whose multiplier is not one schedule of its own.

Anything else here may change without notice.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, ClassVar, Generic, TypeAlias, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

import schedules
from mvae_core import hookimpl
from mvae_core.config import ConfigError, MvaeConfig, settings_tree
from mvae_core.view import TrainerView, epoch_number
from mvae_core.wording import counted
from schedules import Schedule

__all__ = [
    "ScheduleSetting",
    "ScheduleSpec",
    "ScheduledConfig",
    "ScheduledPlugin",
    "ScheduledWeight",
    "progress",
    "ramp_end",
    "ramp_warning",
    "refused_value",
    "scheduled",
]


def _check_spec(value: Any) -> dict[str, Any]:
    """Validate a plugin's ``schedule`` setting: a table ``{name, **params}``, or a bare name (its defaults).

    Returns the full spec (defaults filled in, so the run's ``config.toml`` records exactly what ran); raises
    ``ValueError`` naming the closest schedule for an unknown name, or the bad parameter.
    """
    return schedules.validate_setting(value)


ScheduleSetting: TypeAlias = str | dict[str, Any]
"""What a schedule setting takes, in a config or a ``Config(schedule=...)`` call: a table ``{name, **params}``, a bare
name (that schedule's defaults), or a table without ``name`` (the default with those parameters changed)."""

ScheduleSpec = Annotated[schedules.ScheduleTable, BeforeValidator(_check_spec)]
"""A config field holding a schedule, as validation stores it whatever :data:`ScheduleSetting` gave it: the full spec
``{name, **params}`` (defaults filled in), so ``config.schedule["name"]`` type-checks; ``mvae plugins`` lists its
type as :data:`schedules.ScheduleTable`'s. A ``Config`` that declares it
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


def _describe(schedule: Schedule) -> str:
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
            f"the {term} schedule {_describe(schedule)} never settles: its multiplier changes in every epoch, so the "
            f"objective is never stationary and ramp-aware plugins wait for the whole run (set {key})"
        )
    first_final = math.ceil(end)
    if first_final < run_epochs:
        return None
    enough = first_final + 1  # the message reaches the command line and Python callers: it names both
    return (
        f"the {term} schedule {_describe(schedule)} reaches its final multiplier {schedule(first_final):g} in epoch "
        f"{epoch_number(first_final)}, but this run ends with epoch {run_epochs} (multiplier "
        f"{schedule(run_epochs - 1):.4g} there); train for {enough} epochs or more (--epochs {enough}; in Python, "
        f"epochs={enough}), or shorten {key}"
    )


def refused_value(schedule: Schedule, run_epochs: int, per_step: bool) -> tuple[float, float] | None:
    """The first ``(e, value)`` of a run of ``run_epochs`` epochs at which ``schedule`` gives a value that cannot be
    a multiplier, one that is not a finite number >= 0; ``None`` when there is none.

    The values looked at are those at each epoch's start, ``e = 0 … run_epochs − 1`` (every value a plugin evaluating
    once per epoch uses), and with ``per_step`` also the value just before the run's end, ``e → run_epochs``, where
    a ramp still moving in the last epoch's steps arrives (the number of steps is known only once the data is read).
    A value between two epochs' starts that none of these shows is refused when it is used, by the core's check of
    the multipliers and learning rates a plugin sets. A value too large for a float (``OverflowError``) is ``inf``;
    another error of the schedule's own code is raised as it is."""
    points = [float(e) for e in range(run_epochs)] + ([math.nextafter(run_epochs, 0)] if per_step else [])
    for e in points:
        try:
            value = schedule(e)
        except OverflowError:  # a third-party schedule's float ** may overflow: not finite
            return e, math.inf
        if not (math.isfinite(value) and value >= 0):
            return e, value
    return None


def _refusal(schedule: Schedule, e: float, value: float, run_epochs: int, keys: list[str]) -> str:
    """Why the schedule of the settings ``keys`` cannot run: it gives ``value`` at ``e`` (:func:`refused_value`)."""
    where, fine = f"in epoch {epoch_number(int(e))} (e = {e:g})", int(e)  # the epochs before it are fine
    if not e.is_integer():  # refused_value's last point with per_step
        where, fine = f"in the last steps of epoch {run_epochs} (e → {run_epochs}, per_step = true)", run_epochs - 1
    shorter = f", or train for {counted(fine, 'epoch')} at most" if fine else ""  # a resume cannot change the schedule
    return (
        f"{' and '.join(keys) or 'schedule'}: {_describe(schedule)} gives {value:g} {where}, but a multiplier must "
        f"be a finite number >= 0 in every epoch of the run (train.epochs = {run_epochs}); give the schedule "
        f"parameters that keep every value through epoch {run_epochs} finite and >= 0{shorter} (mvae schedules "
        "preview shows a schedule's values)"
    )


def _setting_keys(config: MvaeConfig, settings: ScheduledConfig) -> list[str]:
    """``plugins.<name>.schedule`` of each plugin whose section in ``config`` holds ``settings``: the name a plugin
    runs under is not given to ``mvae_check_config``, and the run's config holds every plugin's settings under its
    name, so these are the plugin's own and those of any other plugin with the very same settings (whose schedule
    is refused alike); none for a plugin object whose settings a config cannot hold."""
    own = settings_tree(settings)
    return [f"plugins.{name}.schedule" for name, section in config.plugins.sections().items() if section == own]


Settings = TypeVar("Settings", bound=ScheduledConfig)


class ScheduledPlugin(Generic[Settings]):
    """A plugin whose ``config.schedule`` gives a multiplier, of a loss term (:class:`ScheduledWeight`) or of
    something else (``lr_step_decay``'s learning rates): a multiplier is a finite number >= 0, so a schedule that
    gives another value in an epoch of the run is refused before any data is read, in the one hook every such
    plugin inherits.

    A subclass sets ``Config``, a :class:`ScheduledConfig` subclass whose ``schedule`` field gives the default. Its
    hook: ``mvae_check_config`` raises a :class:`~mvae_core.ConfigError` when :func:`refused_value` finds a value
    of the schedule over ``train.epochs`` (the new budget on resume, every configuration of ``mvae ablate``) that
    is not a finite number >= 0, naming the setting ``plugins.<name>.schedule``, the schedule, the value and its
    epoch (``mvae`` exits 2, nothing read or written). A subclass that implements ``mvae_check_config`` itself
    calls the base's (``super().mvae_check_config(config)``). ``config`` is the validated settings (built from
    ``Config``'s defaults when the plugin is constructed without them) and ``schedule`` the
    :class:`~schedules.Schedule` they name.
    """

    Config: type[Settings]  # a class variable; ClassVar cannot hold a type variable
    config: Settings
    schedule: Schedule

    def __init__(self, config: Settings | None = None) -> None:
        # Config() with the plugin's defaults; spelt so because a checker reads ScheduledConfig's schedule as required
        self.config = config or self.Config.model_validate({})
        self.schedule = scheduled(self.config)

    @hookimpl
    def mvae_check_config(self, config: MvaeConfig) -> None:
        epochs = config.train.epochs
        if (refused := refused_value(self.schedule, epochs, self.config.per_step)) is not None:
            raise ConfigError(_refusal(self.schedule, *refused, epochs, _setting_keys(config, self.config)))


class ScheduledWeight(ScheduledPlugin[Settings]):
    """A plugin whose loss term ``term`` gets the multiplier ``config.schedule`` gives: ``schedule(epoch)`` at each
    epoch's start, or with ``per_step`` ``schedule(epoch + step / steps_per_epoch)`` before every step.

    A subclass sets two class attributes (``class KlAnneal(ScheduledWeight[Config])``, so that ``KlAnneal.Config``
    and ``self.config`` have the plugin's own type):

    - ``term``: the loss term it weights, the core's (``"kl"``) or one the plugin adds in its own ``mvae_loss``;
    - ``Config``: a :class:`ScheduledConfig` subclass whose ``schedule`` field gives the default
      (``schedule: ScheduleSpec = Field(default_factory=lambda: {...}, validate_default=True)``).

    Its hooks: :class:`ScheduledPlugin`'s ``mvae_check_config`` (a schedule whose value in an epoch of the run is
    not a finite number >= 0 is refused before any data is read); ``mvae_ramp_end`` returns :func:`ramp_end` (so
    early stopping waits for the ramp); ``mvae_train_start`` emits :func:`ramp_warning` when the run ends before the
    schedule settles or it never does, naming the setting ``plugins.<name>.schedule`` with the name the plugin runs
    under (``trainer.plugin_name``); ``mvae_loss_weights`` returns ``{term: schedule(epoch)}`` (``None`` with
    ``per_step``) and ``mvae_step_start`` ``{term: schedule(progress)}`` with ``per_step`` (``None`` without). A
    subclass that implements one of these hooks itself calls the base's (``super().mvae_train_start(trainer)``) to
    keep what it does. The multiplier combines with every other plugin's for the term (they multiply), and is the
    same for the same settings and epoch (and step): the object keeps no state, so a resume needs no
    ``mvae_state_dict``. ``config`` and ``schedule`` are :class:`ScheduledPlugin`'s.
    """

    term: ClassVar[str]

    @hookimpl
    def mvae_ramp_end(self, trainer: TrainerView) -> int:
        return ramp_end(self.schedule, trainer.epochs)

    @hookimpl
    def mvae_train_start(self, trainer: TrainerView) -> None:
        key = f"plugins.{trainer.plugin_name}.schedule"
        if warning := ramp_warning(self.term, self.schedule, trainer.epochs, key):
            trainer.emit(warning)

    @hookimpl
    def mvae_loss_weights(self, epoch: int) -> dict[str, float] | None:
        return None if self.config.per_step else {self.term: self.schedule(epoch)}

    @hookimpl
    def mvae_step_start(self, trainer: TrainerView, epoch: int, step: int) -> dict[str, float] | None:
        if not self.config.per_step:
            return None
        return {self.term: self.schedule(progress(epoch, step, trainer.steps_per_epoch))}
