"""A paired comparison of two runs on the same loops (``mvae evaluate RUN DATA --against OTHER``, ``compare``).

Both runs are scored on the same loops (:func:`~mvae_core.evaluation.score`), each with its own generated loops
(the same latent points where the latent sizes match: the same seed draws them). The bootstrap then draws the
data's loops again **once per resample for both runs** (the same weights), and each run's generated loops again
independently (:func:`~mvae_core.pitch_structure.resample_weights` with three groups), recomputes every number of
:data:`COMPARED` for each run (:meth:`~mvae_core.evaluation.Resampling.numbers`, the formulas of
``mvae evaluate``'s own intervals; :meth:`~mvae_core.evaluation.Resampling.wasserstein` for the distance those
intervals leave out, by the formula of its point number) and takes the percentile interval of the difference A − B:
what the loops of DATA share between the two runs cancels, which two separate intervals cannot show.

Where a number has a direction (:data:`COMPARED`), the comparison says which run is better only when the interval
of the deciding difference excludes 0 (:mod:`mvae_core.goals`, the rule ``mvae ablate`` follows too): A − B for a
number where ``higher`` (or ``lower``) is better, and |A − 1| − |B − 1| for one that is best at 1 (``nearer 1``).
Where no direction is defined (notes per loop), none is claimed. Where DATA has too few loops to draw again
(:func:`~mvae_core.evaluation.measured`: one), the numbers that DATA's draw moves get no interval and no verdict.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from mvae_core.config import DataConfig, MvaeConfig
from mvae_core.data.split import LoopSet
from mvae_core.errors import ConfigError
from mvae_core.evaluation import covers, finite_number, measured, point_number, score
from mvae_core.goals import GOALS, Goal, better, deciding
from mvae_core.models.base import MelodyModel
from mvae_core.pitch_structure import LEVEL, percentile_interval, resample_weights

Direction = Goal
"""Which way a number is better (:data:`~mvae_core.goals.Goal`)."""

COMPARED: dict[str, Direction] = GOALS
"""The numbers a comparison sets side by side and which way each is better: :data:`mvae_core.goals.GOALS`, the one
definition ``mvae ablate`` takes its columns' goals from too."""

READ_WITHOUT = ("train_fraction", "transpositions", "cache_dir")
"""The ``[data]`` settings that do not change how a run reads held-out DATA (the training split, its augmentation
and where parses are cached); every other one can change its loops (pitch rows, folding, melody, bars, tempo and
note limits), so two runs compared on DATA must agree on them."""


def reading_differences(a: DataConfig, b: DataConfig) -> list[str]:
    """``name a → b`` for each ``[data]`` setting, but :data:`READ_WITHOUT`'s, in which ``a`` and ``b`` differ."""
    return [
        f"data.{name} {getattr(a, name)!r} → {getattr(b, name)!r}"
        for name in DataConfig.model_fields
        if name not in READ_WITHOUT and getattr(a, name) != getattr(b, name)
    ]


def check_same_reading(run: str, a: DataConfig, against: str, b: DataConfig) -> None:
    """A :class:`~mvae_core.errors.ConfigError` naming both runs and every differing setting when ``run`` and
    ``against`` would read DATA into other loops (:func:`reading_differences`); it suggests evaluating each on its own
    with ``mvae_core.evaluate(run, data)``, and on the command line (``command_line_message()``) with
    ``mvae evaluate RUN DATA``."""
    if differences := reading_differences(a, b):
        said = (
            f"{run} and {against} read DATA into different loops ({'; '.join(differences)}), so a paired comparison "
            "has no loops in common: compare runs trained with the same [data] reading settings, or evaluate each on "
            "its own"
        )
        raise ConfigError(f"{said} (mvae_core.evaluate(run, data))", command_line=f"{said} (mvae evaluate RUN DATA)")


PAIR = " for these two trained models"
"""What a comparison's intervals are over, after ``the draw of the loops`` (:func:`~mvae_core.evaluation.covers`)."""

COVERS = covers(PAIR)
"""What a comparison's intervals and verdicts are over, and what not: its ``covers``."""


def compare_runs(
    a: tuple[MelodyModel, MvaeConfig],
    b: tuple[MelodyModel, MvaeConfig],
    data: LoopSet,
    samples: int,
    seed: int,
    temperature: float,
    resamples: int,
) -> dict[str, Any]:
    """Score run ``a`` and run ``b`` (model and config each) on the same ``data`` and compare them over
    ``resamples`` paired bootstrap resamples (seeded by ``seed``; the module docstring). Returns ``points`` (each
    run's :func:`~mvae_core.evaluation.score` result), ``resamples``, ``level`` and ``numbers``: per key of
    :data:`COMPARED`, :func:`compared`'s entry."""
    point_a, resampling_a = score(*a, data, samples, seed, temperature)
    point_b, resampling_b = score(*b, data, samples, seed, temperature)
    runs = {"a": resampling_a, "b": resampling_b}
    sizes = (len(data), resampling_a.sizes[1], resampling_b.sizes[1])
    collected: dict[str, dict[str, list[np.ndarray]]] = {run: {key: [] for key in COMPARED} for run in runs}
    cells = sum(resampling.cells + resampling.note_cells for resampling in runs.values())
    for data_weights, *generated_weights in resample_weights(sizes, resamples, seed, cells):
        for (run, resampling), weights in zip(runs.items(), generated_weights, strict=True):
            numbers, pitch = resampling.numbers(data_weights, weights)  # the same data_weights for both runs
            flat = numbers | {f"pitch.{feature}.gap_closed": parts["gap_closed"] for feature, parts in pitch.items()}
            flat["timing.wasserstein1"] = resampling.wasserstein(data_weights, weights)
            for key in COMPARED:
                collected[run][key].append(flat[key])
    numbers = {
        key: compared(
            point_number(point_a, key),
            point_number(point_b, key),
            np.concatenate(collected["a"][key]),
            np.concatenate(collected["b"][key]),
            direction,
            measurable=measured(key, len(data)),
        )
        for key, direction in COMPARED.items()
    }
    return {"points": {"a": point_a, "b": point_b}, "resamples": resamples, "level": LEVEL, "numbers": numbers}


def compared(
    a: Any, b: Any, resampled_a: np.ndarray, resampled_b: np.ndarray, direction: Direction, measurable: bool = True
) -> dict[str, Any]:
    """One number of two runs: ``a``, ``b``, ``difference`` (A − B) and its paired ``interval``
    (:func:`paired_interval`) with ``excludes_zero``; ``better_is`` (the ``direction``), the interval of the deciding
    difference (``deciding_interval``, :func:`~mvae_core.goals.deciding`: A − B for ``higher`` and ``lower``,
    |A − 1| − |B − 1| for ``nearer 1``) and ``better`` (:func:`~mvae_core.goals.better`): ``"a"`` or ``"b"`` where
    that interval excludes 0, ``"neither"`` where it holds 0, ``None`` where no direction is defined or there is no
    interval. Undefined numbers are ``None``; so are the intervals, and ``better``, where
    the resamples cannot measure them (``measurable`` false: :func:`~mvae_core.evaluation.measured`)."""
    defined = finite_number(a) and finite_number(b)
    with np.errstate(invalid="ignore"):  # inf − inf in a resample: undefined there, as paired_interval counts it
        differences = resampled_a - resampled_b
        distances = deciding(resampled_a, direction) - deciding(resampled_b, direction)
    difference = a - b if defined else None
    resampled = defined and measurable
    interval = paired_interval(differences) if resampled else None
    result: dict[str, Any] = {
        "a": a if finite_number(a) else None,
        "b": b if finite_number(b) else None,
        "difference": difference,
        "interval": interval,
        "excludes_zero": None if interval is None else not interval[0] <= 0 <= interval[1],
        "better_is": direction,
    }
    deciding_interval = paired_interval(distances) if resampled and direction is not None else None
    return result | {"deciding_interval": deciding_interval, "better": better(deciding_interval, direction)}


def paired_interval(differences: np.ndarray) -> list[float] | None:
    """The :data:`~mvae_core.pitch_structure.LEVEL` percentile interval of the resampled ``differences``; ``None``
    where fewer than :data:`~mvae_core.pitch_structure.LEVEL` of the resamples define them (one run's number
    undefined in more resamples than an interval may leave out, as a gap closed that too many resamples do not score
    has no interval in ``mvae evaluate``)."""
    defined = ~np.isnan(differences)
    if not len(differences) or defined.mean() < LEVEL:
        return None
    interval = percentile_interval(differences)
    return None if interval is None or not all(map(math.isfinite, interval)) else interval
