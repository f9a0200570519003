"""Statistics over seeds, without scipy: mean, sample standard deviation, Student-t 95 % intervals, paired
differences.

The two-sided 95 % quantile ``t(0.975, df)`` comes from :data:`T_975`, a table of the usual printed values
(df 1–30, 40, 60, 120, ∞). A df between two entries uses the entry below it (a slightly wider, conservative
interval); beyond 120 it is 1.96. Missing values (``None``, NaN, ±inf) are left out before anything is computed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

T_975: dict[int, float] = {
    1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228,
    11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110, 18: 2.101, 19: 2.093, 20: 2.086,
    21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.060, 26: 2.056, 27: 2.052, 28: 2.048, 29: 2.045, 30: 2.042,
    40: 2.021, 60: 2.000, 120: 1.980,
}  # fmt: skip
Z_975 = 1.960


def t_975(df: int) -> float:
    """``t(0.975, df)`` for ``df`` ≥ 1 (see the module docstring for how the table is read)."""
    if df < 1:
        raise ValueError(f"degrees of freedom must be >= 1, got {df}")
    if df > max(T_975):
        return Z_975
    return T_975[max(k for k in T_975 if k <= df)]


@dataclass(frozen=True)
class Estimate:
    """``n`` values: their mean, sample std (``n − 1``) and 95 % t-interval; std and interval need ``n`` ≥ 2."""

    n: int
    mean: float | None = None
    std: float | None = None
    low: float | None = None
    high: float | None = None


def finite_values(values: Iterable[float | None]) -> list[float]:
    return [float(v) for v in values if v is not None and math.isfinite(v)]


def estimate(values: Iterable[float | None]) -> Estimate:
    """Mean, std = sqrt(Σ(x − mean)² / (n − 1)), interval = mean ± t(0.975, n − 1) · std / sqrt(n)."""
    xs = finite_values(values)
    n = len(xs)
    if n == 0:
        return Estimate(0)
    mean = sum(xs) / n
    if n == 1:
        return Estimate(1, mean)
    std = math.sqrt(sum((x - mean) ** 2 for x in xs) / (n - 1))
    half = t_975(n - 1) * std / math.sqrt(n)
    return Estimate(n, mean, std, mean - half, mean + half)


FEWEST_ALIKE = 3
"""The fewest values that, all alike (std 0), still count as a 95 % interval to judge (:func:`no_spread`). Values
alike give a t-interval of no width at any ``n``: two runs' integer counts (``active_units``, epochs) are often
alike in both of two pairs, and ``-2 ± 0 [-2, -2]`` then claims a certainty that two pairs, with no spread measured,
cannot give (chance makes two differences of a count alike easily)."""


def no_spread(e: Estimate) -> bool:
    """Whether ``e`` is of values all alike, fewer than :data:`FEWEST_ALIKE` of them (``-2`` in both of 2 pairs): an
    interval of no width with no spread to judge it by, shown as such (``-2 in both pairs (no spread to judge)``)
    and not told apart from noise (never bold, not counted: :mod:`~mvae_core.ablation.findings`)."""
    return 2 <= e.n < FEWEST_ALIKE and e.std == 0


def paired_difference(values: Mapping[int, float | None], reference: Mapping[int, float | None]) -> Estimate:
    """:func:`estimate` of ``values[s] − reference[s]`` over the seeds ``s`` where both are finite numbers."""
    seeds = [s for s in set(values) & set(reference) if len(finite_values([values[s], reference[s]])) == 2]
    return estimate(values[s] - reference[s] for s in sorted(seeds))
