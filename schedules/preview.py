"""A named schedule seen without training: its listing entry, label, sampled values, plot and the warning for a ramp
longer than the previewed run. What ``mvae schedules`` prints and docs/figures/make_schedule_plots.py draws; the
command line only parses and prints (:mod:`mvae_core.cli_schedules`)."""

from __future__ import annotations

import inspect
import math
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import schedules
from mvae_core.errors import option_flag
from mvae_core.files import atomic_write
from mvae_core.plugin_catalog import config_fields
from mvae_core.tools import require_extra
from mvae_core.view import epoch_number
from schedules.builtin import Chain

MAX_POINTS = 1_000_000
"""The most points (epochs × steps per epoch) a preview samples: about 5 s of ``--json``; more would seem to hang."""


def origins() -> dict[str, str]:
    """Every schedule's name and origin as listings show it (``built-in`` or ``package <distribution>``); raises
    :class:`~schedules.ScheduleError` for a clash of names."""
    found = schedules.names()
    return {name: o if o == schedules.BUILT_IN else f"package {o}" for name, o in found.items()}


def _one_line(cls: type) -> str:
    """The first paragraph of the class's own docstring (not an inherited one), on one line."""
    doc = inspect.cleandoc(cls.__dict__.get("__doc__") or "")
    return " ".join(doc.split("\n\n")[0].split()).replace("``", "`")


def describe(name: str, origin: str) -> dict[str, Any]:
    """What ``mvae schedules`` shows of one schedule: name, origin, description and parameters (the same field
    description as ``mvae plugins`` gives of a plugin's config, bounds included), and ``error``: why a
    third-party schedule cannot be used (it fails to import, or is not a Schedule), or ``None``."""
    try:
        cls = schedules.load(name)
    except schedules.ScheduleError as exc:
        return {"name": name, "origin": origin, "description": "", "parameters": [], "error": str(exc)}
    return {"name": name, "origin": origin, "description": _one_line(cls), "parameters": config_fields(cls),
            "error": None}  # fmt: skip


def label(schedule: schedules.Schedule) -> str:
    """``linear(start=0, end=1, epochs=20, delay=0)``; a chain shows its parts, ``a for N → b``."""
    if isinstance(schedule, Chain):
        parts = []
        for part in schedule.parts:
            parts.append(
                label(schedules.from_spec(part["schedule"])) + (f" for {part['epochs']:g}" if "epochs" in part else "")
            )
        return "chain: " + " → ".join(parts)
    spec = schedule.spec()
    name = spec.pop("name")
    shown = ", ".join(f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in spec.items())
    return f"{name}({shown})"


def sample(schedule: schedules.Schedule, epochs: int, steps_per_epoch: int = 1) -> list[tuple[float, float]]:
    """``(epoch, value)`` at every step: epochs ``0, 1/K, 2/K, …`` up to (not including) ``epochs``. Raises
    :class:`~schedules.ScheduleError` for more than :data:`MAX_POINTS` points (``epochs × steps_per_epoch``) and for
    a value that is not finite (its parameters overflow), naming the first; :class:`~schedules.ScheduleFailed` when
    the schedule's own code raises."""
    if (count := epochs * steps_per_epoch) > MAX_POINTS:
        raise schedules.ScheduleError(
            _too_many_points(str, epochs, steps_per_epoch, count),
            command_line=_too_many_points(option_flag, epochs, steps_per_epoch, count),
        )
    points = []
    for e in range(epochs):
        for k in range(steps_per_epoch):
            epoch = e + k / steps_per_epoch
            try:
                value = schedule(epoch)
            except Exception as exc:  # a bug of the schedule's (a third-party one): not the caller's input
                raise schedules.ScheduleFailed(
                    f"schedule {schedule.name!r} failed at epoch {epoch:g}: {type(exc).__name__}: {exc}"
                ) from exc
            if not math.isfinite(value):
                raise schedules.ScheduleError(
                    f"schedule {schedule.name!r} gives {value} at epoch {epoch:g}, not a finite number; check its "
                    "parameters"
                )
            points.append((epoch, value))
    return points


def _too_many_points(name: Callable[[str], str], epochs: int, steps_per_epoch: int, count: int) -> str:
    """Why :func:`sample` refuses ``count`` points, naming the arguments as ``name`` spells them (``--epochs`` on
    the command line)."""
    return (
        f"{name('epochs')} {epochs} × {name('steps_per_epoch')} {steps_per_epoch} is {count:,} points to sample, "
        f"more than {MAX_POINTS:,}: give fewer steps per epoch (a step's curve shows at 10) or fewer epochs"
    )


def plot_schedule(schedule: schedules.Schedule, epochs: int, steps_per_epoch: int, path: Path) -> None:
    """Write the schedule's value over ``epochs`` (sampled at every step) as a PNG (matplotlib, Agg canvas); raises
    :class:`~mvae_core.tools.ToolError` without matplotlib and :class:`~mvae_core.files.WriteFailed` when the file
    cannot be written."""
    require_extra("plot", "matplotlib")  # a ToolError naming the extra to install
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    points = sample(schedule, epochs, steps_per_epoch)
    xs = [x for x, _ in points] + [float(epochs)]
    ys = [y for _, y in points] + [points[-1][1]]
    figure = Figure(figsize=(6.4, 3.2), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.plot(xs, ys, drawstyle="steps-post", color="tab:blue", linewidth=1.8)
    xlabel = "e: training progress in epochs (epoch N runs from e = N − 1 to N)"
    xlabel += "" if steps_per_epoch == 1 else f"; {steps_per_epoch} steps each"
    end = schedule.end_epoch()
    if end is not None and 0 < end <= epochs:
        axes.axvline(end, color="0.5", linestyle=":", linewidth=1.2, label=f"end_epoch = {end:g}")
        axes.legend(loc="best", fontsize=8, frameon=False)
    elif end is not None and end > epochs:
        xlabel += f"; the ramp ends at e = {end:g}, after the run"
    axes.set_xlim(0, epochs)
    axes.set_xlabel(xlabel)
    axes.set_ylabel("value")
    axes.grid(alpha=0.3)
    axes.set_title(textwrap.fill(label(schedule), 80), fontsize=9, loc="left")
    atomic_write(path, figure.savefig, durable=False)


def ramp_warning(
    name: str, schedule: schedules.Schedule, points: list[tuple[float, float]], steps_per_epoch: int
) -> str | None:
    """Why the schedule never reaches its final value within the sampled run, or ``None`` when it does."""
    end = schedule.end_epoch()
    last_epoch, last_value = points[-1]
    if end is None or end <= last_epoch:
        return None
    where = "epoch" if steps_per_epoch == 1 else "step"
    needed = math.ceil(end + 1 / steps_per_epoch) if math.isfinite(end) else math.inf
    if needed * steps_per_epoch > MAX_POINTS:  # "--epochs 1000…(309 digits)" would be refused
        reached, advice = "", f"It ends beyond what preview can sample ({MAX_POINTS:,} points): shorten the schedule."
    else:
        reached = f" (in epoch {epoch_number(math.floor(end))})"
        advice = f"Preview with --epochs {needed} or more, or shorten the schedule."
    return (
        f"{name} reaches its final value {schedule(end):.6g} at e = {end:g}{reached}, after the last {where} "
        f"previewed (epoch {epoch_number(math.floor(last_epoch))}, e = {last_epoch:g}, value {last_value:.6g}): a "
        f"ramp longer than the run. {advice}"
    )
