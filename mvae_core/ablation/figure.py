"""``ablation.png``: validation curves per configuration and bar charts of the key metrics (matplotlib, Agg)."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path
from typing import Any

from mvae_core.ablation import failures
from mvae_core.ablation.cells import name_lines
from mvae_core.ablation.columns import METRICS, NOT_STARTED, UNITS, missing_word
from mvae_core.ablation.estimates import other_loops, paired, per_config
from mvae_core.ablation.figure_labels import BAR_LABEL_FONT, CAPTION_FONT, apart, fitted, lay_out, number
from mvae_core.ablation.plan import NONE, Configuration
from mvae_core.ablation.stats import Estimate
from mvae_core.files import atomic_write
from mvae_core.view import epoch_number
from mvae_core.wording import counted

BAR_METRICS = ("gen_timing_std", "timing_spread_ratio", "epochs_run")
PANEL_HEIGHTS = (3, 2)
"""The heights of a curve panel and of a bar panel, in proportion: the panels' grid's height ratios (each row's
labels are outside its share)."""
NO_CURVE = "no run finished ok"
ALL_FAILED = "failed"
"""The word in place of a bar of a configuration none of whose runs is ok (of a paired bar: either configuration's),
whatever the metric: the word of a metric's undefined value (``quantized``) would say something of runs that have no
numbers at all. Where none of them even started (:func:`~mvae_core.ablation.failures.not_started`: a Ray node that
cannot see the data), the word is :data:`~mvae_core.ablation.columns.NOT_STARTED` instead."""
SIZE = (12.0, 8.0)
"""The figure's width and height, in inches (at 100 dpi), where its configurations' names are short enough
(:data:`PANELS_WIDTH`)."""
PANELS_WIDTH = 10.0
"""The inches left of the legend that the panels keep: a legend wider than the :data:`SIZE` leaves it (names of more
than about 30 characters) widens the figure, instead of squeezing the panels or running out of it; so do bars too
many for their numbers (:func:`~mvae_core.ablation.figure_labels.lacking`)."""
CAPTION_LINES = 4
"""The caption's lines that the :data:`SIZE` has room for (its three, and one naming dashed curves): each line more,
where long names break the caption's lines, makes the figure taller by one, so the panels keep their height."""
BAR_LABEL_WIDTH = 24
"""A bar's tick label, the configuration's name, on lines of at most this many characters (the built-in plugins'
names fit on one, as on the console): a long name on one line, rotated, took the bar panels' height."""
NAME_TURN = 60
"""The angle of a bar's name under it, in degrees (its number is upright)."""
TITLE_WIDTH = 34
"""A bar panel's title lines, in characters: what a quarter of the figure beside the legend holds at its font size
(best val_elbo's unit is longer, and ran into the next panel's title)."""
LEGEND_ROWS = 40
"""The legend's entries per column, right of the panels: what the figure's height holds at its font size (a
factorial plan of five plugins, 32 configurations, is one column)."""
DASH = 3.0
"""The dash of a mean curve drawn on an earlier configuration's (:func:`coinciding`), in points: the n curves on one
take turns, each a dash in n + 1, so that every colour, the one under them too, shows (:func:`_dashes`)."""
COINCIDE = 0.005
"""Two mean curves of a panel this close at every epoch, as a share of its :func:`panel_height` (about 1.5 of the
panel's ~300 pixels, fewer where one configuration lies far out), are drawn on each other: the later one would hide
the earlier one (:func:`coinciding`)."""
MOST_NAMED = 4
"""How many coinciding curves the caption names per panel; beyond, it counts the others (a caption line is as wide as
the figure)."""


def _epochs(count: int) -> list[int]:
    """The x values of a curve of ``count`` epochs: epochs as the console counts them (from 1)."""
    return [epoch_number(e) for e in range(count)]


def draw(rows: list[dict[str, Any]], configs: list[Configuration], path: Path) -> None:
    """Write :func:`figure_of` the runs to ``path`` (PNG)."""
    atomic_write(path, figure_of(rows, configs).savefig, durable=False)


def figure_of(rows: list[dict[str, Any]], configs: list[Configuration]) -> Any:
    """The matplotlib ``Figure`` of ``ablation.png``. Top: ``val_elbo`` per epoch, one colour per configuration
    (thin: each ok run, thick: the mean over its runs, drawn only up to the epoch every run reached — each seed has
    its own validation split, so a mean over the runs still going would jump when one stops; :data:`NO_CURVE` when
    no run is ok); a mean curve on an earlier configuration's (:func:`coinciding`) is dashed, and the caption names
    it; the legend is outside the axes, right of the panels, so it covers no curve however many configurations there
    are. Bottom, one bar per
    configuration with its 95 % t-interval as an error bar (none for a single value): the best ``val_elbo`` as a
    paired difference against ``none`` (its raw mean when there is no ``none``), then the mean of each of
    :data:`BAR_METRICS`, each titled with its unit (:func:`bar_title`), marked ``k of n`` when only k of the
    configuration's n runs (one per seed) have a value or a paired difference, and the word of :func:`missing_word` in
    place of a bar when none has. The panels share one grid: the first bar panel's left edge is the curve panel's,
    the last one's right edge the top right panel's (whose y axis is on its right, :func:`_differences`), the four
    bar panels are evenly spaced, as high as a curve panel in the ratio of :data:`PANEL_HEIGHTS`. Each bar's tick
    label is its name (broken into lines by :func:`bar_label`, at :data:`NAME_TURN` degrees) where, in every bar
    panel, neighbouring names keep :data:`~mvae_core.ablation.figure_labels.LABEL_GAP` pixels apart as drawn
    (:func:`~mvae_core.ablation.figure_labels.apart`); else every bar is numbered
    (:func:`~mvae_core.ablation.figure_labels.number`, on two rows where one is too tight): each bar's label is its
    configuration's number in the plan, from 1 (:func:`numbers_of`), and the legend lists every configuration as
    ``number name``, in the plan's order and colours. The figure is :data:`SIZE`, wider where the legend's names need
    more than :data:`PANELS_WIDTH` leaves them and where the bars' numbers need more room than the panels have
    (:func:`~mvae_core.ablation.figure_labels.lacking`), and taller where the caption, broken to the figure's width,
    has more than :data:`CAPTION_LINES` lines: no name, number or caption line is cut or left out. It is laid out
    as saved (:func:`_keep_as_laid_out`)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=SIZE, dpi=100, layout="constrained")
    FigureCanvasAgg(figure)  # the figure's canvas, whose renderer measures its text
    panels = bar_panels(rows, configs)
    grid = figure.add_gridspec(2, len(panels), height_ratios=PANEL_HEIGHTS)
    colours = colours_of(configs)
    differences = paired_curves(rows, configs, NONE)
    half = len(panels) // 2
    same: dict[str, dict[str, str]] = {}  # panel → its coinciding curves
    if differences:  # the effects are small next to the fall of the curves: beside them, each against none
        same["left"] = _curves(figure.add_subplot(grid[0, :half]), rows, configs, colours)
        same["right"] = _differences(figure.add_subplot(grid[0, half:]), differences, colours)
    else:
        same["top"] = _curves(figure.add_subplot(grid[0, :]), rows, configs, colours)
    curved = [c.name for c in configs if any(r["config"] == c.name and failures.ok(r) for r in rows)]
    legend = _legend(figure, [(name, name) for name in curved], colours)
    _widen(figure, legend)
    bar_axes = [figure.add_subplot(grid[1, column]) for column in range(len(panels))]
    for axes, (title, bars, word) in zip(bar_axes, panels, strict=True):
        _bars(axes, title, bars, colours, word)
    said = caption(rows, bool(paired(rows, configs, NONE)), bool(differences), coincide=same)
    _caption(figure, said)
    lay_out(figure)
    if not apart(figure, bar_axes):  # names side by side would overlap: numbers, and the legend says whose
        numbers = numbers_of(configs)
        if legend is not None:
            legend.remove()
        _widen(figure, _legend(figure, [(c.name, f"{numbers[c.name]} {c.name}") for c in configs], colours, curved))
        _caption(figure, said)  # to the figure's new width
        if short := number(figure, bar_axes, [[numbers[name] for name, _, _ in bars] for _, bars, _ in panels]):
            figure.set_figwidth(figure.get_figwidth() + len(bar_axes) * short / figure.dpi)  # each panel wider
            _caption(figure, said)
            lay_out(figure)
    _keep_as_laid_out(figure)
    return figure


def _keep_as_laid_out(figure: Any) -> None:
    """Take the layout engine off the laid-out ``figure``, so that saving it draws it once as it is: with an engine
    (even matplotlib's ``"none"`` placeholder), ``savefig`` draws it once more without rendering, for a layout, and
    the constrained one would lay it out again: saving leave-one-out's figure took 0.38 s of CPU instead of 0.22."""
    from matplotlib import rc_context

    with rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        figure.set_layout_engine(None)  # with those off, no engine (rather than the one they name)


def _caption(figure: Any, said: str) -> None:
    """The caption ``said`` under the panels, broken to the figure's width (:func:`~mvae_core.ablation.figure_labels.fitted`),
    and the figure's height: :data:`SIZE`'s, taller by each line beyond :data:`CAPTION_LINES`."""
    renderer = figure.canvas.get_renderer()
    lines = fitted(said, figure.bbox.width, renderer)
    text = figure.supxlabel("\n".join(lines), fontsize=CAPTION_FONT, color="0.3")
    line_height = text.get_window_extent(renderer).height / len(lines) / figure.dpi  # inches
    figure.set_figheight(SIZE[1] + max(0, len(lines) - CAPTION_LINES) * line_height)


def _legend(
    figure: Any, entries: list[tuple[str, str]], colours: dict[str, Any], curved: list[str] | None = None
) -> Any:
    """One entry per ``(configuration, label)``, a solid line of its colour (a dashed mean is dashed in one panel
    only), or none for a configuration not in ``curved`` (default: every one), which has no curve; right of the
    panels, outside them: it covers no curve. Returns the legend, ``None`` without entries."""
    from matplotlib.lines import Line2D

    if not entries:
        return None
    drawn = set(curved) if curved is not None else {name for name, _ in entries}
    handles = [Line2D([], [], color=colours[name], linewidth=2, visible=name in drawn) for name, _ in entries]
    return figure.legend(handles, [label for _, label in entries], loc="outside right upper", fontsize=8,
                         frameon=False, ncols=-(-len(entries) // LEGEND_ROWS))  # fmt: skip


def _widen(figure: Any, legend: Any) -> None:
    """The figure :data:`SIZE`, wider where the ``legend`` needs more than :data:`PANELS_WIDTH` leaves it: the
    panels keep their width however long the names."""
    if legend is not None:
        wide = legend.get_window_extent(figure.canvas.get_renderer()).width / figure.dpi
        figure.set_figwidth(max(SIZE[0], PANELS_WIDTH + wide))


def numbers_of(configs: list[Configuration]) -> dict[str, int]:
    """Configuration → its number in the plan, from 1: its bars' tick label where the names do not fit (:func:`~mvae_core.ablation.figure_labels.apart`),
    and the number before its name in the legend."""
    return {c.name: number for number, c in enumerate(configs, start=1)}


Bar = tuple[str, Estimate, int]
"""One bar: the configuration, its estimate, and the values expected: its runs, one per seed (a failed run, a value not
defined for a run, or a pair without a difference makes the bar's ``n`` smaller, and the bar is marked ``k of n``)."""


def _none_ok_word(rows: list[dict[str, Any]]) -> str:
    """The word in place of the bars of a configuration whose ``rows`` has no ok run: :data:`ALL_FAILED`, or
    :data:`~mvae_core.ablation.columns.NOT_STARTED` where none of them started."""
    return NOT_STARTED if rows and all(failures.not_started(row) for row in rows) else ALL_FAILED


def bar_panels(rows: list[dict[str, Any]], configs: list[Configuration]) -> list[tuple[str, list[Bar], dict[str, str]]]:
    """The bottom panels of :func:`draw`, each ``(title, bars, words)``, ``words`` the word in place of each
    configuration's bar where it has no value (:data:`ALL_FAILED` where its runs, or the reference's, all failed, or
    ``not started``):
    the best ``val_elbo`` paired against ``none`` (its raw mean without a ``none``), then :data:`BAR_METRICS`."""
    stats = per_config(rows, configs)
    runs = {e["config"]: e["runs"] for e in stats}
    failed = {e["config"]: _none_ok_word([r for r in rows if r["config"] == e["config"]]) for e in stats if not e["ok"]}
    against_none = paired(rows, configs, NONE)

    def words(word: str, reference: str | None = None) -> dict[str, str]:
        return {c.name: next((failed[n] for n in (c.name, reference) if n in failed), word) for c in configs}

    panels = [
        (
            f"best val_elbo − {NONE} (paired)\n(below 0: better)",
            [(d["config"], d["best_val_elbo"], runs[d["config"]]) for d in against_none],
            words(_paired_word(against_none, "best_val_elbo"), NONE),
        )
        if against_none
        else (
            bar_title("best_val_elbo"),
            [(e["config"], e["best_val_elbo"], e["runs"]) for e in stats],
            words(missing_word("best_val_elbo")),
        )
    ]
    panels += [
        (bar_title(m), [(e["config"], e[m], e["runs"]) for e in stats], words(missing_word(m))) for m in BAR_METRICS
    ]
    return panels


def colours_of(configs: list[Configuration]) -> dict[str, Any]:
    """One colour per configuration, each its own: matplotlib's ten cycle colours (``C0`` … ``C9``) for up to ten,
    else evenly spaced on the ``turbo`` colour map (the cycle repeats after ten, and a factorial plan of five
    plugins has 32 configurations: the legend would give three a colour)."""
    if len(configs) <= 10:
        return {c.name: f"C{i}" for i, c in enumerate(configs)}
    from matplotlib import colormaps

    spread = colormaps["turbo"]
    return {c.name: spread(i / (len(configs) - 1)) for i, c in enumerate(configs)}


def bar_title(metric: str) -> str:
    """A bar panel's title: the metric, and under it its unit (:data:`~mvae_core.ablation.columns.UNITS`) where the
    name does not say it (``epochs``), on lines of at most :data:`TITLE_WIDTH` characters."""
    title, unit = METRICS[metric], UNITS[metric]
    return title if unit == title else "\n".join([title, *textwrap.wrap(f"({unit})", TITLE_WIDTH)])


def caption(
    rows: list[dict[str, Any]],
    paired_panel: bool,
    paired_curves: bool = False,
    coincide: dict[str, dict[str, str]] | None = None,
) -> str:
    """What the figure's lines and error bars are, under it, so that the figure read alone (in a paper, a slide)
    says it: the seeds, the 95 % t-interval, what the paired panels subtract, and which mean curves are dashed on
    another's (``coincide``: per panel, ``left``, ``right`` or ``top``, its :func:`coinciding`)."""
    seeds = len({r["seed"] for r in rows})
    paired_what = f"; the first panel pairs each run with {NONE}'s run of the same seed" if paired_panel else ""
    curves_what = f" Right: each run minus {NONE}'s run of the same seed (below 0: better)." if paired_curves else ""
    same_what = _coinciding_said(coincide or {})
    return (
        f"{counted(seeds, 'seed')} per configuration (failed runs left out). Curves: thin, each run; thick, "
        f"their mean up to the last epoch all reached.{curves_what}{same_what}\nBars: mean over the runs (k of n: over k of the n "
        f"seeds, the others failed or have no value), error bars its 95 % t-interval{paired_what}."
    )


def _coinciding_said(coincide: dict[str, dict[str, str]]) -> str:
    """The caption's line naming each panel's mean curves dashed on an earlier configuration's (``a on b``; the first
    :data:`MOST_NAMED`, then how many more), ``""`` when none is."""
    said = []
    for panel, same in coincide.items():
        pairs = [f"{name} on {earlier}" for name, earlier in same.items()]
        more = f" and {len(pairs) - MOST_NAMED} more" if len(pairs) > MOST_NAMED else ""
        said += [f"{panel}, {', '.join(pairs[:MOST_NAMED])}{more}"] if pairs else []
    if not said:
        return ""
    return (
        f"\nDashed: a mean curve within {COINCIDE * 100:g} % of the panel's height of an earlier one's, which it would "
        f"hide ({'; '.join(said)}); that height leaves out the configuration farthest from the others."
    )


def coinciding(means: dict[str, list[float]], height: float) -> dict[str, str]:
    """Configuration → the first configuration before it (in ``means``' order, the plan's) whose mean curve has as many
    epochs and lies within :data:`COINCIDE` × ``height`` (the panel's :func:`panel_height`, in its units) of it at
    each (a missing value in both), so that one is drawn on the other: runs that did not differ (a plugin that never
    acted), or differ by less than the panel can show."""
    same: dict[str, str] = {}
    for later, name in enumerate(means):
        earlier = (e for e in list(means)[:later] if _close(means[name], means[e], COINCIDE * height))
        if (first := next(earlier, None)) is not None:
            same[name] = first
    return same


def panel_height(runs: dict[str, list[list[float]]], also: tuple[float, ...] = ()) -> float:
    """The height :func:`coinciding` judges a curve panel's mean curves against, in its units: the span of the values
    drawn there (every run's curve, per configuration of ``runs``, and ``also``: the line at 0 of the differences)
    without the one configuration whose curves widen it most. Where every configuration lies near the others this is
    about the panel's own height; where one lies far out (a loss that blew up, a first epoch far above the rest), it
    is the height the others span, so two curves that differ at that scale are not called coinciding because that
    one squashed them together. Never more than the panel's height, so a curve it calls coinciding lies on the other
    as drawn too; 0 (only identical curves coincide) with fewer than two configurations."""
    spans = [
        _span([v for other, curves in runs.items() if other != name for curve in curves for v in curve] + [*also])
        for name in runs
    ]
    return min(spans, default=0.0) if len(runs) > 1 else 0.0


def _span(values: list[float]) -> float:
    """The largest minus the smallest of ``values``, missing ones (NaN) left out; 0 for none."""
    present = [v for v in values if not math.isnan(v)]
    return max(present) - min(present) if present else 0.0


def _close(curve: list[float], other: list[float], tolerance: float) -> bool:
    """Whether two curves have as many points and each pair is within ``tolerance`` (or missing in both)."""
    return len(curve) == len(other) and all(
        abs(a - b) <= tolerance if not (math.isnan(a) or math.isnan(b)) else math.isnan(a) and math.isnan(b)
        for a, b in zip(curve, other, strict=True)
    )


def paired_curves(
    rows: list[dict[str, Any]], configs: list[Configuration], reference: str
) -> dict[str, list[list[float]]]:
    """Per configuration other than ``reference``: its ok runs' ``val_curve`` minus the ``reference`` run's of the
    same seed, epoch by epoch up to the shorter of the two, for the seeds where both are ok, trained the same
    model (another model's ``val_elbo`` is on another scale) and validated on the same loops (:func:`other_loops`);
    a configuration without such a pair is left out, and
    ``{}`` when there is no ``reference`` configuration. Each seed has its own validation split, so the differences,
    not the curves, show what a configuration changes."""
    ok_rows = [r for r in rows if failures.ok(r)]
    ref = {r["seed"]: r for r in ok_rows if r["config"] == reference}
    result: dict[str, list[list[float]]] = {}
    for c in configs:
        if c.name == reference:
            continue
        pairs = [(r, ref[r["seed"]]) for r in ok_rows if r["config"] == c.name and r["seed"] in ref]
        curves = [
            [a - b for a, b in zip(_nan(mine["val_curve"]), _nan(theirs["val_curve"]), strict=False)]
            for mine, theirs in pairs
            if mine.get("model") == theirs.get("model") and not other_loops(mine, theirs)
        ]
        if curves := [curve for curve in curves if curve]:
            result[c.name] = curves
    return result


def _curves(
    axes: Any, rows: list[dict[str, Any]], configs: list[Configuration], colours: dict[str, str]
) -> dict[str, str]:
    """The top (left) panel of :func:`figure_of`, and its :func:`coinciding` mean curves. A curve of one epoch (a
    1-epoch ablation, or a mean over runs one of which stopped after its first epoch) is a dot: a line of one point
    draws nothing (the axes: :func:`_epoch_axis`)."""
    runs = {c.name: [_nan(r["val_curve"]) for r in rows if r["config"] == c.name and failures.ok(r)] for c in configs}
    runs = {name: curves for name, curves in runs.items() if curves}
    same = _runs_and_means(axes, runs, colours)
    longest = max((len(c) for curves in runs.values() for c in curves), default=0)
    _epoch_axis(axes, longest, "val_elbo per validation loop\n(lower is better)")  # one line ran past a short panel
    if not runs:
        axes.text(0.5, 0.5, NO_CURVE, transform=axes.transAxes, ha="center", va="center", color="0.4")
    return same


def _differences(axes: Any, differences: dict[str, list[list[float]]], colours: dict[str, str]) -> dict[str, str]:
    """The top right panel of :func:`figure_of`: :func:`paired_curves`, thin per seed, thick their mean up to the
    last epoch every seed reached; 0 is the reference. Returns its :func:`coinciding` mean curves. Its y axis is on
    its right, where its labels widen only the figure's margin: on its left, in the bar panels' grid, they widened
    the gap between the second and third bar panels under it."""
    axes.axhline(0, color=colours.get(NONE, "0.3"), linewidth=1.5)
    same = _runs_and_means(axes, differences, colours, also=(0.0,))
    longest = max(len(curve) for curves in differences.values() for curve in curves)
    _epoch_axis(axes, longest, f"val_elbo − {NONE}, same seed")
    axes.yaxis.tick_right()
    axes.yaxis.set_label_position("right")
    return same


def _runs_and_means(
    axes: Any, runs: dict[str, list[list[float]]], colours: dict[str, str], also: tuple[float, ...] = ()
) -> dict[str, str]:
    """Per configuration, its ``runs`` thin and their mean thick, up to the last epoch every run reached (a curve of
    one point is a dot); then each mean that lies on an earlier one's at the panel's scale (:func:`coinciding`,
    against :func:`panel_height`; ``also``: other values the panel draws) is dashed (:func:`_dashes`), and those are
    returned."""
    means = {
        name: [_mean([c[e] for c in curves]) for e in range(min(map(len, curves)))] for name, curves in runs.items()
    }
    drawn = {}
    for name, curves in runs.items():
        for curve in curves:
            axes.plot(_epochs(len(curve)), curve, color=colours[name], alpha=0.3, linewidth=0.8, **_dot(curve))
        mean = means[name]
        (drawn[name],) = axes.plot(_epochs(len(mean)), mean, color=colours[name], linewidth=2, **_dot(mean))
    same = coinciding(means, panel_height(runs, also))
    for name, earlier in same.items():
        on_it = [n for n, e in same.items() if e == earlier]
        drawn[name].set_linestyle(_dashes(on_it.index(name), len(on_it)))
    return same


def _dashes(turn: int, of: int) -> tuple[float, tuple[float, float]]:
    """The line style of the ``turn``-th (from 0) of ``of`` mean curves drawn on one: a :data:`DASH` in every
    ``of`` + 1, shifted by ``turn`` dashes, so that each shows in its turn and the curve under them in the last."""
    return (turn * DASH, (DASH, of * DASH))


def _epoch_axis(axes: Any, longest: int, label: str) -> None:
    """A curve panel's axes: whole epoch ticks (one tick for curves of one epoch, where the integer locator, given
    0.95-1.05, still ticks fractions), values written out (no ``+1.33e2`` offset above the axis when the curves lie
    close together), ``label`` on y."""
    from matplotlib.ticker import MaxNLocator

    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    if longest == 1:
        axes.set_xticks([epoch_number(0)])
    axes.ticklabel_format(axis="y", useOffset=False)
    axes.set_xlabel("epoch")
    axes.set_ylabel(label)
    axes.grid(alpha=0.3)


def _dot(values: list[float]) -> dict[str, Any]:
    """A marker for a curve of one point, which a line alone does not show."""
    return {"marker": "o", "markersize": 4} if len(values) == 1 else {}


def _paired_word(diffs: list[dict[str, Any]], metric: str) -> str:
    """The word in place of a paired bar without a value: the one reason every such bar lacks it for
    (:data:`~mvae_core.ablation.columns.OTHER_MODEL`: its runs' models differ from the reference's; ``other
    validation loops``; …), else ``–``."""
    words = {word for d in diffs if d[metric].mean is None for word in d["missing"][metric]}
    return words.pop() if len(words) == 1 else "–"


def _bars(axes: Any, title: str, bars: list[Bar], colours: dict[str, str], words: dict[str, str]) -> None:
    """One bar per :data:`Bar`; a bar over fewer values than expected is marked ``k of n``, and a bar without a value
    is its configuration's word of ``words`` (:func:`bar_panels`), both turned upright to stay in their bar's slot."""
    for x, (name, e, ok) in enumerate(bars):
        if e.mean is None:
            axes.text(x, 0, words[name], rotation=90, ha="center", va="bottom", fontsize=7, color="0.4")
            continue
        error = None if e.low is None or e.high is None else [[e.mean - e.low], [e.high - e.mean]]
        axes.bar(x, e.mean, yerr=error, color=colours[name], capsize=3)
        if e.n < ok:
            axes.text(x, e.mean, f"{e.n} of {ok}", rotation=90, ha="center", va="bottom", fontsize=7)
    axes.set_xticks(range(len(bars)), [bar_label(name) for name, _, _ in bars], rotation=NAME_TURN, ha="right",
                    fontsize=BAR_LABEL_FONT)  # fmt: skip
    axes.set_xlim(-0.5, len(bars) - 0.5)  # every bar's slot, also a last one without a bar that holds its word
    axes.axhline(0, color="0.3", linewidth=0.8)
    axes.set_title(title, fontsize=9)
    axes.grid(axis="y", alpha=0.3)


def bar_label(name: str) -> str:
    """A configuration's ``name`` as its bars' tick label: on lines of at most :data:`BAR_LABEL_WIDTH` characters
    (:func:`~mvae_core.ablation.cells.name_lines`)."""
    return name_lines(name, BAR_LABEL_WIDTH)


def _nan(values: list[float | None]) -> list[float]:
    return [float("nan") if v is None else v for v in values]


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)
