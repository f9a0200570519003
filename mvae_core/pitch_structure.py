"""Pitch structure of loops: how melodic their pitch motion is, per loop, against the data and a baseline.

Per loop (rows are pitch rows as the model sees them, i.e. octave-folded into ``pitch_low + rows``):

* ``in_key``: the largest share of the loop's notes inside one diatonic set (the 12 major scales; their modes are
  the same sets);
* ``mean_interval``: mean |difference| in semitones between consecutive notes of the loop's top line (the highest
  note of each step that has notes), for loops with at least two such steps;
* ``stepwise``: the share of those intervals that are at most 2 semitones (repeated notes included);
* ``pc_entropy``: entropy (bits) of the loop's pitch-class histogram;
* ``notes``: notes per loop.

:func:`compare` sets generated loops against the data's and against the **marginal baseline**: each generated loop's
own rhythm with every pitch drawn independently from the data's pitch-row histogram (random notes in the data's key).
``gap_closed = (baseline − generated) / (baseline − data)`` says how far the model got from that baseline towards the
data: 1 = like the data, 0 = no better than random notes, above 1 = overshooting the data; it is undefined (``None``)
where ``separation``, the baseline-to-data distance in pooled per-loop standard deviations, is below
:data:`MIN_SEPARATION` (e.g. the pitch-class entropy of chromatic jazz lines: random notes have it too), and where
``separation`` cannot be measured (fewer than :data:`MIN_LOOPS` loops with the feature on a side). ``overlap`` is the
overlapping area of the generated and data histograms of the per-loop values (Yang & Lerch 2018: 1 = the same
distribution). Definitions and measured numbers: docs/evaluation.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

FEATURES = ("in_key", "mean_interval", "stepwise", "pc_entropy", "notes")
"""The per-loop features, in the order reports show them."""

STEPWISE_SEMITONES = 2
MAJOR_SCALE = (0, 2, 4, 5, 7, 9, 11)
OVERLAP_BINS = 20
"""Bins of the shared range for the overlap of continuous features (``notes`` is counted per whole number)."""
MIN_SEPARATION = 0.2
"""``gap_closed`` is defined only when the baseline's and the data's means differ by at least this many pooled
per-loop standard deviations (Cohen's d; 0.2 is the conventional "small" effect). Below it the feature does not tell
the data from random notes in its key, and the ratio would divide by noise."""

MIN_LOOPS = 2
"""``separation`` (and so ``gap_closed``) needs at least this many loops with the feature on each side: one loop has
no spread, and its value alone as the data's mean would make the gap one loop's noise."""

NO_GAP = "no gap"
"""The word for a ``gap_closed`` left undefined because ``separation`` is below :data:`MIN_SEPARATION`."""
NO_GAP_MEANS = (
    f"random notes in the data's key already lie within {MIN_SEPARATION:g} pooled standard deviations of the data in "
    "that feature, so there is no gap to close"
)
"""What :data:`NO_GAP` means, as the tables that show it explain it."""

_DIATONIC = np.array([[(pc - tonic) % 12 in MAJOR_SCALE for pc in range(12)] for tonic in range(12)], dtype=np.float64)


@dataclass(frozen=True)
class LoopNotes:
    """The notes of ``n_loops`` loops as parallel int64 arrays: ``loop`` (which loop), ``step`` and ``row``."""

    n_loops: int
    loop: np.ndarray
    step: np.ndarray
    row: np.ndarray

    @classmethod
    def from_notes(cls, loops: Sequence[Sequence[Any]]) -> LoopNotes:
        """From lists of notes with ``step`` and ``row`` attributes (:class:`~mvae_core.generation.Note`)."""
        owner = np.repeat(np.arange(len(loops)), [len(loop) for loop in loops])
        step = np.array([n.step for loop in loops for n in loop], dtype=np.int64)
        row = np.array([n.row for loop in loops for n in loop], dtype=np.int64)
        return cls(len(loops), owner.astype(np.int64), step, row)

    @classmethod
    def from_table(cls, table: Any, loops: np.ndarray) -> LoopNotes:
        """The untransposed notes of ``loops`` (loop ids) of a :class:`~mvae_core.data.table.NoteTable`."""
        index, owner = table.note_index(loops)
        return cls(
            len(loops), owner.astype(np.int64), table.step[index].astype(np.int64), table.row[index].astype(np.int64)
        )


def features(notes: LoopNotes, pitch_low: int) -> dict[str, np.ndarray]:
    """Every feature of :data:`FEATURES` per loop (float64 ``[n_loops]``, ``nan`` where a loop has too few notes)."""
    n = notes.n_loops
    counts = np.bincount(notes.loop, minlength=n).astype(np.float64)
    pitch_class = (notes.row + pitch_low) % 12
    histogram = np.zeros((n, 12))
    np.add.at(histogram, (notes.loop, pitch_class), 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        in_key = (histogram @ _DIATONIC.T).max(axis=1) / counts
        share = histogram / counts[:, None]
        entropy = -np.where(share > 0, share * np.log2(np.where(share > 0, share, 1.0)), 0.0).sum(axis=1)
    entropy[counts == 0] = np.nan
    mean_interval, stepwise = _intervals(notes)
    return {"in_key": in_key, "mean_interval": mean_interval, "stepwise": stepwise, "pc_entropy": entropy,
            "notes": counts}  # fmt: skip


def _intervals(notes: LoopNotes) -> tuple[np.ndarray, np.ndarray]:
    """Per loop: mean |interval| and stepwise share of the top line (nan with fewer than two sounding steps)."""
    order = np.lexsort((notes.row, notes.step, notes.loop))
    loop, step, row = notes.loop[order], notes.step[order], notes.row[order]
    top = np.ones(len(loop), dtype=bool)  # the last (highest) note of each (loop, step)
    top[:-1] = (loop[1:] != loop[:-1]) | (step[1:] != step[:-1])
    loop, row = loop[top], row[top]
    same_loop = loop[1:] == loop[:-1]
    size = np.abs(np.diff(row))[same_loop].astype(np.float64)
    owner = loop[1:][same_loop]
    pairs = np.bincount(owner, minlength=notes.n_loops).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(owner, size, minlength=notes.n_loops) / pairs
        step_share = np.bincount(owner, (size <= STEPWISE_SEMITONES).astype(np.float64), notes.n_loops) / pairs
    return mean, step_share


def marginal_baseline(generated: LoopNotes, data: LoopNotes, seed: int) -> LoopNotes:
    """The generated loops' rhythm (same loops, steps and note counts) with every row drawn independently from the
    data's row histogram."""
    rows, counts = np.unique(data.row, return_counts=True)
    rng = np.random.default_rng(seed)
    drawn = rng.choice(rows, size=len(generated.row), p=counts / counts.sum()) if len(rows) else generated.row
    return LoopNotes(generated.n_loops, generated.loop, generated.step, drawn.astype(np.int64))


def overlap(a: np.ndarray, b: np.ndarray, discrete: bool = False) -> float | None:
    """Overlapping area of the histograms of ``a`` and ``b`` (nan values left out) on shared bins: whole numbers
    when ``discrete``, else :data:`OVERLAP_BINS` bins over the joint range. ``None`` when either is empty."""
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if len(a) == 0 or len(b) == 0:
        return None
    low, high = min(a.min(), b.min()), max(a.max(), b.max())
    if discrete:
        edges = np.arange(np.floor(low), np.floor(high) + 2) - 0.5
    else:
        edges = np.linspace(low, high, OVERLAP_BINS + 1) if high > low else np.array([low - 0.5, low + 0.5])
    p = np.histogram(a, edges)[0] / len(a)
    q = np.histogram(b, edges)[0] / len(b)
    return float(np.minimum(p, q).sum())


def compare(data: LoopNotes, generated: LoopNotes, pitch_low: int, seed: int = 0) -> dict[str, dict[str, Any]]:
    """Per feature: the mean per loop of ``data``, ``generated`` and ``baseline`` (:func:`marginal_baseline`),
    ``separation`` (baseline vs data), ``gap_closed`` and ``overlap`` (generated vs data); ``None`` where a number is
    undefined."""
    return compare_to_baseline(data, generated, marginal_baseline(generated, data, seed), pitch_low)


def compare_to_baseline(
    data: LoopNotes, generated: LoopNotes, baseline: LoopNotes, pitch_low: int
) -> dict[str, dict[str, Any]]:
    """:func:`compare` against the given ``baseline`` loops rather than one drawn from ``data``: for loops pooled
    over several held-out groups, each group's generated loops with their own :func:`marginal_baseline` (random
    notes in that group's key) concatenated. ``baseline`` keeps the generated rhythm, so its ``notes`` have no gap."""
    of_data = features(data, pitch_low)
    of_generated = features(generated, pitch_low)
    of_baseline = features(baseline, pitch_low)
    result: dict[str, dict[str, Any]] = {}
    for name in FEATURES:
        means = {k: _mean(v[name]) for k, v in (("data", of_data), ("generated", of_generated),
                                                 ("baseline", of_baseline))}  # fmt: skip
        separation = _separation(of_baseline[name], of_data[name])
        gap = None
        if None not in means.values() and separation is not None and separation >= MIN_SEPARATION:
            gap = (means["baseline"] - means["generated"]) / (means["baseline"] - means["data"]) + 0.0  # no -0
        result[name] = means | {
            "separation": separation,
            "gap_closed": gap,
            "overlap": overlap(of_generated[name], of_data[name], discrete=name == "notes"),
        }
    result["notes"]["gap_closed"] = result["notes"]["separation"] = None  # the baseline keeps the generated rhythm
    return result


def no_gap(values: dict[str, Any]) -> bool:
    """Whether a feature of :func:`compare` has no ``gap_closed`` because random notes already lie within
    :data:`MIN_SEPARATION` of the data (nothing to close: :data:`NO_GAP`), rather than for want of notes."""
    separation = values["separation"]
    return values["gap_closed"] is None and separation is not None and separation < MIN_SEPARATION


def _mean(values: np.ndarray) -> float | None:
    kept = values[~np.isnan(values)]
    return float(kept.mean()) if len(kept) else None


def _separation(a: np.ndarray, b: np.ndarray) -> float | None:
    """|mean a − mean b| in pooled standard deviations (Cohen's d); infinite when both are constant and differ;
    ``None`` when either has fewer than :data:`MIN_LOOPS` values (no spread to measure)."""
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if min(len(a), len(b)) < MIN_LOOPS:
        return None
    difference, pooled = abs(a.mean() - b.mean()), np.sqrt((a.var() + b.var()) / 2)
    if pooled == 0:
        return float("inf") if difference > 0 else 0.0
    return float(difference / pooled)
