"""Pure helpers shared by the schedule-driven loss-weight plugins (``kl_anneal``, ``ts_ramp``); no hooks here."""

from __future__ import annotations

import math
from typing import Any

import schedules
from schedules import Schedule


def check_spec(value: Any) -> dict[str, Any]:
    """Validate a plugin's ``schedule`` setting: a table ``{name, **params}``, or a bare name (its defaults).

    Returns the full spec (defaults filled in, so the run's ``config.toml`` records exactly what ran); raises
    ``ValueError`` naming the closest schedule for an unknown name, or the bad parameter.
    """
    return schedules.validate_spec({"name": value} if isinstance(value, str) else value)


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
