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
distribution). :class:`PitchResampling` recomputes these numbers on bootstrap resamples of the data's and the
generated loops (the baseline's rows drawn again from each resampled data's rows), and :func:`pitch_intervals` turns
them into ``mvae evaluate``'s intervals. Definitions and measured numbers: docs/evaluation.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
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
"""The fewest loops that have a spread: ``separation`` (and so ``gap_closed``) needs at least this many distinct loops
with the feature on each side (one loop alone as the data's mean would make the gap one loop's noise), and a
bootstrap interval that DATA's draw moves needs at least this many loops of DATA (:func:`too_few_to_resample`)."""

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
    return {name: values[0] for name, values in features_of_rows(notes, notes.row[None, :], pitch_low).items()}


def features_of_rows(notes: LoopNotes, rows: np.ndarray, pitch_low: int) -> dict[str, np.ndarray]:
    """:func:`features` of ``notes``' loops and steps with each line of ``rows`` (``[k, notes]``) as their pitch
    rows in turn: float64 ``[k, n_loops]`` per feature (the resampled baselines of :class:`PitchResampling` at
    once)."""
    k, n = rows.shape[0], notes.n_loops
    counts = np.bincount(notes.loop, minlength=n).astype(np.float64)
    cell = ((np.arange(k)[:, None] * n + notes.loop) * 12 + (rows + pitch_low) % 12).ravel()
    histogram = np.bincount(cell, minlength=k * n * 12).reshape(k, n, 12).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        in_key = (histogram.reshape(-1, 12) @ _DIATONIC.T).max(axis=1).reshape(k, n) / counts
        share = histogram / counts[:, None]
        terms, sounding = np.zeros_like(share), histogram > 0
        played = share[sounding]
        terms[sounding] = played * np.log2(played)
        entropy = -terms.sum(axis=2)
    entropy[:, counts == 0] = np.nan
    mean_interval, stepwise = _intervals(notes, rows)
    return {"in_key": in_key, "mean_interval": mean_interval, "stepwise": stepwise, "pc_entropy": entropy,
            "notes": np.broadcast_to(counts, (k, n))}  # fmt: skip


def _intervals(notes: LoopNotes, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per line of ``rows`` and loop: mean |interval| and stepwise share of the top line (nan with fewer than two
    sounding steps)."""
    k, n = rows.shape[0], notes.n_loops
    order = np.lexsort((notes.step, notes.loop))
    loop, step, rows = notes.loop[order], notes.step[order], rows[:, order]
    first = np.ones(len(loop), dtype=bool)  # the first note of each (loop, step)
    first[1:] = (loop[1:] != loop[:-1]) | (step[1:] != step[:-1])
    starts = np.flatnonzero(first)
    top = np.maximum.reduceat(rows, starts, axis=1) if len(starts) else rows  # the highest note of each step
    loop = loop[starts]
    same_loop = loop[1:] == loop[:-1]
    size = np.abs(np.diff(top, axis=1))[:, same_loop].astype(np.float64)
    owner = loop[1:][same_loop]
    pairs = np.bincount(owner, minlength=n).astype(np.float64)
    index = (np.arange(k)[:, None] * n + owner).ravel()
    total = np.bincount(index, size.ravel(), minlength=k * n).reshape(k, n)
    steps = np.bincount(index, (size <= STEPWISE_SEMITONES).ravel().astype(np.float64), k * n).reshape(k, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / pairs, steps / pairs


def marginal_baseline(generated: LoopNotes, data: LoopNotes, seed: int) -> LoopNotes:
    """The generated loops' rhythm (same loops, steps and note counts) with every row drawn independently from the
    data's row histogram."""
    rows, counts = np.unique(data.row, return_counts=True)
    uniforms = np.random.default_rng(seed).random(len(generated.row))
    drawn = drawn_rows(rows, counts[None, :], uniforms, generated)[0]
    return LoopNotes(generated.n_loops, generated.loop, generated.step, drawn)


def drawn_rows(rows: np.ndarray, counts: np.ndarray, uniforms: np.ndarray, generated: LoopNotes) -> np.ndarray:
    """The baseline's rows, ``[k, notes]``: for each line of ``counts`` (``[k, len(rows)]``, weights of ``rows``),
    ``rows`` drawn at ``uniforms`` (one per generated note, in ``[0, 1)``) as
    ``numpy.random.Generator.choice(rows, p=counts / counts.sum())`` draws them from the same uniforms (the index
    of a draw: how many points of the cumulative distribution lie at or below its uniform); the generated rows where
    a line's weights are all 0 (data without notes)."""
    k, total = len(counts), counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        cdf = (counts / total).cumsum(axis=1)
        cdf /= cdf[:, -1:]
    order = np.argsort(uniforms, kind="stable")
    first = np.searchsorted(uniforms[order], cdf.ravel(), side="left").reshape(cdf.shape)  # first uniform >= cdf_r
    starts = np.bincount(
        (np.arange(k)[:, None] * (len(uniforms) + 1) + first).ravel(), minlength=k * (len(uniforms) + 1)
    )
    index = np.empty((k, len(uniforms)), dtype=np.int64)
    index[:, order] = starts.reshape(k, len(uniforms) + 1)[:, :-1].cumsum(axis=1)
    drawn = rows[index] if len(rows) else index  # no rows: every line is replaced below
    return np.where(total > 0, drawn, generated.row).astype(np.int64)


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


LEVEL = 0.95
"""The share of the resampled values an interval holds (percentile interval: the 2.5th to the 97.5th percentile)."""
_STREAM = 350
"""Keeps the resamples' draws apart from the other draws seeded by the same evaluation seed."""
_CHUNK_CELLS = 2_000_000
"""At most this many resample × item cells per chunk of resamples (memory: a few such float64 arrays at once)."""


def too_few_to_resample(loops: int) -> bool:
    """Whether ``loops`` loops are too few for a bootstrap interval of what they give (fewer than :data:`MIN_LOOPS`):
    every resample draws the one loop again, so the interval would have no width whatever the uncertainty. Such an
    interval is ``None`` (``n/a``), and a comparison gives no verdict on it."""
    return loops < MIN_LOOPS


def resample_weights(sizes: Sequence[int], resamples: int, seed: int, cells: int = 0) -> Iterator[list[np.ndarray]]:
    """Bootstrap weights in chunks of resamples: for each group of ``sizes`` items (loops), a float64
    ``[chunk, size]`` of how often each item is drawn in each resample (``size`` draws with replacement, the groups
    independently). ``cells``, the array cells a statistic spends per resample (default: the largest size), sets how
    many resamples a chunk holds (at most :data:`_CHUNK_CELLS` cells). The same arguments give the same weights."""
    rng = np.random.default_rng([_STREAM, seed])
    chunk = max(1, min(resamples, _CHUNK_CELLS // max(1, cells, *sizes)))
    for start in range(0, resamples, chunk):
        k = min(chunk, resamples - start)
        yield [rng.multinomial(size, np.full(size, 1.0 / size), size=k).astype(np.float64) for size in sizes]


def percentile_interval(values: np.ndarray) -> list[float] | None:
    """The :data:`LEVEL` percentile interval ``[low, high]`` of the resampled ``values`` that are defined (nan
    left out); ``None`` when none is."""
    kept = values[~np.isnan(values)]
    if not len(kept):
        return None
    low, high = np.quantile(kept, [(1 - LEVEL) / 2, (1 + LEVEL) / 2], method="inverted_cdf")
    return [float(low), float(high)]


def weighted_means(values: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per resample (a line of ``weights``, ``[k, n]``): the mean and the population variance of the defined (non-nan)
    ``values`` (``[n]``, or ``[k, n]``: a line of values per resample), each value counted as often as its weight, and
    how many distinct values are drawn (weight > 0: a loop drawn twice is still one loop, as :data:`MIN_LOOPS`
    counts); nan mean and variance where none is."""
    defined = ~np.isnan(values)
    drawn = weights * defined
    total = drawn.sum(axis=1)
    kept = np.where(defined, values, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (weights * kept).sum(axis=1) / total
        variance = (drawn * (kept - mean[:, None]) ** 2).sum(axis=1) / total
    return mean, variance, (drawn > 0).sum(axis=1)


class PitchResampling:
    """:func:`compare`'s numbers over bootstrap resamples: the data's loops and the generated loops drawn again
    independently, and with the generated loops their baseline loops (the same rhythm), whose rows are drawn again
    from the resampled data's row histogram at the same uniforms as :func:`marginal_baseline` (so the unresampled
    data gives its baseline exactly). What the intervals cover: the draw of the loops, not the training."""

    def __init__(self, data: LoopNotes, generated: LoopNotes, pitch_low: int, seed: int = 0) -> None:
        self.generated, self.pitch_low = generated, pitch_low
        self.of_data, self.of_generated = features(data, pitch_low), features(generated, pitch_low)
        self.rows, which = np.unique(data.row, return_inverse=True)
        per_loop = np.bincount(data.loop * len(self.rows) + which.ravel(), minlength=data.n_loops * len(self.rows))
        self.row_counts = per_loop.reshape(data.n_loops, len(self.rows)).astype(np.float64)
        self.uniforms = np.random.default_rng(seed).random(len(generated.row))  # marginal_baseline's draw

    def numbers(self, data_weights: np.ndarray, generated_weights: np.ndarray) -> dict[str, dict[str, np.ndarray]]:
        """Per feature, per resample (a line of the weights, :func:`resample_weights`): the ``data``, ``generated``
        and ``baseline`` means and ``gap_closed`` (nan where a resample leaves it undefined, as :func:`compare`)."""
        counts = data_weights @ self.row_counts
        rows = drawn_rows(self.rows, counts, self.uniforms, self.generated)
        of_baseline = features_of_rows(self.generated, rows, self.pitch_low)
        result = {}
        for name in FEATURES:
            data_mean, data_var, data_n = weighted_means(self.of_data[name], data_weights)
            generated_mean = weighted_means(self.of_generated[name], generated_weights)[0]
            base_mean, base_var, base_n = weighted_means(of_baseline[name], generated_weights)
            gap = np.full(len(counts), np.nan)
            if name != "notes":  # the baseline keeps the generated rhythm: no gap in notes
                with np.errstate(invalid="ignore", divide="ignore"):
                    difference, pooled = np.abs(base_mean - data_mean), np.sqrt((base_var + data_var) / 2)
                    separation = np.where(pooled > 0, difference / pooled, np.where(difference > 0, np.inf, 0.0))
                    scored = (np.minimum(data_n, base_n) >= MIN_LOOPS) & (separation >= MIN_SEPARATION)
                    scored &= ~np.isnan(generated_mean)
                    gap = np.where(scored, (base_mean - generated_mean) / (base_mean - data_mean) + 0.0, np.nan)
            result[name] = {"data": data_mean, "generated": generated_mean, "baseline": base_mean, "gap_closed": gap}
        return result


def pitch_intervals(resampled: dict[str, dict[str, np.ndarray]], point: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Per feature, from :meth:`PitchResampling.numbers` over every resample: the :func:`percentile_interval` of the
    ``data``, ``generated`` and ``baseline`` means and of ``gap_closed``, and ``gap_scored``, the share of the
    resamples in which the gap is defined (``None`` for ``notes``, never scored). ``point`` is :func:`compare`'s
    result. The ``gap_closed`` interval is ``None`` where the point has none, and where fewer than :data:`LEVEL` of
    the resamples score the gap: then an interval holding :data:`LEVEL` of them would hold "no gap" too."""
    result: dict[str, Any] = {}
    for name, values in resampled.items():
        scored = float(np.mean(~np.isnan(values["gap_closed"]))) if name != "notes" else None
        wanted = point[name]["gap_closed"] is not None and scored is not None and scored >= LEVEL
        result[name] = {part: percentile_interval(values[part]) for part in ("data", "generated", "baseline")} | {
            "gap_closed": percentile_interval(values["gap_closed"]) if wanted else None,
            "gap_scored": scored,
        }
    return result
