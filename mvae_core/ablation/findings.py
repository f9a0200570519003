"""Which paired differences the seeds tell apart from noise (their 95 % interval excludes 0: bold in summary.md,
named on the console), which are not judged, and the words that count them against what chance alone would give."""

from __future__ import annotations

from typing import Any

from mvae_core.ablation.columns import METRICS
from mvae_core.ablation.stats import Estimate, no_spread
from mvae_core.wording import counted

NOT_JUDGED = ("seconds", "cpu_seconds")
"""Metrics whose paired differences are shown but not judged: never bold in summary.md, not counted among the
intervals that exclude 0 nor named on the console, ``excludes_zero`` null in summary.json. Wall-clock and CPU time
grow with the machine's load (the ablation's other runs share its cores), so an interval that excludes 0 can be the
load's doing, not the configuration's (:data:`NOT_JUDGED_WHY`)."""
NOT_JUDGED_WHY = (
    "they grow with the machine's load (the ablation's other runs share its cores), so an interval of theirs that "
    "excludes 0 can be the load's doing, not the configuration's"
)
NOT_JUDGED_TITLES = " and ".join(METRICS[m] for m in NOT_JUDGED)
"""``seconds and CPU seconds``: the columns of :data:`NOT_JUDGED` as summary.md and the console name them."""
NOT_JUDGED_NOTE = (
    f" The {NOT_JUDGED_TITLES} columns are shown but not judged (never bold, not counted): {NOT_JUDGED_WHY}."
)
LEFT_OUT = f"{NOT_JUDGED_TITLES} not judged"
"""What the console's count of intervals that exclude 0 adds when it left out intervals of :data:`NOT_JUDGED`, and
what ends the line saying there is no interval to judge (:func:`no_interval`)."""


def judged(column: str) -> bool:
    """Whether the paired differences of ``column`` (a metric, or a plugin's number) are judged: may be bold in
    summary.md, counted and named on the console; every column but those of :data:`NOT_JUDGED`."""
    return column not in NOT_JUDGED


def judgement(column: str, e: Estimate) -> bool | None:
    """The paired difference ``e`` of ``column`` as judged: :func:`excludes_zero` (bold in summary.md); ``None`` where
    there is nothing to judge: ``column`` is not :func:`judged`, or ``e`` has no interval to judge
    (:func:`has_interval`: fewer than 2 pairs, or pairs alike with no spread to judge them by), which is not an interval
    that includes 0. ``excludes_zero`` in summary.json and in :meth:`AblationResult.paired
    <mvae_core.ablation.session.AblationResult.paired>`."""
    return excludes_zero(e) if judged(column) and has_interval(e) else None


def has_interval(e: Estimate) -> bool:
    """Whether ``e`` has a 95 % interval to judge: two values or more, but not values alike, other than 0, too few
    to show a spread (:func:`~mvae_core.ablation.stats.no_spread`: ``-2`` in both of 2 pairs, an interval of no width
    that lies off 0 only because no spread was measured). ``+0`` in both pairs is an interval that holds 0."""
    return e.low is not None and e.high is not None and not (no_spread(e) and e.mean)


def excludes_zero(e: Estimate) -> bool:
    """Whether the 95 % interval of ``e`` (:func:`has_interval`) lies wholly above or below 0: a difference the seeds
    agree on beyond their own spread."""
    return has_interval(e) and e.low is not None and e.high is not None and (e.low > 0 or e.high < 0)


def no_interval(diffs: list[dict[str, Any]], rows: list[dict[str, Any]]) -> str:
    """What the console and summary.md say of paired differences none of whose :func:`judged` columns has an interval
    to tell it from noise (:func:`countable` is empty), and why: too few seeds, runs that failed, or runs that did not
    differ. It ends with :data:`LEFT_OUT`, as the console's count does: the columns of :data:`NOT_JUDGED` are not
    judged at any number of seeds, and even runs that did not differ differ in them (two runs never take the same
    time), so what is 0, or what more seeds would give an interval to judge, is said of the judged columns only."""
    if max(d["pairs"] for d in diffs) >= 2:
        why = (
            "each judged difference is 0 in every pair, alike in both of 2 pairs, or has a value in fewer than 2 pairs"
        )
    elif len({r["seed"] for r in rows}) < 2:
        why = "each difference is of one pair, one seed: more seeds"
    else:
        why = "fewer than 2 seeds where both runs are ok: runs failed or did not start (summary.md lists them)"
    return f"no interval to judge ({why}; {LEFT_OUT})"


def countable(differences: list[Estimate]) -> list[Estimate]:
    """The paired ``differences`` that have a 95 % interval to judge (:func:`has_interval`: two pairs or more, not
    alike in both of 2), but those that are 0 in every pair (runs that did not differ at all, which chance cannot
    make bold)."""
    return [e for e in differences if has_interval(e) and (e.std or e.mean)]


def counted_intervals(part: int, whole: int, verb: tuple[str, str], definite: bool = False) -> str:
    """``part`` of ``whole`` intervals and what they do, in agreement: the noun with ``whole`` (``1 interval``,
    ``23 intervals``), ``verb`` (singular, plural) with ``part`` (``1 of the 23 intervals here is bold``, ``2 of
    23 intervals exclude 0``), singular too for the one interval there is (``0 of 1 interval excludes 0``);
    ``definite``: ``of the``. The one wording of summary.md's and the console's counts."""
    intervals = counted(whole, "interval")
    return f"{part} of {'the ' if definite else ''}{intervals} {verb[0] if 1 in (part, whole) else verb[1]}"


def by_chance(intervals: int) -> str:
    """How many of ``intervals`` 95 % intervals exclude 0 by chance alone, 1 in 20, if no configuration differed from
    the reference (``1.2`` of 25): the console's and summary.md's number."""
    return f"{intervals / 20:.2g}"


def distinguished(
    differences: list[Estimate], diffs: list[dict[str, Any]], rows: list[dict[str, Any]], again: str = ""
) -> str:
    """What the bold cells of a table of paired ``differences`` (the deciding differences of the configurations
    ``diffs``, :func:`~.estimates.paired`) are, and how many of its intervals would exclude 0 by chance alone
    (:func:`by_chance`); an interval of differences that are all 0 (runs that did not differ at all), or alike in both
    of 2 pairs (no spread to judge), is not counted (:func:`countable`). ``again``: :func:`repeated_pairs` of the
    table's rows that repeat a pair above, which ``diffs`` leaves out (without any other row, nothing here is
    counted)."""
    intervals = countable(differences)
    bold = sum(excludes_zero(e) for e in intervals)
    if intervals:
        said = (
            f"{counted_intervals(bold, len(intervals), ('here is bold', 'here are bold'), definite=True)}; with no "
            f"difference at all, about {by_chance(len(intervals))} would be by chance."
        )
    else:
        said = f"Here: {no_interval(diffs, rows)}." if diffs else "Nothing here is counted."
    repeats = f" Neither bold nor counted again: {again}." if again else ""
    return (
        "**Bold**: the 95 % interval excludes 0, a difference the seeds agree on beyond their spread; the others are "
        f"not told apart from noise by these seeds (more seeds narrow them). {said}{repeats}"
    )


def repeated_pairs(again: set[str], reference: str) -> str:
    """How summary.md and the console name the rows against ``reference`` that repeat a pair of an earlier table
    (:func:`~.estimates.repeated`): ``all − none is the pair above, sign-flipped``; ``""`` without any."""
    if not again:
        return ""
    names = " and ".join(f"{name} − {reference}" for name in sorted(again))
    return f"{names} {'is the pair' if len(again) == 1 else 'are the pairs'} above, sign-flipped"
