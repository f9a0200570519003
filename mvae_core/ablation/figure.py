"""``ablation.png``: validation curves per configuration and bar charts of the key metrics (matplotlib, Agg)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from mvae_core.ablation.columns import METRICS, UNITS, missing_word
from mvae_core.ablation.estimates import other_loops, paired, per_config
from mvae_core.ablation.plan import NONE, Configuration
from mvae_core.ablation.stats import Estimate
from mvae_core.files import atomic_write
from mvae_core.view import epoch_number

BAR_METRICS = ("gen_timing_std", "timing_spread_ratio", "epochs_run")
NO_CURVE = "no run finished ok"
TITLE_WIDTH = 34
"""A bar panel's title lines, in characters: what a quarter of the figure beside the legend holds at its font size
(best val_elbo's unit is longer, and ran into the next panel's title)."""
LEGEND_ROWS = 40
"""The legend's entries per column, right of the panels: what the figure's height holds at its font size (a
factorial plan of five plugins, 32 configurations, is one column)."""
DASHED = (0, (4, 3))
"""The line style of a configuration's curves drawn over the same curves of an earlier one (:func:`coinciding`), so
that the colour under them still shows between the dashes."""


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
    no run is ok); a configuration whose curves are those of an earlier one (:func:`coinciding`) is dashed over
    them and labelled ``name (= earlier)``; the legend is outside the axes, right of the panels, so it covers no
    curve however many configurations there are. Bottom, one bar per
    configuration with its 95 % t-interval as an error bar (none for a single value): the best ``val_elbo`` as a
    paired difference against ``none`` (its raw mean when there is no ``none``), then the mean of each of
    :data:`BAR_METRICS`, each titled with its unit (:func:`bar_title`), marked ``k of n`` when only k of the
    configuration's n runs (one per seed) have a value or a paired difference, and the word of :func:`missing_word` in
    place of a bar when none has."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(12, 8), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    grid = figure.add_gridspec(2, 1 + len(BAR_METRICS), height_ratios=[3, 2])
    colours = colours_of(configs)
    same = coinciding(rows, configs)
    differences = paired_curves(rows, configs, NONE)
    if differences:  # the effects are small next to the fall of the curves: beside them, each against none
        half = (1 + len(BAR_METRICS)) // 2
        curves = figure.add_subplot(grid[0, :half])
        _curves(curves, rows, configs, colours, same)
        _differences(figure.add_subplot(grid[0, half:]), differences, colours, same)
    else:
        curves = figure.add_subplot(grid[0, :])
        _curves(curves, rows, configs, colours, same)
    if handles_labels := curves.get_legend_handles_labels():
        figure.legend(*handles_labels, loc="outside right upper", fontsize=8, frameon=False,
                      ncols=-(-len(handles_labels[1]) // LEGEND_ROWS))  # fmt: skip
    for column, (title, bars, word) in enumerate(bar_panels(rows, configs)):
        _bars(figure.add_subplot(grid[1, column]), title, bars, colours, word)
    said = caption(rows, bool(paired(rows, configs, NONE)), bool(differences), coincide=bool(same))
    figure.supxlabel(said, fontsize=8, color="0.3")
    return figure


Bar = tuple[str, Estimate, int]
"""One bar: the configuration, its estimate, and the values expected: its runs, one per seed (a failed run, a value not
defined for a run, or a pair without a difference makes the bar's ``n`` smaller, and the bar is marked ``k of n``)."""


def bar_panels(rows: list[dict[str, Any]], configs: list[Configuration]) -> list[tuple[str, list[Bar], str]]:
    """The bottom panels of :func:`draw`, each ``(title, bars, word in place of a bar without a value)``: the best
    ``val_elbo`` paired against ``none`` (its raw mean without a ``none``), then :data:`BAR_METRICS`."""
    stats = per_config(rows, configs)
    runs = {e["config"]: e["runs"] for e in stats}
    against_none = paired(rows, configs, NONE)
    panels = [
        (
            f"best val_elbo − {NONE} (paired)\n(below 0: better)",
            [(d["config"], d["best_val_elbo"], runs[d["config"]]) for d in against_none],
            _paired_word(against_none, "best_val_elbo"),
        )
        if against_none
        else (
            bar_title("best_val_elbo"),
            [(e["config"], e["best_val_elbo"], e["runs"]) for e in stats],
            missing_word("best_val_elbo"),
        )
    ]
    panels += [(bar_title(m), [(e["config"], e[m], e["runs"]) for e in stats], missing_word(m)) for m in BAR_METRICS]
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


def caption(rows: list[dict[str, Any]], paired_panel: bool, paired_curves: bool = False, coincide: bool = False) -> str:
    """What the figure's lines and error bars are, under it, so that the figure read alone (in a paper, a slide)
    says it: the seeds, the 95 % t-interval, what the paired panels subtract, and (``coincide``) what a dashed
    ``(= name)`` curve is."""
    seeds = len({r["seed"] for r in rows})
    paired_what = f"; the first panel pairs each run with {NONE}'s run of the same seed" if paired_panel else ""
    curves_what = f" Right: each run minus {NONE}'s run of the same seed (below 0: better)." if paired_curves else ""
    same_what = "\nDashed, (= name): the same curves as name's, drawn over them." if coincide else ""
    return (
        f"{seeds} seed{'s' * (seeds != 1)} per configuration (failed runs left out). Curves: thin, each run; thick, "
        f"their mean up to the last epoch all reached.{curves_what}{same_what}\nBars: mean over the runs (k of n: over k of the n "
        f"seeds, the others failed or have no value), error bars its 95 % t-interval{paired_what}."
    )


def coinciding(rows: list[dict[str, Any]], configs: list[Configuration]) -> dict[str, str]:
    """Configuration → the first configuration before it (in plan order) whose ok runs have exactly the same
    ``val_curve`` seed by seed, over the same seeds (runs that did not differ at all: a plugin that never acted), so
    that its curves would hide that one's; a configuration without ok runs coincides with none."""
    curves = {
        c.name: {r["seed"]: r["val_curve"] for r in rows if r["config"] == c.name and r["status"] == "ok"}
        for c in configs
    }
    same: dict[str, str] = {}
    for later, c in enumerate(configs):
        earlier = (e.name for e in configs[:later] if curves[c.name] and curves[e.name] == curves[c.name])
        if (first := next(earlier, None)) is not None:
            same[c.name] = same.get(first, first)
    return same


def paired_curves(
    rows: list[dict[str, Any]], configs: list[Configuration], reference: str
) -> dict[str, list[list[float]]]:
    """Per configuration other than ``reference``: its ok runs' ``val_curve`` minus the ``reference`` run's of the
    same seed, epoch by epoch up to the shorter of the two, for the seeds where both are ok, trained the same
    model (another model's ``val_elbo`` is on another scale) and validated on the same loops (:func:`other_loops`);
    a configuration without such a pair is left out, and
    ``{}`` when there is no ``reference`` configuration. Each seed has its own validation split, so the differences,
    not the curves, show what a configuration changes."""
    ok = [r for r in rows if r["status"] == "ok"]
    ref = {r["seed"]: r for r in ok if r["config"] == reference}
    result: dict[str, list[list[float]]] = {}
    for c in configs:
        if c.name == reference:
            continue
        pairs = [(r, ref[r["seed"]]) for r in ok if r["config"] == c.name and r["seed"] in ref]
        curves = [
            [a - b for a, b in zip(_nan(mine["val_curve"]), _nan(theirs["val_curve"]), strict=False)]
            for mine, theirs in pairs
            if mine.get("model") == theirs.get("model") and not other_loops(mine, theirs)
        ]
        if curves := [curve for curve in curves if curve]:
            result[c.name] = curves
    return result


def _curves(
    axes: Any,
    rows: list[dict[str, Any]],
    configs: list[Configuration],
    colours: dict[str, str],
    same: dict[str, str] | None = None,
) -> None:
    """The top panel of :func:`figure_of`, labelled for the figure's legend (:func:`_label`). A curve of one epoch (a
    1-epoch ablation, or a mean over runs one of which stopped after its first epoch) is a dot: a line of one point
    draws nothing (the axes: :func:`_epoch_axis`). ``same``: :func:`coinciding`, else none coincide."""
    same = same or {}
    longest = 0
    for c in configs:
        if runs := [_nan(r["val_curve"]) for r in rows if r["config"] == c.name and r["status"] == "ok"]:
            _runs_and_mean(axes, runs, colours[c.name], _label(c.name, same), c.name in same)
            longest = max(longest, *map(len, runs))
    _epoch_axis(axes, longest, "val_elbo per validation loop (lower is better)")
    if not axes.get_legend_handles_labels()[1]:
        axes.text(0.5, 0.5, NO_CURVE, transform=axes.transAxes, ha="center", va="center", color="0.4")


def _label(name: str, same: dict[str, str]) -> str:
    """A configuration's entry in the legend: its name, and ``(= other)`` when its curves are ``other``'s
    (:func:`coinciding`)."""
    return f"{name} (= {same[name]})" if name in same else name


def _differences(
    axes: Any, differences: dict[str, list[list[float]]], colours: dict[str, str], same: dict[str, str]
) -> None:
    """The top right panel of :func:`figure_of`: :func:`paired_curves`, thin per seed, thick their mean up to the
    last epoch every seed reached, dashed as in the curves' panel; 0 is the reference."""
    for name, curves in differences.items():
        _runs_and_mean(axes, curves, colours[name], _label(name, same), name in same)
    axes.axhline(0, color=colours.get(NONE, "0.3"), linewidth=1.5)
    longest = max(len(curve) for curves in differences.values() for curve in curves)
    _epoch_axis(axes, longest, f"val_elbo − {NONE}, same seed")


def _runs_and_mean(axes: Any, curves: list[list[float]], colour: str, label: str, dashed: bool = False) -> None:
    """``curves`` thin, one per run, and their mean thick (``label`` in the legend), up to the last epoch every run
    reached, :data:`DASHED` when ``dashed``; a curve of one point is a dot."""
    style = {"linestyle": DASHED} if dashed else {}
    for curve in curves:
        axes.plot(_epochs(len(curve)), curve, color=colour, alpha=0.3, linewidth=0.8, **style, **_dot(curve))
    means = [_mean([curve[e] for curve in curves]) for e in range(min(map(len, curves)))]
    axes.plot(_epochs(len(means)), means, color=colour, linewidth=2, label=label, **style, **_dot(means))


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


def _bars(axes: Any, title: str, bars: list[Bar], colours: dict[str, str], missing: str) -> None:
    """One bar per :data:`Bar`; a bar over fewer values than expected is marked ``k of n``."""
    for x, (name, e, ok) in enumerate(bars):
        if e.mean is None:
            axes.text(x, 0, missing, rotation=90, ha="center", va="bottom", fontsize=7, color="0.4")
            continue
        error = None if e.low is None or e.high is None else [[e.mean - e.low], [e.high - e.mean]]
        axes.bar(x, e.mean, yerr=error, color=colours[name], capsize=3)
        if e.n < ok:
            axes.text(x, e.mean, f"{e.n} of {ok}", ha="center", va="bottom", fontsize=7)
    axes.set_xticks(range(len(bars)), [name for name, _, _ in bars], rotation=60, ha="right", fontsize=7)
    axes.axhline(0, color="0.3", linewidth=0.8)
    axes.set_title(title, fontsize=9)
    axes.grid(axis="y", alpha=0.3)


def _nan(values: list[float | None]) -> list[float]:
    return [float("nan") if v is None else v for v in values]


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)
