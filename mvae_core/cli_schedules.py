"""``mvae schedules``: list the named schedules, and preview one (its value per epoch, optionally a PNG plot).

The ``mvae`` command imports this module at start-up, so it imports neither torch nor matplotlib (``--plot``
imports matplotlib when it runs).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

import schedules
from mvae_core.cli_output import err as err_console
from mvae_core.cli_output import errors_to_exit, fail, field_kind, print_json, shown_default
from mvae_core.cli_output import out as console
from mvae_core.cli_paths import given_path
from mvae_core.config import ConfigError, TrainConfig, parse_set_value, split_assignment
from mvae_core.files import WriteFailed
from mvae_core.plugin_catalog import printing_to_stderr
from mvae_core.tools import ToolError, require_extra
from mvae_core.view import epoch_number
from schedules.preview import describe, label, origins, plot_schedule, ramp_warning, sample

DEFAULT_EPOCHS: int = TrainConfig.model_fields["epochs"].default

schedules_app: typer.Typer = typer.Typer(help="List the named schedules (built-in and from packages) and preview one.")


def _names() -> dict[str, str]:
    """:func:`schedules.preview.origins`; a clash of names exits 2."""
    try:
        return origins()
    except schedules.ScheduleError as exc:
        raise fail(str(exc)) from None


def describe_all() -> list[dict[str, Any]]:
    with printing_to_stderr():
        return [describe(name, origin) for name, origin in _names().items()]


@schedules_app.callback(invoke_without_command=True)
def list_schedules(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List every schedule: name, origin, description, and its parameters with type, default and meaning."""
    if ctx.invoked_subcommand is not None:
        return
    described = describe_all()
    if as_json:
        print_json(described)
        return
    table = Table(title="schedules", title_justify="left")
    for column in ("schedule", "origin", "parameter", "type", "default", "description"):
        table.add_column(column, overflow="fold")
    for entry in described:
        about = f"[red]{escape(entry['error'])}" if entry["error"] else f"[italic]{escape(entry['description'])}"
        table.add_row(escape(entry["name"]), escape(entry["origin"]), "", "", "", about)
        for p in entry["parameters"]:
            kind = field_kind(p)
            default = shown_default(p["required"], p["default"])
            table.add_row("", "", escape(p["name"]), escape(kind), escape(default), escape(p["description"]))
        table.add_section()
    console.print(table)
    console.print(
        "Preview one: mvae schedules preview NAME [--set param=value]... [--epochs N] [--plot FILE.png]. "
        'In a plugin\'s config: schedule = {name = "NAME", param = value, ...}.'
    )


def _parameters(assignments: list[str]) -> dict[str, Any]:
    """``--set param=value`` as the schedule's parameters (:func:`~mvae_core.config.split_assignment`, values read as
    TOML by :func:`~mvae_core.config.parse_set_value`)."""
    params: dict[str, Any] = {}
    for assignment in assignments:
        with errors_to_exit():
            key, value = split_assignment(assignment, "param=value")
        try:
            params[key] = parse_set_value(value)
        except ConfigError as exc:  # a value nested deeper than mvae reads
            raise fail(f"--set {key}: {exc}") from None
    return params


def _check_matplotlib() -> None:
    try:
        require_extra("plot", "matplotlib")
    except ToolError as exc:
        raise fail(f"--plot: {exc}") from None


def _picture(path: Path) -> Path:
    """``--plot``'s file, as ``mvae map`` and ``mvae plot`` name theirs (``.png`` added to a name without a suffix;
    :func:`mvae_core.tools.picture_path`); a suffix matplotlib cannot write exits 2."""
    from mvae_core.tools import ToolError, picture_path

    try:
        return picture_path(path, "--plot")
    except ToolError as exc:
        raise fail(str(exc)) from None


@schedules_app.command("preview")
def preview(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The schedule's name (see mvae schedules).")],
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", metavar="PARAM=VALUE", help="A parameter: param=value, value read as TOML (repeatable)."),
    ] = None,
    epochs: Annotated[
        int, typer.Option(metavar="N", min=1, help="Length of the run to preview, in epochs.")
    ] = DEFAULT_EPOCHS,
    steps_per_epoch: Annotated[
        int,
        typer.Option(metavar="K", min=1, help="Steps per epoch: sample fractional epochs (per-step use) in the plot."),
    ] = 1,
    plot: Annotated[
        Path | None,
        typer.Option(
            parser=given_path,
            metavar="FILE.png",
            help="Also draw the values into this picture (.png added to a name without a suffix; needs matplotlib).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON: the full spec and every sampled value.")] = False,
) -> None:
    """Print a schedule's value at each epoch of a run (and optionally plot it) without training anything."""
    if plot is not None:  # exit 2 before anything else: no matplotlib, or a name matplotlib cannot write
        _check_matplotlib()
        plot = _picture(plot)
    params = _parameters(set_ or [])
    with errors_to_exit():
        schedule = schedules.make(name, **params)
        points = sample(schedule, epochs, steps_per_epoch)
    end = schedule.end_epoch()
    if warning := ramp_warning(name, schedule, points, steps_per_epoch):
        err_console.print(f"[yellow]warning:[/] {escape(warning)}")
    if as_json:
        result: dict[str, Any] = {
            "schedule": schedule.spec(),
            "end_epoch": end,
            "epochs": epochs,
            "steps_per_epoch": steps_per_epoch,
        }
        result["points"] = [{"epoch": x, "value": y} for x, y in points]
        print_json(result)
    else:
        _print_values(schedule, points, steps_per_epoch, end)
    if plot is not None:
        try:
            plot_schedule(schedule, epochs, steps_per_epoch, plot)
        except WriteFailed as exc:  # it names the file already ("cannot write X: No space left on device")
            raise fail(str(exc)) from None
        except (OSError, ValueError) as exc:
            raise fail(f"--plot {plot}: {exc}") from None
        console.print(f"plot → {escape(str(plot))}")


def _print_values(
    schedule: schedules.Schedule, points: list[tuple[float, float]], steps_per_epoch: int, end: float | None
) -> None:
    ends = "changes for ever" if end is None else f"end_epoch {end:g}"
    table = Table(title=f"{escape(label(schedule))}  ({ends})", title_justify="left")
    table.add_column("epoch", justify="right")
    table.add_column("e", justify="right")
    table.add_column("value", justify="right")
    if steps_per_epoch > 1:
        table.add_column(f"min over {steps_per_epoch} steps", justify="right")
        table.add_column(f"max over {steps_per_epoch} steps", justify="right")
    for start in range(0, len(points), steps_per_epoch):
        epoch, value = points[start]
        row = [str(epoch_number(round(epoch))), f"{epoch:g}", f"{value:.6g}"]
        if steps_per_epoch > 1:
            within = [v for _, v in points[start : start + steps_per_epoch]]
            row += [f"{min(within):.6g}", f"{max(within):.6g}"]
        table.add_row(*row)
    console.print(table)
