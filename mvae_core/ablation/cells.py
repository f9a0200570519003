"""How an estimate is written in summary.md's and the console's cells (``mean ± std [low, high]; 1 n/a``), and a
Markdown table."""

from __future__ import annotations

import math
import re
from collections import Counter

from mvae_core.ablation.columns import missing_word
from mvae_core.ablation.findings import excludes_zero
from mvae_core.ablation.stats import Estimate, no_spread
from mvae_core.goals import TARGETS, Goal


def number(value: float | None, signed: bool = False, digits: int = 4, decimals: int | None = None) -> str:
    """``value`` to ``digits`` significant digits (``+`` shown when ``signed``), a whole number from ``10**digits``
    on (``12346``, not ``1.235e+04``); to ``decimals`` places instead when given (a column's :func:`column_decimals`);
    ``–`` for ``None``."""
    if value is None:
        return "–"
    sign = "+" if signed else ""
    if decimals is not None:
        return f"{value:{sign}.{decimals}f}"
    return f"{value:{sign}.0f}" if abs(value) >= 10**digits else f"{value:{sign}.{digits}g}"


MORE_DECIMALS = 3
"""The most places :func:`column_decimals` adds to tell a column's values apart."""


def column_decimals(values: list[float | None], digits: int) -> int:
    """The decimal places of a column of ``values``: as many as its value that needs the most to show ``digits``
    significant digits (trailing zeros aside: ``1.0022`` needs none at 3, ``0.998`` three), then more, up to
    :data:`MORE_DECIMALS`, while two values that differ would read the same. Written to their own ``digits``, a
    spread ratio of 1.0022 read ``1`` beside ``0.998``; at the column's places it reads ``1.002``."""
    shown = [v for v in values if v is not None and math.isfinite(v)]
    places = max((_places(v, digits) for v in shown), default=0)
    for more in range(places, places + MORE_DECIMALS + 1):
        if len({f"{v:.{more}f}" for v in shown}) == len(set(shown)):
            return more
    return places + MORE_DECIMALS


def _places(value: float, digits: int) -> int:
    """The decimal places that show ``value`` to ``digits`` significant digits, without trailing zeros; none from
    ``10**digits`` on (:func:`number` writes a whole number there)."""
    if value == 0 or abs(value) >= 10**digits:
        return 0
    places = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    while places and round(value, places - 1) == round(value, places):
        places -= 1
    return places


def cell(e: Estimate, signed: bool = False, stacked: bool = False, digits: int = 4, decimals: int | None = None) -> str:
    """``mean ± std [low, high]``, the mean to ``digits`` significant digits (to ``decimals`` places when given) and
    the std to 2; ``stacked`` (the console): ``mean`` and ``± std`` on two lines, without the interval. Only the mean
    for one value, ``–`` for none."""
    if e.n < 2:
        return number(e.mean, signed, digits, decimals)
    mean, spread = number(e.mean, signed, digits, decimals), f"± {number(e.std, digits=2)}"
    return f"{mean}\n{spread}" if stacked else f"{mean} {spread} [{number(e.low, signed)}, {number(e.high, signed)}]"


def metric_cell(
    e: Estimate,
    ok: int,
    metric: str,
    stacked: bool = False,
    digits: int = 4,
    signed: bool = False,
    reasons: Counter[str] | None = None,
    marked: bool = False,
    decimals: int | None = None,
    deciding: tuple[Estimate, Goal] | None = None,
    paired: bool = False,
) -> str:
    """:func:`cell` of ``ok`` values expected (a configuration's ok runs, or the pairs of a paired difference),
    followed by how many of them have no value and why (``0.93 ± 0.02; 1 quantized``): ``reasons`` counts the words
    (:func:`~.estimates.per_config`'s ``missing``; without it, :func:`missing_word` for each); ``stacked``: on a
    line of its own. Only the word when none has a value (``2 no gap, 1 n/a`` when they differ), ``–`` when none was
    expected. ``decimals``: the mean to so many places (:func:`number`). ``deciding``: a paired difference's deciding
    difference (:func:`~.estimates.paired`'s ``deciding``) with the metric's goal; for a goal best at a target it
    follows the statistics, as :func:`decided` says it (``+0.05 ± 0.01 [+0.04, +0.06]; nearer 1 by 0.05 [0.04,
    0.06]``). ``marked``: in bold (Markdown ``**``) when the interval that decides (the deciding difference's, else
    ``e``'s) excludes 0 (:func:`excludes_zero`): the words of :func:`decided` where they follow, else the
    statistics. ``paired``: ``e`` is a paired difference, which alike in every pair, too few to show a spread
    (:func:`~mvae_core.ablation.stats.no_spread`), as such: ``-2 in both pairs (no spread to judge)``, not
    ``-2 ± 0 [-2, -2]``, an interval of no width that no spread was measured for."""
    reasons = reasons if reasons else Counter({missing_word(metric): ok - e.n})
    if e.n == 0:
        return (next(iter(reasons)) if len(reasons) == 1 else _counted(reasons)) if ok else "–"
    if paired and no_spread(e):
        shown = f"{number(e.mean, signed, digits, decimals)} {_alike(e)} (no spread to judge)"
    else:
        shown = cell(e, signed=signed, stacked=stacked, digits=digits, decimals=decimals)
    decides, goal = deciding if deciding is not None else (e, None)
    bold = marked and excludes_zero(decides)
    if goal in TARGETS and decides.n:
        said = decided(decides, goal)
        shown += ("\n" if stacked else "; ") + (f"**{said}**" if bold else said)
    elif bold:
        shown = f"**{shown}**"
    return shown if e.n == ok else shown + ("\n" if stacked else "; ") + _counted(reasons)


def decided(e: Estimate, goal: Goal, digits: int = 4) -> str:
    """The deciding difference ``e`` (configuration − reference) of a column whose ``goal`` is best at a target
    (:data:`~mvae_core.goals.TARGETS`: the change in distance from it), in words: ``nearer 1 by 0.05 [0.04, 0.06]``
    where its mean is at most 0, the interval then of how much nearer; else ``farther from 1 by 0.03 [-0.01,
    0.07]``; ``the data's`` for the generated columns' target; each number to ``digits`` significant digits. Without
    an interval (one pair), the amount alone; alike in every pair, too few to show a spread
    (:func:`~mvae_core.ablation.stats.no_spread`), the amount and ``in both pairs``."""
    target, mean = TARGETS[goal], e.mean or 0.0
    nearer = mean <= 0
    words = f"nearer {target} by" if nearer else f"farther from {target} by"
    amount = number(abs(mean), digits=digits)
    if no_spread(e):
        return f"{words} {amount} {_alike(e)}"
    if e.low is None or e.high is None:
        return f"{words} {amount}"
    low, high = (-e.high, -e.low) if nearer else (e.low, e.high)
    return f"{words} {amount} [{number(low, digits=digits)}, {number(high, digits=digits)}]"


def _alike(e: Estimate) -> str:
    """``in both pairs`` (``in all 3 pairs``): where the paired difference ``e``'s values are all alike."""
    return f"in {'both' if e.n == 2 else f'all {e.n}'} pairs"


def _counted(reasons: Counter[str]) -> str:
    """``1 no gap, 2 n/a``: each reason with how many values it took."""
    return ", ".join(f"{n} {word}" for word, n in reasons.most_common())


def stops(counter: Counter[str], sep: str = ", ") -> str:
    """``early_stopping ×2, max epochs ×1``: each :func:`~.columns.stop_label` with its count, joined by ``sep``."""
    return sep.join(f"{label} ×{n}" for label, n in counter.most_common()) or "–"


def name_lines(name: str, width: int) -> str:
    """A configuration's ``name`` on lines of at most ``width`` characters: broken after a ``+`` or ``-`` where a line
    would be longer (``kl_anneal+ts_ramp+`` / ``lr_step_decay``), and inside a part only where that part alone is
    (a ``--configs`` name without either). The console's configuration column and the figure's bar labels."""
    lines = [""]
    for part in re.findall(r"[^-+]*[-+]|[^-+]+$", name):
        if lines[-1] and len(lines[-1]) + len(part) > width:
            lines.append("")
        while len(part) > width:
            lines[-1], part = part[:width], part[width:]
            lines.append("")
        lines[-1] += part
    return "\n".join(lines)


def md_table(header: list[str], body: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in body]
