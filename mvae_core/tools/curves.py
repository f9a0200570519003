"""``mvae plot``: the training curves of a run, from its ``metrics.jsonl``, as one PNG.

Six panels over the epochs (counted from 1, as on the console): train loss per term (the core's, then any a
plugin adds); validation loss per term with ``val_elbo``; the loss-weight multipliers applied (``weights``); the
learning rate; the timing spread (``timing_spread_ratio`` and ``timing_std`` of data and reconstruction,
half-steps); active latent units with ``onset_f1`` and ``rhythm_f1``. Each ``--metric`` path (e.g.
``plugins.free_bits.kl_per_dim``, or a whole section such as ``plugins.free_bits``) adds a panel of its numbers, one
line per number (a list gives one line per element). Epochs with events get a vertical line in every panel: red for
a stop, orange for a warning, grey for any other level; the events are listed under the panels, an event repeated
in later epochs (a resumed run's start-up warnings) once with each epoch. Missing or ``null`` values (older runs,
quantized data) leave gaps.
"""

from __future__ import annotations

import math
import textwrap
from functools import partial
from pathlib import Path
from typing import Any

from mvae_core.config import LOSS_TERMS
from mvae_core.files import atomic_write
from mvae_core.run import RunDir
from mvae_core.run_files import METRICS
from mvae_core.suggest import did_you_mean
from mvae_core.tools import ToolError, missing_glyphs_said, picture_path, require_extra
from mvae_core.view import epoch_number

EVENT_COLOURS = {"stop": "tab:red", "warning": "tab:orange"}
MAX_LISTED_EVENTS = 8
"""Distinct events the footer lists (an event repeated in later epochs is listed once, with each epoch)."""
EVENT_WIDTH = 150
EVENT_LINES = 3
"""Characters of a line of the figure's event footer, and the most lines an event takes: a warning's advice is at
its end (a plugin's start-up warning runs to 300 characters: ``ts_ramp``'s lost its advice at two lines)."""


def loss_terms(records: list[dict[str, Any]]) -> list[str]:
    """The loss terms to draw: the core's (:data:`LOSS_TERMS`), then every other term a record's ``train`` holds (one
    a plugin adds in ``mvae_loss``, or a model of its own), in the order they first appear."""
    terms: list[str] = list(LOSS_TERMS)
    for record in records:
        train = record.get("train")
        terms += [term for term in train if term != "total" and term not in terms] if isinstance(train, dict) else []
    return terms


def series(records: list[dict[str, Any]], *keys: str) -> list[float]:
    """``record[k0][k1]…`` per record as floats; NaN where a key is missing or the value is null."""
    values = []
    for record in records:
        value: Any = record
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        values.append(float(value) if isinstance(value, int | float) else math.nan)
    return values


def metric_lines(records: list[dict[str, Any]], path: str) -> dict[str, list[float]]:
    """``{label: value per record}`` for the numbers at dotted ``path``: one line for a number, one per element for
    a list (``path[i]``), one per numeric leaf for a section. :class:`ToolError` (naming the numeric paths there are)
    when no record has a number there."""
    lines: dict[str, list[float]] = {}
    for k, record in enumerate(records):
        node: Any = record
        for key in path.split("."):
            node = node.get(key) if isinstance(node, dict) else None
        for label, value in _leaves(node, path):
            lines.setdefault(label, [math.nan] * len(records))[k] = value
    if not lines:
        known = sorted({label for record in records for label, _ in _leaves(record, "") if label})
        plugin_paths = [label for label in known if label.startswith("plugins.")]
        raise ToolError(
            f"--metric {path}: no number there in metrics.jsonl{did_you_mean(path, known, ';')} numbers recorded by "
            f"plugins: {', '.join(plugin_paths) or 'none'} (other paths: "
            f"{', '.join(p for p in known if p not in plugin_paths)})"
        )
    return lines


def _leaves(node: Any, path: str) -> list[tuple[str, float]]:
    if isinstance(node, bool):
        return []
    if isinstance(node, int | float):
        return [(path, float(node))]
    if node is None:
        return []
    if isinstance(node, list):
        return [
            (f"{path}[{i}]", float(v))
            for i, v in enumerate(node)
            if isinstance(v, int | float) and not isinstance(v, bool)
        ]
    if isinstance(node, dict):
        return [leaf for key, value in node.items() for leaf in _leaves(value, f"{path}.{key}" if path else key)]
    return []


def events(records: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
    """``(epoch, level, "source: message")`` of every event, in order; epochs counted from 1."""
    return [
        (epoch_number(int(r["epoch"])), str(e.get("level", "")), f"{e.get('source', '?')}: {e.get('message', '')}")
        for r in records
        for e in r.get("events") or []
    ]


def distinct_events(marked: list[tuple[int, str, str]]) -> list[tuple[list[int], str, str]]:
    """``(epochs, level, text)`` of each distinct event of ``marked`` (:func:`events`), in the order of first
    emission, with every epoch it was emitted in: a resumed run's plugins repeat their start-up warnings (four on
    each Ctrl-C and ``--resume`` with the defaults), which listed once per start filled the footer and hid what came
    later, such as the stop."""
    grouped: dict[tuple[str, str], list[int]] = {}
    for epoch, level, text in marked:
        epochs = grouped.setdefault((level, text), [])
        if epoch not in epochs:
            epochs.append(epoch)
    return [(epochs, level, text) for (level, text), epochs in grouped.items()]


def event_label(epochs: list[int], level: str, text: str) -> str:
    """One footer entry: ``epoch 3 stop: …``, or ``epochs 1, 2 warning: …`` for an event emitted in several."""
    return f"epoch{'s' if len(epochs) > 1 else ''} {', '.join(map(str, epochs))} {level}: {text}"


def plot_run(run_dir: Path, out: Path, metrics: list[str] | tuple[str, ...] = ()) -> Path:
    """Draw the curves of the run in ``run_dir`` to ``out`` (``.png`` added when it has no suffix); returns the path
    written. :class:`ToolError` when no epoch has finished; a folder that is not a run is named for what it holds
    (:class:`~mvae_core.config.ConfigError`)."""
    run = RunDir(run_dir)
    if not (run.path / METRICS).is_file():
        run.read_config()  # a folder that is not a run is named for what it holds
        raise ToolError(f"{run.path}: no {METRICS} there: no epoch has finished yet")
    out = picture_path(out)
    draw_curves(run.read_metrics(), out, f"{run.path}: training curves", metrics)
    return out


def draw_curves(
    records: list[dict[str, Any]], out: Path, title: str, metrics: list[str] | tuple[str, ...] = ()
) -> None:
    """Write the figure (module docstring) for the epochs ``records`` to ``out`` (PNG), with a panel per path of
    ``metrics``."""
    if not records:
        raise ToolError("no finished epoch in metrics.jsonl: nothing to plot")
    extra = {path: metric_lines(records, path) for path in metrics}
    require_extra("plot", "matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    epochs = [epoch_number(int(r["epoch"])) for r in records]
    colours = {term: f"C{i}" for i, term in enumerate(loss_terms(records))}
    rows = 3 + math.ceil(len(extra) / 2)
    fig, axes = plt.subplots(rows, 2, figsize=(12, 11 + 3.5 * (rows - 3)), sharex=True, squeeze=False)
    (train, val), (weights, lr), (timing, units) = axes[:3]
    spare = list(axes[3:].ravel())
    for ax, (path, lines) in zip(spare, extra.items(), strict=False):
        for label, values in lines.items():
            ax.plot(epochs, values, label=label.removeprefix(path) or path)
        ax.set_title(path)
        if len(lines) > 1:
            ax.legend(fontsize=7, ncol=2)
    for ax in spare[len(extra) :]:
        ax.set_visible(False)
    for term in colours:
        train.plot(epochs, series(records, "train", term), color=colours[term], label=term)
        val.plot(epochs, series(records, "val", term), color=colours[term], label=term)
        weights.plot(epochs, series(records, "weights", term), color=colours[term], label=term)
    val.plot(epochs, series(records, "val_elbo"), color="black", lw=2, label="val_elbo")
    for ax, name in ((train, "train loss per term (mean per loop)"), (val, "validation loss per term")):
        ax.set_yscale("log")
        ax.set_title(name)
    weights.set_title("applied loss-weight multipliers (plugins)")
    rates = series(records, "lr")
    lr.plot(epochs, rates, color="C0")
    positive = [r for r in rates if r > 0]  # NaN (a missing rate) is not
    if positive and max(positive) > 10 * min(positive):
        lr.set_yscale("log")
    else:
        lr.ticklabel_format(axis="y", style="sci", scilimits=(-2, 2))
        if positive and max(positive) == min(positive):  # matplotlib would span ±4 %: 0.96 .. 1.04 looks like change
            lr.set_ylim(0, 1.25 * positive[0])
    lr.set_title("learning rate")
    ratio = series(records, "timing_spread_ratio")  # undefined (null) on quantized data: no spread to compare
    defined = any(not math.isnan(r) for r in ratio)
    ratio_label = "timing_spread_ratio" if defined else "timing_spread_ratio: none (quantized data)"
    timing.plot(epochs, ratio, color="C3", label=ratio_label)
    timing.plot(epochs, series(records, "timing_std", "data"), color="C7", ls="--", label="timing_std data")
    timing.plot(epochs, series(records, "timing_std", "recon"), color="C2", label="timing_std recon")
    timing.set_title("timing spread (ratio; std in half-steps)")
    active = series(records, "active_units")
    units.step(epochs, active, where="mid", color="C4", label="active units")
    units.set_ylabel("active latent units")
    units.yaxis.set_major_locator(MaxNLocator(integer=True))
    units.set_ylim(bottom=0, top=max((u for u in active if not math.isnan(u)), default=0) + 1)
    units.set_title("active units and reconstruction F1")
    f1 = units.twinx()
    f1.plot(epochs, series(records, "onset_f1"), color="C1", label="onset_f1")
    f1.plot(epochs, series(records, "rhythm_f1"), color="C9", label="rhythm_f1")
    f1.set_ylim(0, 1)
    f1.set_ylabel("F1 (notes; rhythm: steps only)")
    for ax in (train, val, weights, timing):
        ax.legend(fontsize=7, ncol=2)
    units.legend(handles=units.get_lines() + f1.get_lines(), fontsize=7, loc="lower right")
    marked = events(records)
    for ax in axes.ravel():
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        for epoch, level, _ in marked:
            ax.axvline(epoch, color=EVENT_COLOURS.get(level, "tab:gray"), lw=1, ls=":" if level != "stop" else "-")
    for ax in axes[-1]:
        ax.set_xlabel("epoch")
    if len(extra) % 2:
        axes[-2][-1].xaxis.set_tick_params(labelbottom=True)  # the panel above the hidden one shows the epochs
        axes[-2][-1].set_xlabel("epoch")
    distinct = distinct_events(marked)
    listed = [
        part
        for entry in distinct[:MAX_LISTED_EVENTS]
        for part in textwrap.wrap(event_label(*entry), EVENT_WIDTH, subsequent_indent="    ", max_lines=EVENT_LINES,
                                  placeholder=" …")
    ]  # fmt: skip
    if len(distinct) > MAX_LISTED_EVENTS:
        listed.append(f"… and {len(distinct) - MAX_LISTED_EVENTS} more events (see metrics.jsonl)")
    fig.suptitle(title)
    with missing_glyphs_said(out):  # a run named in Japanese: one warning, not two lines per character and drawing
        fig.tight_layout(rect=(0, 0.015 * len(listed), 1, 1))
        for k, line in enumerate(listed):
            fig.text(0.01, 0.015 * (len(listed) - k - 1) + 0.004, line, fontsize=7, family="monospace")
        atomic_write(out, partial(fig.savefig, dpi=100), durable=False)
    plt.close(fig)
