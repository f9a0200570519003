"""What ``mvae ablate`` prints when its runs are done: the per-configuration table of the key metrics, and under
it, per reference, the paired differences the seeds tell apart from noise."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.table import Table

from mvae_core.ablation.about import validation_line
from mvae_core.ablation.cells import column_decimals, decided, metric_cell, name_lines, number, stops
from mvae_core.ablation.columns import GOALS, METRICS, plugin_columns
from mvae_core.ablation.estimates import ok_runs, paired, paired_plugin_numbers, per_config, repeated
from mvae_core.ablation.findings import (
    LEFT_OUT,
    NOT_JUDGED,
    by_chance,
    countable,
    counted_intervals,
    excludes_zero,
    judged,
    no_interval,
    repeated_pairs,
)
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.stats import Estimate
from mvae_core.goals import TARGETS, better

CONSOLE_METRICS = {  # row key → a short title, on lines no wider than the column's numbers
    "epochs_run": "epochs",
    "best_val_elbo": "val_elbo",
    "timing_spread_ratio": "spread\nratio",
    "gen_timing_std": "gen.\ntiming\nstd",
    "cpu_seconds": "CPU s",
}
CONSOLE_DIGITS = 3
"""The significant digits of the console table's means (summary.md's have one more)."""


def told_apart(rows: list[dict[str, Any]], configs: list[Configuration], references: tuple[str, ...]) -> list[str]:
    """The console's lines under its table: per reference, how many of its paired differences' 95 % intervals
    exclude 0 (bold in summary.md: for a column best at a target, the interval of the change in distance from it,
    :func:`~.estimates.paired`'s ``deciding``) of how many, :data:`LEFT_OUT` added when intervals of
    :data:`NOT_JUDGED` were left out of the count and :func:`~.findings.repeated_pairs` when a row repeats a pair of
    an earlier reference (neither counted nor named again), then each of them on a line (:func:`_told`): the
    console's per-configuration means alone cannot say which differences the seeds agree on. Where no configuration
    is a reference (a ``--configs`` file without ``all``, ``none`` or ``references``), one line says so and how.
    Last, where seeds share a validation set, :func:`~.about.validation_line`: those intervals then cover fewer
    splits than seeds."""
    lines = []
    if references and not {c.name for c in configs} & set(references):  # nothing is paired: say so, and how
        lines.append(
            f"paired: no configuration is named {' or '.join(references)} (list the configurations to pair against "
            "as a --configs file's references)"
        )
    for reference in references:
        again = repeated(reference, references, configs)
        diffs = [d for d in paired(rows, configs, reference) if d["config"] not in again]
        numbers = [n for n in paired_plugin_numbers(rows, configs, reference) if n["config"] not in again]
        repeats = repeated_pairs(again, reference)
        if not diffs:
            if repeats:
                lines.append(f"against {reference}, paired: {repeats}, not counted again")
            continue
        columns = plugin_columns(ok_runs(rows, reference))  # those summary.md pairs against the reference
        named = [(d["config"], m, d[m], d["deciding"][m]) for d in diffs for m in METRICS if judged(m)]
        left_out = f"; {LEFT_OUT}" if countable([d[m] for d in diffs for m in NOT_JUDGED]) else ""
        left_out += f"; {repeats}, not counted again" if repeats else ""
        named += [
            (n["config"], column, n["numbers"][column], n["numbers"][column]) for n in numbers for column in columns
        ]
        found = [_told(config, column, e, decides) for config, column, e, decides in named if excludes_zero(decides)]
        if intervals := len(countable([decides for *_, decides in named])):
            lines.append(
                f"against {reference}, paired: {counted_intervals(len(found), intervals, ('excludes 0', 'exclude 0'))}"
                f" (95 %; about {by_chance(intervals)} by chance{left_out}){':' if found else ''}"
            )
        else:
            lines.append(f"against {reference}, paired: {no_interval(diffs, rows)}")
        lines += found
    return lines + ([shared] if (shared := validation_line(rows)) else [])


def _told(config: str, column: str, e: Estimate, decides: Estimate) -> str:
    """A paired difference the seeds tell apart from noise, on a line under the console's count: ``  config: title
    mean [low, high]`` and where its column has a goal (:data:`~.columns.GOALS`) which run it favours: ``, better``
    or ``, worse`` (higher or lower is better); for a column best at a target, the mean and how much nearer or
    farther from it (:func:`~.cells.decided`: ``+0.0515, nearer 1 by 0.0515 [0.0391, 0.0639]``), the interval
    that decided."""
    goal = GOALS.get(column)  # a plugin's number has none: which way is better is the plugin's to say
    title = METRICS.get(column, column)
    if goal in TARGETS:
        return f"  {config}: {title} {number(e.mean, True, 3)}, {decided(decides, goal, digits=3)}"
    said = f"  {config}: {title} {number(e.mean, True, 3)} [{number(e.low, True, 3)}, {number(e.high, True, 3)}]"
    if goal is None:
        return said
    return f"{said}, {'better' if better((decides.low, decides.high), goal) == 'a' else 'worse'}"


NAME_WIDTH = 24
"""The console's configuration column, in characters: what the table can give it and still fit 80 columns (the
built-in plugins' longest configuration name, ``only-ts_variance_monitor``, just fits). A longer name
(``factorial``'s ``a+b+c``, a package plugin's, a ``--configs`` file's) is broken into lines (:func:`console_name`)."""


def console_name(name: str) -> str:
    """``name`` on lines of at most :data:`NAME_WIDTH` characters (:func:`~.cells.name_lines`: after a ``+`` or
    ``-``, inside a longer part only where it must): a part kept whole on a longer line widened the column, and the
    terminal then cut the table's numbers (``…``)."""
    return name_lines(name, NAME_WIDTH)


def console_table(rows: list[dict[str, Any]], configs: list[Configuration]) -> Table:
    """The per-configuration mean ± std of the key metrics, for the terminal (summary.md has the intervals and one
    more significant digit): each column's means to the same places (:func:`~.cells.column_decimals` of
    :data:`CONSOLE_DIGITS`), so that 1.002 does not read ``1`` beside ``0.998``. No cell is ever broken by the
    terminal's width: each configuration is a block of lines (its name, broken into lines when longer than
    :data:`NAME_WIDTH`; its ok runs; what stopped them; each mean above its ± std), so the table fits 80 columns
    with the built-in plugins' configurations in every mode, and every column is ``no_wrap``."""
    table = Table(
        title="ablation: mean ± std over seeds (95 % intervals in summary.md)",
        title_justify="left",
        box=box.SIMPLE_HEAD,  # no vertical rules: two spaces between columns
        show_edge=False,
        show_lines=True,  # a blank line between configurations
        collapse_padding=True,
    )
    for column in ("config", *CONSOLE_METRICS.values()):
        table.add_column(column, no_wrap=True)
    estimates = per_config(rows, configs)
    decimals = {m: column_decimals([e[m].mean for e in estimates], CONSOLE_DIGITS) for m in CONSOLE_METRICS}
    for e in estimates:
        about = "\n".join([console_name(e["config"]), f"{e['ok']}/{e['runs']} ok", stops(e["stops"], "\n")])
        cells = (
            metric_cell(e[m], e["ok"], m, stacked=True, reasons=e["missing"][m], decimals=decimals[m])
            for m in CONSOLE_METRICS
        )
        table.add_row(about, *cells)
    return table
