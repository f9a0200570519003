"""``mvae plot``: the training curves of a run, or of several runs to compare, from ``metrics.jsonl``, as one PNG.

Six panels over the epochs (counted from 1, as on the console): train loss per term (the core's, then any a plugin
adds); validation loss per term with ``val_elbo``; the loss-weight multipliers applied (``weights``); the learning
rate; the timing spread (``timing_spread_ratio`` and ``timing_std`` of data and reconstruction, half-steps); active
latent units with ``onset_f1`` and ``rhythm_f1``. Each ``--metric`` path (e.g. ``plugins.free_bits.kl_per_dim``, or
a whole section such as ``plugins.free_bits``) adds a panel of its numbers, one line per number (a list gives one
line per element); a path under ``steps`` draws the numbers recorded per training step (``steps.jsonl``,
:func:`step_panel`: ``steps.train.<term>``, the losses ``train.step_records`` keeps, and
``steps.plugins.<name>.<key>``) at ``global_step / steps_per_epoch + 1``, on the epochs' scale, a long series as the
means of :data:`MAX_STEP_POINTS` buckets. Epochs with events get a vertical line in every panel: red for a stop,
orange for a warning, grey for any other level; the events are listed under the panels, an event repeated in later
epochs (a resumed run's start-up warnings) once with each epoch. Missing or ``null`` values (older runs, quantized
data) leave gaps, and so does a loss term recorded as 0 at multiplier 0 (not computed:
:func:`~mvae_core.metrics_record.not_computed`), under ``train`` or ``val``, in their panels and a ``--metric``
panel alike; a value with none beside it (a run of one epoch) is a dot. A legend lies inside its panel and covers
no line: it goes to the first free spot of :data:`LEGEND_SPOTS` where it fits (in two columns, else in one),
measured in display coordinates, else above the data, the panel's top raised to make room (its names wrapped where
even one column is wider than the panel). Terms whose weight multipliers are equal in every epoch share one line, so
the legend names no line hidden under another.

Several runs (``mvae plot A B …``) share one figure (:func:`draw_comparison`): the same panels on shared axes, one
colour per run, the lines of a panel told apart by their style; a run with no number for a panel is absent from it
and named in its title (``(none in b)``), a line some runs lack is named in the legend (``(not in b)``). Runs of
different models (as ``val_elbo`` measures them: :func:`~mvae_core.ablation.columns.elbo_model`) are named with their
model (``rnn (melody_rnn)``), and the loss panels (:data:`ACROSS_MODELS`) say that their lines are not comparable
across the models.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from mvae_core.ablation.columns import elbo_model
from mvae_core.config import LOSS_TERMS, ConfigError
from mvae_core.files import atomic_write
from mvae_core.metrics_record import LOSS_SPLITS, STEP_EPOCH_LENGTH, STEP_TABLES, not_computed
from mvae_core.report import TIMING_UNIT
from mvae_core.run import RunDir
from mvae_core.run_files import BEST_MODEL, METRICS
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
LEGEND_SPOTS = (
    "upper right",
    "upper left",
    "lower right",
    "lower left",
    "center right",
    "center left",
    "upper center",
    "lower center",
    "center",
)
"""Where a panel's legend may go inside it, in order of preference; the first where it lies inside the panel and
covers no line is taken."""
LEGEND_COLUMNS = (2, 1)
"""The columns a panel's legend is tried in, in order: two keep it low; one keeps it narrow enough for a panel that two
run past (a comparison's weights panel, whose names say which runs lack a line)."""
LEGEND_FONT_SIZE = 7
"""The size of a panel's legend text, in points."""
LEGEND_CLEARANCE = 3.0
"""Pixels a legend keeps from a line (half a line's width and a little air)."""
FOOTER_LINE_INCHES = 0.165
TITLE_INCHES = 0.22
"""The height of a line of the event footer, and the figure's title's distance from its top (those of the six-panel
figure): inches, so that a figure made taller by ``--metric`` panels keeps them (as fractions of its height, the
footer's lines spread apart and the title sank into the first panels' titles)."""
ZERO_MARGIN = 0.04
"""The share of the active-units panel below 0, on both its axes: a line at 0 (no active unit, an F1 of 0) showed
under the frame."""
SHARED_LINE_COLOUR = "0.3"
"""The colour of a line that several terms share (their weights are equal in every epoch), and of the line styles in
a comparison's legends."""
PANEL_TITLES = {
    "train": "train loss per term (mean per loop)",
    "val": "validation loss per term",
    "weights": "applied loss-weight multipliers (plugins)",
    "lr": "learning rate",
    "timing": "timing spread",
    "units": "active units and reconstruction F1",
}
"""The six panels' titles, in the order of the figure (left to right, top to bottom)."""
ACROSS_MODELS = ("train", "val")
"""The panels (of :data:`PANEL_TITLES`) whose lines measure a different quantity in each model: the loss terms and
``val_elbo`` (the onset term is one token's cross-entropy per step in ``melody_rnn``, a binary cross-entropy per pitch
× step cell in ``seed``; the timing term a cross-entropy or, with the ``mse`` head, a squared error). A comparison of
runs of different models says so in their titles (:data:`NOT_ACROSS_MODELS`), as the ablation leaves out their
``val_elbo`` difference (``other model``); the other panels (weights, learning rate, timing, active units and F1)
measure the same in every model."""
NOT_ACROSS_MODELS = "not comparable across models: compare onset_f1 and timing"
"""What the titles of :data:`ACROSS_MODELS` add where a comparison's runs have different models."""
Compared = dict[str, dict[str, list[float]]]
"""A compared panel's lines (or its twin axis'): run name → line label → value per epoch of that run."""
MAX_RUNS = 10
"""The most runs one comparison draws: matplotlib's colour cycle tells ten apart."""
WIDEST_RUN = 2.8
NARROWEST_RUN = 1.2
"""The widths of the first and the last run's lines in a comparison (those between, evenly between): a later run's
line drawn over an equal one of an earlier run leaves the earlier one's colour showing at its edges."""
COMPARED_STYLES: tuple[Any, ...] = ("-", "--", ":", "-.", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 3)), (0, (8, 2, 2, 2)))
"""The line styles that tell a compared panel's kinds of lines apart (loss terms, F1s, a --metric's numbers)."""
STEP_PATHS = "steps"
"""The first part of a ``--metric`` path that names numbers of ``steps.jsonl`` (``steps.train.kl``,
``steps.plugins.<name>.<key>``: the rest is the path within a step's line) rather than of ``metrics.jsonl``."""
MAX_STEP_POINTS = 2000
"""The most points a line of numbers per step is drawn with: a longer one is drawn as the means of that many buckets
of consecutive steps (its x the mean of theirs), which keeps the picture readable and the drawing fast."""
Panel = tuple[list[float], dict[str, list[float]]]
"""A ``--metric`` panel's x (epochs counted from 1, or the steps' places on that scale) and its lines over them."""


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


def term_series(records: list[dict[str, Any]], split: str, term: str) -> list[float]:
    """``<split>.<term>`` per record (:func:`series`; ``split`` is ``train`` or ``val``), with a gap (NaN) in the
    epochs where the term was not computed (:func:`~mvae_core.metrics_record.not_computed`): its 0 says nothing of
    the term, and on the panels' log scale it fell to the axis."""
    return [
        math.nan if not_computed(record, split, term) else value
        for record, value in zip(records, series(records, split, term), strict=True)
    ]


def not_computed_paths(record: dict[str, Any]) -> set[str]:
    """The dotted paths (``train.mu_l2``, as :func:`metric_lines` labels them) of the loss terms that ``record`` holds
    but were not computed in its epoch (:func:`~mvae_core.metrics_record.not_computed`)."""
    return {
        f"{split}.{term}"
        for split in LOSS_SPLITS
        if isinstance(record.get(split), dict)
        for term in record[split]
        if not_computed(record, split, term)
    }


def metric_lines(records: list[dict[str, Any]], path: str, step_paths: Sequence[str] = ()) -> dict[str, list[float]]:
    """``{label: value per record}`` for the numbers at dotted ``path``: one line for a number, one per element for
    a list (``path[i]``), one per numeric leaf for a section; a gap (NaN) where a loss term was not computed
    (:func:`not_computed_paths`). :class:`ToolError` (naming the numeric paths there are, and ``step_paths``, those
    of ``steps.jsonl``) when no record has a number there."""
    lines = _lines_at(records, path, [not_computed_paths(record) for record in records])
    if not lines:
        known = sorted({label for record in records for label, _ in _leaves(record, "") if label})
        plugin_paths = [label for label in known if label.startswith("plugins.")]
        raise _no_number_at(
            path,
            f"no number there in metrics.jsonl{did_you_mean(path, known, ';')} numbers recorded by plugins: "
            f"{', '.join(plugin_paths) or 'none'} (other paths: "
            f"{', '.join(p for p in known if p not in plugin_paths)}); {_per_step(step_paths)}",
        )
    return lines


def _no_number_at(path: str, said: str) -> ToolError:
    """The error of a metric ``path`` with no number there, ``said`` (what there is instead) after the path as the
    caller gave it: an entry of ``mvae_core.plot``'s ``metrics``, or (``command_line_message()``) ``--metric``."""
    return ToolError(f"metrics entry {path!r}: {said}", command_line=f"--metric {path}: {said}")


def _lines_at(trees: list[dict[str, Any]], path: str, gaps: Sequence[set[str]] | None = None) -> dict[str, list[float]]:
    """``{label: value per tree}`` for the numbers at dotted ``path`` of each of ``trees`` (:func:`_leaves`' labels),
    NaN where a tree has none there or where its label is in that tree's ``gaps``."""
    lines: dict[str, list[float]] = {}
    for k, tree in enumerate(trees):
        node = _node_at(tree, path)
        skipped = gaps[k] if gaps is not None else set()
        for label, value in _leaves(None if node is _NOTHING else node, path):
            lines.setdefault(label, [math.nan] * len(trees))[k] = math.nan if label in skipped else value
    return lines


def step_paths(steps: list[dict[str, Any]]) -> list[str]:
    """The ``--metric`` paths of the numbers in ``steps`` (lines of ``steps.jsonl``), sorted."""
    return sorted({label for line in steps for label, _ in _leaves(_step_numbers(line), STEP_PATHS)})


def _step_numbers(line: dict[str, Any]) -> dict[str, Any]:
    """What a ``--metric`` path under :data:`STEP_PATHS` reaches in a step's line: its tables of numbers
    (:data:`~mvae_core.metrics_record.STEP_TABLES`: the core's losses, the plugins' numbers)."""
    return {table: line.get(table, {}) for table in STEP_TABLES}


def _per_step(paths: Sequence[str]) -> str:
    none = "none (train.step_records is 0 and no plugin called trainer.record_step)"
    return f"numbers recorded per step: {', '.join(paths) or none}"


def is_step_path(path: str) -> bool:
    """Whether ``--metric path`` names numbers of ``steps.jsonl`` (:data:`STEP_PATHS`)."""
    return path.split(".", 1)[0] == STEP_PATHS


def metric_panel(records: list[dict[str, Any]], steps: list[dict[str, Any]], path: str) -> Panel:
    """The ``--metric path`` panel of a run with these epoch ``records`` and ``steps`` lines: :func:`step_panel` for a
    step path, else :func:`metric_lines` over the epochs (counted from 1)."""
    if is_step_path(path):
        return step_panel(steps, path)
    return [epoch_number(int(r["epoch"])) for r in records], metric_lines(records, path, step_paths(steps))


def step_panel(steps: list[dict[str, Any]], path: str) -> Panel:
    """The numbers at ``path`` (``steps.train[.<term>]``, ``steps.plugins.<name>[.<key>]``) of the lines of
    ``steps`` (``steps.jsonl``) that recorded something there (:func:`_recorded_at`: the losses of every
    ``train.step_records``-th step, or a plugin's every 10th, are drawn as one line through their steps, not as dots
    between gaps of the other lines'; a ``null`` recorded is a gap), at x = ``global_step / steps_per_epoch + 1`` (the
    epochs' scale: epoch 1's steps lie from 1 to 2); over :data:`MAX_STEP_POINTS` lines, bucket means
    (:func:`bucket_means`). :class:`ToolError` naming the step paths there are when no line has a number there."""
    trees = [(line, {STEP_PATHS: _step_numbers(line)}) for line in steps]
    there = [(line, tree) for line, tree in trees if _recorded_at(tree, path)]
    lines = _lines_at([tree for _, tree in there], path)
    if not lines:
        known = step_paths(steps)
        raise _no_number_at(path, f"no number there in steps.jsonl{did_you_mean(path, known, ';')} {_per_step(known)}")
    per_epoch = steps_per_epoch(steps)
    return bucket_means([line["global_step"] / per_epoch + 1 for line, _ in there], lines)


def _recorded_at(tree: dict[str, Any], path: str) -> bool:
    """Whether ``tree`` holds something at dotted ``path``: a value (a number, or a ``null``) or a table that is not
    empty."""
    node = _node_at(tree, path)
    return node is not _NOTHING and node != {}


_NOTHING = object()
"""What :func:`_node_at` gives where a tree has no such path (a ``null`` there is ``None``)."""


def _node_at(tree: dict[str, Any], path: str) -> Any:
    """What ``tree`` holds at dotted ``path`` (a value, ``None`` for a ``null``, or a table); :data:`_NOTHING` where
    it has no such path."""
    node: Any = tree
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return _NOTHING
        node = node[key]
    return node


def steps_per_epoch(steps: list[dict[str, Any]]) -> int:
    """A run's steps per epoch, as its ``steps.jsonl`` lines say
    (:data:`~mvae_core.metrics_record.STEP_EPOCH_LENGTH`); from lines written before they said it, worked out:
    ``(global_step - step) / epoch`` of a line after the first epoch, else the first epoch's last step recorded + 1
    (short of the epoch when its last steps recorded nothing)."""
    said = next((line[STEP_EPOCH_LENGTH] for line in steps if STEP_EPOCH_LENGTH in line), None)
    if said is not None:
        return said
    later = next((line for line in steps if line["epoch"] > 0), None)
    if later is not None:
        return (later["global_step"] - later["step"]) // later["epoch"]
    return max(line["step"] for line in steps) + 1


def bucket_means(x: list[float], lines: dict[str, list[float]]) -> Panel:
    """``x`` and ``lines`` as they are when they have at most :data:`MAX_STEP_POINTS` points; else the means of
    buckets of consecutive points, as few a bucket as keeps them under it (a line's gaps left out of its means; a
    bucket of gaps is a gap)."""
    size = math.ceil(len(x) / MAX_STEP_POINTS)
    if size <= 1:
        return x, lines

    def means(values: list[float]) -> list[float]:
        padded = np.full(math.ceil(len(values) / size) * size, math.nan)
        padded[: len(values)] = values
        buckets = padded.reshape(-1, size)
        counts = np.isfinite(buckets).sum(axis=1)
        sums = np.where(np.isfinite(buckets), buckets, 0.0).sum(axis=1)
        return np.where(counts > 0, sums / np.maximum(counts, 1), math.nan).tolist()

    return means(x), {label: means(values) for label, values in lines.items()}


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


def event_style(level: str) -> str:
    """The line style of an event's vertical line: solid for a stop, dotted for any other level."""
    return "-" if level == "stop" else ":"


def event_label(epochs: list[int], level: str, text: str) -> str:
    """One footer entry: ``epoch 3 stop: …``, or ``epochs 1, 2 warning: …`` for an event emitted in several."""
    return f"epoch{'s' if len(epochs) > 1 else ''} {', '.join(map(str, epochs))} {level}: {text}"


def equal_series(named: dict[str, list[float]]) -> dict[str, list[float]]:
    """``named`` with the series equal in every epoch (gaps included) merged into one, labelled with their names
    joined by commas (``onset, velocity, duration``), in the order of their first name: three weights at 1 drawn as
    three lines showed only the last, and the legend named two lines that were not to be seen."""
    merged: dict[str, list[float]] = {}
    for name, values in named.items():
        same = next((label for label, kept in merged.items() if np.array_equal(kept, values, equal_nan=True)), None)
        if same is None:
            merged[name] = values
        else:
            merged[f"{same}, {name}"] = merged.pop(same)
    return merged


def isolated(values: list[float]) -> list[bool]:
    """Per value, whether it is a number with no number beside it: a line draws nothing there (a run of one epoch,
    an epoch between two gaps), so it gets a dot."""
    finite = np.isfinite(np.asarray(values, dtype=float))
    before = np.concatenate(([False], finite[:-1]))
    after = np.concatenate((finite[1:], [False]))
    return (finite & ~before & ~after).tolist()


def covers_a_line(box: Any, axes: list[Any]) -> bool:
    """Whether the display-coordinate box ``box`` (grown by :data:`LEGEND_CLEARANCE`) touches a segment or a lone
    point of a line of ``axes`` drawn in data coordinates (an event's vertical line, which spans the panel, is not
    data). Call it once the figure's layout and the axes' limits are final."""
    x0, y0, x1, y1 = (
        box.x0 - LEGEND_CLEARANCE,
        box.y0 - LEGEND_CLEARANCE,
        box.x1 + LEGEND_CLEARANCE,
        box.y1 + LEGEND_CLEARANCE,
    )
    for ax in axes:
        for line in ax.get_lines():
            if line.get_transform() != ax.transData:
                continue
            points = line.get_transform().transform_path(line.get_path()).vertices
            starts, ends = points[:-1], points[1:]
            whole = np.isfinite(starts).all(axis=1) & np.isfinite(ends).all(axis=1)
            lone = points[np.isfinite(points).all(axis=1)]
            starts, ends = np.concatenate((starts[whole], lone)), np.concatenate((ends[whole], lone))
            if _segments_meet_box(starts, ends, (x0, y0, x1, y1)):
                return True
    return False


def _segments_meet_box(starts: np.ndarray, ends: np.ndarray, box: tuple[float, float, float, float]) -> bool:
    """Whether any segment ``starts[i]``–``ends[i]`` (a point when they are equal) meets the box ``(x0, y0, x1,
    y1)``: Liang–Barsky clipping, all segments at once."""
    x0, y0, x1, y1 = box
    delta = ends - starts
    low, high = np.zeros(len(starts)), np.ones(len(starts))
    inside = np.ones(len(starts), dtype=bool)
    for step, room in (
        (-delta[:, 0], starts[:, 0] - x0),
        (delta[:, 0], x1 - starts[:, 0]),
        (-delta[:, 1], starts[:, 1] - y0),
        (delta[:, 1], y1 - starts[:, 1]),
    ):
        parallel = step == 0
        inside &= ~(parallel & (room < 0))
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = room / step
        low = np.where(~parallel & (step < 0), np.maximum(low, ratio), low)
        high = np.where(~parallel & (step > 0), np.minimum(high, ratio), high)
    return bool((inside & (low <= high)).any())


def legend_clear_of_lines(ax: Any, handles: list[Any], twins: tuple[Any, ...] = ()) -> Any:
    """A legend of ``handles`` on ``ax`` that lies inside ``ax`` and covers no line of ``ax`` or of ``twins`` (axes
    drawn over it, such as a second y axis): at the first spot of :data:`LEGEND_SPOTS` where it does, in two columns
    and then in one (:data:`LEGEND_COLUMNS`), measured on the figure's renderer; where there is none, at the upper
    right in as many columns as fit the panel's width (in one with its names wrapped, :func:`_narrowed_legend`, where
    even one column is wider), with the top of ``ax`` and ``twins`` raised so that every line runs below it. Call it
    once the figure's layout is final (a later layout moves the axes under the legend)."""
    panel = [ax, *twins]
    renderer = ax.figure.canvas.get_renderer()
    for columns in LEGEND_COLUMNS:
        for spot in LEGEND_SPOTS:
            legend = ax.legend(handles=handles, loc=spot, fontsize=LEGEND_FONT_SIZE, ncol=columns)
            box = legend.get_window_extent(renderer)
            if _within(box, ax.bbox) and not covers_a_line(box, panel):
                return legend
    legend = _narrowed_legend(ax, handles, renderer)
    taken = (ax.bbox.y1 - legend.get_window_extent(renderer).y0 + 2 * LEGEND_CLEARANCE) / ax.bbox.height
    for each in panel:
        _raise_top(each, taken)
    return legend


def _within(box: Any, frame: Any, across_only: bool = False) -> bool:
    """Whether the display-coordinate box ``box`` lies inside ``frame`` (between its sides only, with
    ``across_only``), to half a pixel: a legend at a spot keeps matplotlib's pad from the frame, and its extent is
    not rounded to pixels."""
    across = box.x0 >= frame.x0 - 0.5 and box.x1 <= frame.x1 + 0.5
    return across and (across_only or (box.y0 >= frame.y0 - 0.5 and box.y1 <= frame.y1 + 0.5))


def _narrowed_legend(ax: Any, handles: list[Any], renderer: Any) -> Any:
    """A legend of ``handles`` at the upper right of ``ax``, between its sides: in the most columns of
    :data:`LEGEND_COLUMNS` that fit, else in one with each name wrapped (at spaces and after hyphens) to the most
    characters a line that fits (names too long for the panel: many equal terms, runs named by long folders)."""
    labels = [handle.get_label() for handle in handles]
    for columns in LEGEND_COLUMNS:
        legend = ax.legend(handles=handles, loc="upper right", fontsize=LEGEND_FONT_SIZE, ncol=columns)
        if _within(legend.get_window_extent(renderer), ax.bbox, across_only=True):
            return legend
    for characters in range(max(map(len, labels)) - 1, 0, -1):
        wrapped = [textwrap.fill(label, characters) for label in labels]
        legend = ax.legend(handles, wrapped, loc="upper right", fontsize=LEGEND_FONT_SIZE, ncol=1)
        if _within(legend.get_window_extent(renderer), ax.bbox, across_only=True):
            break
    return legend


def _raise_top(ax: Any, share: float) -> None:
    """Raise the top of ``ax``'s y axis so that what it shows now fills the lower ``1 - share`` of it, in the axis'
    own scale (linear or log); the lines keep at least the lower fifth when a legend is taller than the panel."""
    bottom, top = ax.transScale.transform([[0, ax.get_ylim()[0]], [0, ax.get_ylim()[1]]])[:, 1]
    raised = bottom + (top - bottom) / max(1 - share, 0.2)
    ax.set_ylim(top=ax.transScale.inverted().transform([[0, raised]])[0, 1])


def plot_runs(run_dirs: Sequence[Path], out: Path, metrics: list[str] | tuple[str, ...] = ()) -> Path:
    """Draw the curves of the runs in ``run_dirs`` to ``out`` (``.png`` added when it has no suffix) and return the path
    written: one run as :func:`draw_curves` draws it, several on one figure as :func:`draw_comparison` does, each named
    by :func:`run_names`, and with its model (:func:`run_model`: ``rnn (melody_rnn)``) where the runs' models differ
    (:data:`ACROSS_MODELS`). :class:`ToolError` when a run has no finished epoch, when a run is given twice or more than
    :data:`MAX_RUNS` are; a folder that is not a run is named for what it holds
    (:class:`~mvae_core.config.ConfigError`)."""
    if not run_dirs:
        raise ToolError("no run to plot: give one run directory or more")
    if len(run_dirs) > MAX_RUNS:
        raise ToolError(f"{len(run_dirs)} runs: one figure tells at most {MAX_RUNS} apart by colour; plot fewer")
    folders = run_names(run_dirs)  # the figure's title names the runs by folder, the legends by folder and model
    records = [_finished_records(run_dir) for run_dir in run_dirs]
    models = [run_model(run_dir) for run_dir in run_dirs] if len(run_dirs) > 1 else [None]
    across = len({model for model in models if model is not None}) > 1  # then each legend names the run's model
    names = [f"{name} ({model})" if across and model else name for name, model in zip(folders, models, strict=True)]
    runs = dict(zip(names, records, strict=True))
    # the steps' lines where a --metric panel may draw them or its error name their paths
    steps = {
        name: RunDir(run_dir).read_steps() if metrics else [] for name, run_dir in zip(names, run_dirs, strict=True)
    }
    out = picture_path(out)
    if len(run_dirs) == 1:
        (run_dir,) = run_dirs
        draw_curves(runs[names[0]], out, f"{RunDir(run_dir).path}: training curves", metrics, steps[names[0]])
    else:
        draw_comparison(runs, out, f"training curves: {', '.join(folders)}", metrics, steps, across_models=across)
    return out


def run_model(run_dir: Path) -> str | None:
    """The run's model as its ``val_elbo`` measures it (:func:`~mvae_core.ablation.columns.elbo_model`), read from
    its ``config.toml``; ``None`` where the installed code refuses that file (the curves are drawn all the same)."""
    try:
        return elbo_model(RunDir(run_dir).read_config().model)
    except ConfigError:
        return None


def _finished_records(run_dir: Path) -> list[dict[str, Any]]:
    """The records of ``metrics.jsonl`` of the run in ``run_dir``; :class:`ToolError` when there is none, saying
    why by what else is there: a run with its model file finished epochs, so its ``metrics.jsonl`` was removed."""
    run = RunDir(run_dir)
    if not (run.path / METRICS).is_file():
        run.read_config()  # a folder that is not a run is named for what it holds
        if (run.path / BEST_MODEL).is_file():
            raise ToolError(
                f"{run.path}: no {METRICS} there, though epochs finished ({BEST_MODEL} is there): the file that "
                f"records them was removed; restore {METRICS} from a backup to plot its curves"
            )
        raise ToolError(f"{run.path}: no {METRICS} there: no epoch has finished yet")
    return run.read_metrics()


def run_names(run_dirs: Sequence[Path]) -> list[str]:
    """The name of each run in a comparison's legend: its folder's name, with as many of the folders above it as
    tell it apart from the others (``a/seed-0`` and ``b/seed-0``). :class:`ToolError` when a run is given twice."""
    parts = [Path(run_dir).resolve().parts for run_dir in run_dirs]
    if len(set(parts)) < len(parts):
        twice = next(run_dir for k, run_dir in enumerate(run_dirs) if parts[k] in parts[:k])
        raise ToolError(f"{twice}: this run is given twice; give each run once")
    depth = [1] * len(parts)
    while True:
        names = ["/".join(p[-d:]) for p, d in zip(parts, depth, strict=True)]
        shared = {name for name in names if names.count(name) > 1}
        if not shared:
            return names
        depth = [d + (name in shared) for d, name in zip(depth, names, strict=True)]


def draw_curves(
    records: list[dict[str, Any]],
    out: Path,
    title: str,
    metrics: list[str] | tuple[str, ...] = (),
    steps: list[dict[str, Any]] | tuple[()] = (),
) -> None:
    """Write the figure (module docstring) for the epochs ``records`` to ``out`` (PNG), with a panel per path of
    ``metrics`` (:func:`metric_panel`; a step path reads the run's ``steps`` lines)."""
    if not records:
        raise ToolError("no finished epoch in metrics.jsonl: nothing to plot")
    extra = {path: metric_panel(records, list(steps), path) for path in metrics}
    plt = _pyplot()
    epochs = [epoch_number(int(r["epoch"])) for r in records]

    def draw(ax: Any, values: list[float], at: list[float] | None = None, **style: Any) -> None:
        lone = isolated(values)
        x = epochs if at is None else at
        ax.plot(x, values, marker="o" if any(lone) else "", markersize=3, markevery=lone, **style)

    colours = {term: f"C{i}" for i, term in enumerate(loss_terms(records))}
    fig, axes, spare = _panels(plt, len(extra))
    (train, val), (weights, lr), (timing, units) = axes[:3]
    for ax, (path, (at, lines)) in zip(spare, extra.items(), strict=False):
        for label, values in lines.items():
            draw(ax, values, at, label=label.removeprefix(path) or path)
        ax.set_title(path)
    for term in colours:
        draw(train, term_series(records, "train", term), color=colours[term], label=term)
        draw(val, term_series(records, "val", term), color=colours[term], label=term)
    draw(val, series(records, "val_elbo"), color="black", lw=2, label="val_elbo")
    for label, values in equal_series({term: series(records, "weights", term) for term in colours}).items():
        draw(weights, values, color=colours.get(label, SHARED_LINE_COLOUR), label=label)
    rates = series(records, "lr")
    draw(lr, rates, color="C0")
    _rate_scale(lr, rates)
    ratio = series(records, "timing_spread_ratio")  # undefined (null) on quantized data: no spread to compare
    defined = any(not math.isnan(r) for r in ratio)
    ratio_label = "timing_spread_ratio" if defined else "timing_spread_ratio: none (quantized data)"
    draw(timing, ratio, color="C3", label=ratio_label)
    draw(timing, series(records, "timing_std", "data"), color="C7", ls="--", label="timing_std data")
    draw(timing, series(records, "timing_std", "recon"), color="C2", label="timing_std recon")
    active = series(records, "active_units")
    draw(units, active, drawstyle="steps-mid", color="C4", label="active units")
    f1 = units.twinx()
    draw(f1, series(records, "onset_f1"), color="C1", label="onset_f1")
    draw(f1, series(records, "rhythm_f1"), color="C9", label="rhythm_f1")
    _label_panels(axes, f1, active, len(extra))
    marked = events(records)

    def legends() -> None:
        for ax in (train, val, weights, timing, *spare[: len(extra)]):  # measured where the layout put the lines
            if len(ax.get_lines()) > 1:
                legend_clear_of_lines(ax, ax.get_lines())
        legend_clear_of_lines(units, units.get_lines() + f1.get_lines(), twins=(f1,))

    footer = [event_label(*entry) for entry in distinct_events(marked)]
    marks = [(epoch, EVENT_COLOURS.get(level, "tab:gray"), event_style(level)) for epoch, level, _ in marked]
    _finish(plt, fig, axes, title, out, marks, footer, legends)


def draw_comparison(
    runs: dict[str, list[dict[str, Any]]],
    out: Path,
    title: str,
    metrics: list[str] | tuple[str, ...] = (),
    steps: dict[str, list[dict[str, Any]]] | None = None,
    across_models: bool = False,
) -> None:
    """Write the figure of :func:`draw_curves` for several runs (run name → its records) to ``out`` (PNG): the same
    panels on shared axes, one colour per run (``C0``, ``C1``, … in the order given), the first run's lines the
    widest, so that a later run's line over it leaves its edges to be seen; the lines of a panel told apart by
    their line style (:data:`COMPARED_STYLES`). Each legend names the runs by colour and the lines by style; a line
    that some runs lack says ``(not in b)``, a panel that a run has no number for says ``(none in b)`` in its title,
    and a ``--metric`` path is a :class:`ToolError` only when no run has a number there. The footer lists each run's
    events, its name first. ``steps``: each run's ``steps.jsonl`` lines, for a step path of ``metrics``.
    ``across_models``: the runs have different models (their names say which: :func:`plot_runs`), so the titles
    of the panels of :data:`ACROSS_MODELS` add :data:`NOT_ACROSS_MODELS`."""
    if empty := [name for name, records in runs.items() if not records]:
        raise ToolError(f"{', '.join(empty)}: no finished epoch in metrics.jsonl: nothing to plot")
    extra = {path: _compared_metric(runs, steps or {}, path) for path in metrics}
    plt = _pyplot()
    epochs = {name: [epoch_number(int(r["epoch"])) for r in records] for name, records in runs.items()}
    widths = dict(zip(runs, np.linspace(WIDEST_RUN, NARROWEST_RUN, len(runs)).tolist(), strict=True))
    colours = {name: f"C{k}" for k, name in enumerate(runs)}

    def picked(pick: Callable[[list[dict[str, Any]]], dict[str, list[float]]]) -> Compared:
        return {name: _with_numbers(pick(records)) for name, records in runs.items()}

    fig, axes, spare = _panels(plt, len(extra))
    (train, val), (weights, lr), (timing, units) = axes[:3]
    f1 = units.twinx()
    rates = picked(lambda r: {"learning rate": series(r, "lr")})
    active = picked(lambda r: {"active units": series(r, "active_units")})
    panels: list[tuple[Any, list[Compared], tuple[Any, ...]]] = [
        (train, [picked(lambda r: {t: term_series(r, "train", t) for t in loss_terms(r)})], ()),
        (val, [picked(lambda r: {t: term_series(r, "val", t) for t in loss_terms(r)} | {"val_elbo": series(r, "val_elbo")})], ()),
        (weights, [picked(lambda r: equal_series({t: series(r, "weights", t) for t in loss_terms(r)}))], ()),
        (lr, [rates], ()),
        (timing, [picked(lambda r: {"timing_spread_ratio": series(r, "timing_spread_ratio"),
                                    "timing_std data": series(r, "timing_std", "data"),
                                    "timing_std recon": series(r, "timing_std", "recon")})], ()),
        (units, [active, picked(lambda r: {"onset_f1": series(r, "onset_f1"), "rhythm_f1": series(r, "rhythm_f1")})],
         (f1,)),
        *((ax, [lines], ()) for ax, (_, lines) in zip(spare, extra.values(), strict=False)),
    ]  # fmt: skip
    places = {ax: at for ax, (at, _) in zip(spare, extra.values(), strict=False)}  # a panel's x per run, if not epochs
    styles = [_line_styles(curves) for _, curves, _ in panels]
    for (ax, curves, twins), style in zip(panels, styles, strict=True):
        for on, per_run in zip((ax, *twins), curves, strict=True):
            for name, lines in per_run.items():
                for label, values in lines.items():
                    lone = isolated(values)
                    on.plot(
                        places.get(ax, epochs)[name], values, color=colours[name], lw=widths[name], ls=style[label],
                        drawstyle="steps-mid" if on is units else "default", marker="o" if any(lone) else "",
                        markersize=3, markevery=lone, label=f"{name}: {label}",
                    )  # fmt: skip
    for ax, path in zip(spare, extra, strict=False):
        ax.set_title(path)
    _rate_scale(lr, [rate for lines in rates.values() for values in lines.values() for rate in values])
    _label_panels(axes, f1, [u for lines in active.values() for values in lines.values() for u in values], len(extra))
    for ax in (train, val) if across_models else ():  # the panels of ACROSS_MODELS
        ax.set_title(f"{ax.get_title()}\n({NOT_ACROSS_MODELS})")
    for ax, curves, _ in panels:
        if absent := [name for name in runs if not any(per_run.get(name) for per_run in curves)]:
            ax.set_title(f"{ax.get_title()} (none in {', '.join(absent)})")
    marks = [
        (epoch, colours[name], event_style(level))
        for name, records in runs.items()
        for epoch, level, _ in events(records)
    ]

    def legends() -> None:
        for (ax, curves, twins), style in zip(panels, styles, strict=True):
            handles = _compared_handles(curves, style, colours)
            if handles:
                legend_clear_of_lines(ax, handles, twins)

    footer = [
        f"{name}: {event_label(*entry)}" for name, records in runs.items() for entry in distinct_events(events(records))
    ]
    _finish(plt, fig, axes, title, out, marks, footer, legends)


def _compared_metric(
    runs: dict[str, list[dict[str, Any]]], steps: dict[str, list[dict[str, Any]]], path: str
) -> tuple[dict[str, list[float]], Compared]:
    """Per run, the x and the lines of ``--metric path`` (:func:`metric_panel`, labelled as in one run's figure);
    no line for a run without a number there. :class:`ToolError` (the first run's) when no run has one."""
    places: dict[str, list[float]] = {}
    found: Compared = {}
    errors: list[ToolError] = []
    for name, records in runs.items():
        try:
            places[name], lines = metric_panel(records, steps.get(name, []), path)
            found[name] = {label.removeprefix(path) or path: v for label, v in lines.items()}
        except ToolError as error:
            errors.append(error)
            places[name], found[name] = [], {}
    if len(errors) == len(runs):
        raise errors[0]
    return places, found


def _with_numbers(lines: dict[str, list[float]]) -> dict[str, list[float]]:
    """The ``lines`` that have a number in some epoch: a run without one has none to draw (another model's loss
    terms, a plugin not enabled, quantized data's spread ratio)."""
    return {label: values for label, values in lines.items() if np.isfinite(values).any()}


def _line_styles(curves: list[Compared]) -> dict[str, Any]:
    """Each line label of a compared panel (its own and its twin axis') → its line style, in order of first
    appearance; :data:`COMPARED_STYLES` again from the start past its end."""
    labels = list(dict.fromkeys(label for per_run in curves for lines in per_run.values() for label in lines))
    return {label: COMPARED_STYLES[k % len(COMPARED_STYLES)] for k, label in enumerate(labels)}


def _compared_handles(curves: list[Compared], styles: dict[str, Any], colours: dict[str, str]) -> list[Any]:
    """A compared panel's legend entries: each run with a line there, in its colour; then, where the panel has more
    than one kind of line, each kind in its style, ``(not in b)`` naming the runs with a line there but not this
    one."""
    from matplotlib.lines import Line2D

    present = [name for name in colours if any(per_run.get(name) for per_run in curves)]
    handles = [Line2D([], [], color=colours[name], lw=2, label=name) for name in present]
    if len(styles) < 2:
        return handles
    for label, style in styles.items():
        lacking = [name for name in present if not any(label in per_run.get(name, {}) for per_run in curves)]
        said = f"{label} (not in {', '.join(lacking)})" if lacking else label
        handles.append(Line2D([], [], color=SHARED_LINE_COLOUR, ls=style, label=said))
    return handles


def _pyplot() -> Any:
    """matplotlib's pyplot on the Agg backend (:func:`~mvae_core.tools.require_extra` says how to install it)."""
    require_extra("plot", "matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _panels(plt: Any, extra: int) -> tuple[Any, Any, list[Any]]:
    """The figure, its grid of axes (the six panels, then ``extra`` ``--metric`` panels, two a row) and the axes of
    those ``extra`` panels; a spare axis past them is hidden."""
    rows = 3 + math.ceil(extra / 2)
    fig, axes = plt.subplots(rows, 2, figsize=(12, 11 + 3.5 * (rows - 3)), sharex=True, squeeze=False)
    spare = list(axes[3:].ravel())
    for ax in spare[extra:]:
        ax.set_visible(False)
    return fig, axes, spare


def _rate_scale(lr: Any, rates: list[float]) -> None:
    """The learning-rate panel's y axis: log when the rates span more than a factor of 10, else linear from 0."""
    positive = [r for r in rates if r > 0]  # NaN (a missing rate) is not
    if positive and max(positive) > 10 * min(positive):
        lr.set_yscale("log")
    else:  # from 0: a step of 2 % drawn over the span of the rates alone looked like a rate that collapsed
        lr.ticklabel_format(axis="y", style="sci", scilimits=(-2, 2))
        lr.set_ylim(0, 1.25 * max(positive, default=1))


def _label_panels(axes: Any, f1: Any, active: list[float], extra: int) -> None:
    """The six panels' titles, scales and axis labels (``f1``: the F1 axis over the active units' panel, whose top is
    one above the most ``active`` units), and the epochs on every x axis."""
    from matplotlib.ticker import MaxNLocator

    (train, val), (weights, lr), (timing, units) = axes[:3]
    for ax, title in zip((train, val, weights, lr, timing, units), PANEL_TITLES.values(), strict=True):
        ax.set_title(title)
    for ax in (train, val):
        ax.set_yscale("log")
    timing.set_ylabel(f"ratio; std in {TIMING_UNIT}", fontsize=8)
    units.set_ylabel("active latent units")
    units.yaxis.set_major_locator(MaxNLocator(integer=True))
    top = max((u for u in active if not math.isnan(u)), default=0) + 1
    # both axes a little below 0, by the same share, so that a line at 0 shows above the frame and the zeros align
    units.set_ylim(-ZERO_MARGIN * top, top)
    f1.set_ylim(-ZERO_MARGIN, 1)
    f1.set_ylabel("F1 (notes; rhythm: steps only)")
    for ax in axes.ravel():
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))  # 1 epoch: not 0.945 .. 1.050
    for ax in axes[-1]:
        ax.set_xlabel("epoch")
    if extra % 2:
        axes[-2][-1].xaxis.set_tick_params(labelbottom=True)  # the panel above the hidden one shows the epochs
        axes[-2][-1].set_xlabel("epoch")


def _finish(
    plt: Any,
    fig: Any,
    axes: Any,
    title: str,
    out: Path,
    marks: list[tuple[int, str, str]],
    entries: list[str],
    legends: Any,
) -> None:
    """Lay the figure out with its ``title`` and a footer listing the first :data:`MAX_LISTED_EVENTS` of ``entries``
    (wrapped), place the legends (``legends()``, once the layout is final), draw each ``(epoch, colour, line style)``
    of ``marks`` as a vertical line in every panel, and write the figure to ``out``."""
    listed = [
        part
        for entry in entries[:MAX_LISTED_EVENTS]
        for part in textwrap.wrap(entry, EVENT_WIDTH, subsequent_indent="    ", max_lines=EVENT_LINES, placeholder=" …")
    ]
    if len(entries) > MAX_LISTED_EVENTS:
        listed.append(f"… and {len(entries) - MAX_LISTED_EVENTS} more events (see metrics.jsonl)")
    line = FOOTER_LINE_INCHES / fig.get_figheight()  # the same spacing in a figure made taller by --metric panels
    fig.suptitle(title, y=1 - TITLE_INCHES / fig.get_figheight())
    with missing_glyphs_said(out):  # a run named in Japanese: one warning, not two lines per character and drawing
        fig.tight_layout(rect=(0, line * len(listed), 1, 1))
        legends()
        for ax in axes.ravel():  # after the legends: an event's line spans its panel, and a legend may cover part
            for epoch, colour, style in marks:
                ax.axvline(epoch, color=colour, lw=1, ls=style, zorder=1)  # under the data
        for k, text in enumerate(listed):
            fig.text(0.01, line * (len(listed) - k - 1) + 0.004, text, fontsize=7, family="monospace")
        atomic_write(out, partial(fig.savefig, dpi=100), durable=False)
    plt.close(fig)
