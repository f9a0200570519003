"""Named schedules: pure, picklable functions of training progress, registered by name.

A schedule is a frozen pydantic model: its fields are its parameters (validated), calling it with an epoch (a
float: fractional epochs serve per-step use) gives the value. It knows nothing about training and keeps no state,
so it serialises as ``{"name": ..., **params}`` (:meth:`Schedule.spec`) and pickles like any pydantic model.

Register one with :func:`register`; third-party packages expose ``Schedule`` subclasses through the
``mvae.schedules`` entry-point group (the entry-point name is the schedule's name)::

    @register("linear")
    class Linear(Schedule):
        start: float = 0.0
        ...
        def __call__(self, epoch: float) -> float: ...
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
import math
from collections.abc import Callable
from typing import Annotated, Any, ClassVar, TypeAlias, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from mvae_core.config import NON_FINITE, is_non_finite
from mvae_core.errors import ConfigError, MvaeError
from mvae_core.plugin_catalog import ListedAs
from mvae_core.registry import import_failure
from mvae_core.suggest import did_you_mean

ENTRY_POINT_GROUP = "mvae.schedules"


class ScheduleError(ConfigError):
    """An unknown schedule name or invalid parameters; the message names the schedule and the fix. A
    :class:`~mvae_core.errors.ConfigError` (so an ``MvaeError`` and a ``ValueError``), as every error a user can
    cause is."""


class ScheduleFailed(MvaeError):
    """A schedule's own code raised while giving a value (a bug in a third-party schedule, not the caller's input):
    exit code 1; ``__cause__`` is the original error."""

    exit_code: int = 1


class Schedule(BaseModel):
    """Base class: a validated, immutable parameter set that is also a function of the epoch."""

    model_config: ClassVar[ConfigDict] = ConfigDict(extra="forbid", frozen=True)
    name: ClassVar[str] = ""

    def __call__(self, epoch: float) -> float:
        raise NotImplementedError

    def end_epoch(self) -> float | None:
        """The first epoch from which the value no longer changes; ``None`` if it changes for ever."""
        return None

    def spec(self) -> dict[str, Any]:
        """``{"name": ..., **params}``: what a config records of the schedule, and what :func:`from_spec` reads."""
        return {"name": self.name, **self.model_dump(mode="json")}


_BUILTIN: dict[str, type[Schedule]] = {}
ScheduleClass = TypeVar("ScheduleClass", bound=type[Schedule])


def register(name: str) -> Callable[[ScheduleClass], ScheduleClass]:
    """Class decorator: register a built-in :class:`Schedule` under ``name`` (a duplicate is an error); the class is
    returned as it is, so type checkers keep reading it as its own class (its fields, ``isinstance`` narrowing)."""

    def decorate(cls: ScheduleClass) -> ScheduleClass:
        if name in _BUILTIN:
            raise ScheduleError(
                f"schedule {name!r} is registered twice ({_BUILTIN[name].__qualname__}, {cls.__qualname__})"
            )
        cls.name = name
        _BUILTIN[name] = cls
        return cls

    return decorate


def available() -> dict[str, type[Schedule]]:
    """Built-ins plus the ``mvae.schedules`` entry points (which may not reuse a built-in name), every class
    imported; the first package that fails to import (or has no Schedule) is a :class:`ScheduleError` naming it.
    ``mvae schedules`` lists each name of :func:`names` with its :func:`load` instead, so one broken package shows as
    that package's error."""
    return {name: load(name) for name in names()}


BUILT_IN = "built-in"
"""The origin :func:`names` gives a built-in schedule (a third-party one's is its distribution's name)."""


def names() -> dict[str, str]:
    """Every schedule name and its origin (:data:`BUILT_IN` or the distribution's name), from package metadata:
    nothing is imported. Two registrations of one name are a :class:`ScheduleError` naming both."""
    from schedules import builtin  # noqa: F401  (registers the built-ins)

    found = dict.fromkeys(_BUILTIN, BUILT_IN)
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        origin = _distribution(ep)
        if ep.name in found:  # a built-in's name, or that of a schedule another package registered before
            from mvae_core.registry import name_taken

            other = BUILT_IN if found[ep.name] == BUILT_IN else f"package {found[ep.name]}"
            raise ScheduleError(name_taken("schedule", ep.name, origin, other))
        found[ep.name] = origin
    return found


def _distribution(ep: importlib.metadata.EntryPoint) -> str:
    """The name of the package that registers ``ep`` (``unknown`` when its metadata names none, as for plugins)."""
    return ep.dist.name if ep.dist else "unknown"


def load(name: str) -> type[Schedule]:
    """The class of the schedule ``name`` (a key of :func:`names`; another name is a :class:`ScheduleError` with the
    closest one); a third-party one is imported here, so a broken package stops only the configs that use its
    schedules."""
    from schedules import builtin  # noqa: F401  (registers the built-ins)

    if name in _BUILTIN:
        return _BUILTIN[name]
    ep = next((ep for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP) if ep.name == name), None)
    if ep is None:
        raise _unknown(name, names())
    label = f"schedule {name!r} (package {_distribution(ep)})"  # as a plugin or a model is named
    try:
        cls = ep.load()
    except Exception as exc:
        raise ScheduleError(import_failure(label, exc)) from exc
    if not (isinstance(cls, type) and issubclass(cls, Schedule)):
        raise ScheduleError(f"{label} is not a schedules.Schedule subclass")
    if (taken := next((known for known, own in _BUILTIN.items() if own is cls), None)) is not None:
        # naming it here would rename the built-in in the whole process (a spec's name is its class's)
        raise ScheduleError(
            f"{label} is the class of the built-in schedule {taken!r} ({cls.__module__}:{cls.__qualname__}); a "
            "schedule class has one name: register a subclass of it under the new name"
        )
    if cls.__call__ is Schedule.__call__:  # else every plugin using it would fail in its hook, named instead
        raise ScheduleError(f"{label} does not define __call__(self, epoch) (docs/schedules.md)")
    cls.name = name
    return cls


def _unknown(name: str, known: dict[str, str]) -> ScheduleError:
    """The error for a schedule ``name`` that is not among ``known`` (:func:`names`), with the closest one."""
    return ScheduleError(
        f"unknown schedule {name!r}{did_you_mean(name, known)} Available: {', '.join(sorted(known))} (mvae schedules)"
    )


def make(name: str, /, **params: Any) -> Schedule:
    """Build the schedule ``name`` from ``params`` (validated; every number finite, and not ``True``/``False``; a
    parameter called ``name`` is an unknown parameter like any other, not a second name). Only that schedule's
    package is imported."""
    if name not in (known := names()):
        raise _unknown(name, known)
    cls = load(name)
    for key, value in params.items():  # pydantic reads true as 1.0: a number field given a switch is a mistake
        field = cls.model_fields.get(key)
        if isinstance(value, bool) and field is not None and field.annotation is not bool:
            raise ScheduleError(f"schedule {name!r}: {key} = {str(value).lower()}: a number, not true or false")
    try:
        schedule = cls(**params)
    except ValidationError as exc:
        problems = "; ".join(_problem(name, list(cls.model_fields), e) for e in exc.errors())
        raise ScheduleError(f"schedule {name!r}: {problems}") from None
    for key, value in schedule.model_dump().items():
        if isinstance(value, float) and not math.isfinite(value):
            raise ScheduleError(f"schedule {name!r}: {key} = {value}: {NON_FINITE}")
    return schedule


def _problem(name: str, parameters: list[str], error: Any) -> str:
    """``epochs: Input should be greater than 0``; an unknown parameter names the closest one
    (``epoch: unknown parameter; did you mean 'epochs'?``), or every parameter of the schedule ``name``."""
    where = ".".join(map(str, error["loc"]))
    if error["type"] != "extra_forbidden":
        if is_non_finite(error.get("input")):  # nan fails every bound ("greater than 0"): say what is wrong
            return f"{where} = {error['input']!r}: {NON_FINITE}"
        return f"{where}: {error['msg'].removeprefix('Value error, ')}"
    every = f"; parameters of {name!r}: {', '.join(parameters)}"
    return f"{where}: unknown parameter{did_you_mean(str(error['loc'][-1]), parameters, every)}"


def setting(value: Any, default: dict[str, Any] | str | None = None) -> Any:
    """A schedule as a config writes it (a plugin's ``schedule``, a chain's part): a bare name stands for that
    schedule with its defaults, ``{"name": value}``; given the setting's ``default``, a table without ``name`` is
    that default with those parameters changed (``--set plugins.kl_anneal.schedule.epochs=10``); anything else is
    returned as it is, for :func:`from_spec`."""
    if isinstance(value, dict) and "name" not in value and default is not None:
        return {**setting(default), **value}
    return {"name": value} if isinstance(value, str) else value


def from_spec(spec: dict[str, Any] | Schedule) -> Schedule:
    """Build a schedule from ``{"name": ..., **params}`` (or return an already built one)."""
    if isinstance(spec, Schedule):
        return spec
    if not isinstance(spec, dict) or "name" not in spec:
        raise ScheduleError(f'a schedule is a table with a "name" and its parameters, got {spec!r}')
    params = dict(spec)
    name = params.pop("name")
    if isinstance(name, str) and name in _BUILTIN:  # a chain builds each part twice: nested ones once, not 2**depth
        try:
            return _built_in(name, json.dumps(params, sort_keys=True, allow_nan=False))
        except (TypeError, ValueError):  # a value JSON does not hold (a numpy number, NaN): make names what is wrong
            pass
    return make(name, **params)


@functools.lru_cache(maxsize=1024)
def _built_in(name: str, params: str) -> Schedule:
    """The built-in schedule ``name`` made from the JSON ``params``: schedules are immutable, so one made from the
    same parameters serves every caller (:class:`~schedules.builtin.Chain` validates and then builds its parts, which
    made a chain of chains nested 10 deep take 25 s to build, 14 deep minutes)."""
    return make(name, **json.loads(params))


def validate_spec(spec: Any) -> dict[str, Any]:
    """For plugin config fields: the full spec (defaults filled in) of a valid schedule; raises ``ValueError``."""
    return from_spec(spec).spec()


ScheduleTable: TypeAlias = Annotated[dict[str, Any], ListedAs("schedule (mvae schedules)")]
"""The type of a plugin's (or model's) setting that holds a schedule, as validation stores it: the full table
``{name, **params}``. A type checker reads ``dict[str, Any]``; ``mvae plugins`` lists its type as ``schedule (mvae
schedules)``, where ``dict[str, Any]`` told a user nothing. Validate it with :func:`validate_setting`."""


def validate_setting(value: Any, default: dict[str, Any] | str | None = None) -> dict[str, Any]:
    """A plugin's schedule setting as the built-in plugins take theirs (a ``mode="before"`` field validator): a table
    ``{name, **params}``, a bare name (that schedule's defaults), or, given the field's ``default``, a table without
    ``name`` (the default with those parameters changed). Returns the full spec, defaults filled in; raises
    :class:`ScheduleError` (a ``ValueError``) naming the schedule and the parameter."""
    return validate_spec(setting(value, default))
