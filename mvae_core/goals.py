"""Which way a number is better, and the difference of two runs' numbers that decides which of them is: one rule for
``mvae evaluate RUN DATA --against OTHER`` (:mod:`mvae_core.evaluation_paired`) and for ``mvae ablate``'s paired
tables (:mod:`mvae_core.ablation.estimates`), so that the two tools never call a different run the better on the
same kind of number.

A number whose goal is ``higher`` or ``lower`` is decided by the difference A − B itself. One best at a target
(:data:`TARGETS`: ``nearer 1``, ``nearer the data's``) is decided by the difference of the distances from it,
|A − target| − |B − target|: a gap closed past 1 is as far from the data as one short of it by as much, so A − B
alone says that the runs differ, not which is nearer. A number without a goal (``None``) has no better run.

``mvae evaluate``'s own table shows the goal of each of its numbers (:data:`SHOWN_GOALS`) and the unit of those whose
names do not carry it (:data:`UNITS`).
"""

from __future__ import annotations

from typing import Any, Literal

from mvae_core.pitch_structure import FEATURES
from mvae_core.report import TIMING_UNIT

Goal = Literal["higher", "lower", "nearer 1", "nearer the data's"] | None
"""What is better for a number: ``higher``, ``lower``, ``nearer 1`` (a ratio to the data's, a gap closed all the way
and not overshot), ``nearer the data's`` (a number the data has its own value of, such as the spread of its timing:
the ablation's generated columns), or ``None`` where neither way is (a count the data's own count judges elsewhere,
a cost)."""

TARGETS: dict[Goal, str] = {"nearer 1": "1", "nearer the data's": "the data's"}
"""The goals best at a target, each with the target as the summaries name it (``nearer 1 by 0.05``)."""

GOALS: dict[str, Goal] = {
    "reconstruction.onset_f1": "higher",
    "reconstruction.onset_f1_vs_origin": "higher",
    "reconstruction.velocity_mae": "lower",
    "reconstruction.timing_mae_half_steps": "lower",
    "timing.spread_ratio": "nearer 1",
    "timing.wasserstein1": "lower",
    "generated.notes_per_loop": None,
    "generated.density_ratio": "nearer 1",
    **{f"pitch.{feature}.gap_closed": "nearer 1" for feature in FEATURES if feature != "notes"},
}
"""The numbers ``mvae evaluate --against`` sets side by side (dotted keys of :func:`~mvae_core.evaluation.evaluate`'s
result) and which way each is better: ``higher`` (more of the loops reconstructed; more of them carried by the
latent point than by the decoder alone), ``lower`` (a mean absolute error of the velocity or timing head at the true
notes; a distance from the data's offsets), ``nearer 1`` (as the data: a ratio to the data's, a gap closed all the
way and not overshot), or ``None`` where neither is (notes per loop: the data's count is the target, which
``density_ratio`` judges). Left out of the reconstruction errors: ``feel_oracle_mae_half_steps``, the data's alone
(the same for both runs); ``timing_mae_vs_feel_oracle``, the timing error's ratio to it, whose shared denominator
gives every resample's difference the sign of the errors' difference (the same resamples on each side of 0); and
``timing_mae_ms``, the same errors weighted by each loop's tempo. The ablation's columns that measure one of these
numbers take its goal from here (:data:`mvae_core.ablation.columns.GOALS`)."""


SHOWN_GOALS: dict[str, Goal] = {
    **GOALS,
    "reconstruction.rhythm_f1": "higher",
    "reconstruction.timing_mae_ms": "lower",
    "reconstruction.timing_mae_vs_feel_oracle": "lower",
    "timing.recon_std": "nearer the data's",
    "timing.generated_std": "nearer the data's",
    "timing.generated_within_0.05": "nearer the data's",
    "generated.pitch_class_distance": "lower",
}
"""The goal of each number of ``mvae evaluate``'s own table (its ``goal`` column), keyed as :data:`GOALS`: those of
:data:`GOALS`, and of the numbers a comparison leaves out, ``higher`` for ``rhythm_f1``, ``lower`` for the timing
error in ms and its ratio to the feel oracle's and for ``pitch_class_distance`` (a distance from the data's
histogram), ``nearer the data's`` for the spreads and the on-grid share of the reconstructed and generated offsets
(DATA's own is the row ``data_std`` or ``data_within_0.05``). Every other number has none (``None``): DATA's own
numbers, the origin's (what the decoder writes without the latent), the feel oracle's, and how a model uses its
latent space, which neither more nor less improves (docs/evaluation.md#comparing-two-runs-on-the-same-data)."""

UNITS: dict[str, str] = {
    "reconstruction.velocity_mae": "MIDI velocity (0-127)",
    **{f"timing.{name}": TIMING_UNIT for name in ("data_std", "recon_std", "generated_std", "wasserstein1")},
    "latent.mean_kl": "nats",
    "latent.kl_per_dimension": "nats",
    "pitch.mean_interval": "semitones",
    "pitch.pc_entropy": "bits",
}
"""The unit of each number of ``mvae evaluate`` whose name does not carry it (``timing_mae_half_steps`` and
``timing_mae_ms`` do), keyed as :data:`GOALS` (a pitch feature by ``pitch.<feature>``). The others are shares, F1
scores, distances and ratios from 0 upwards without a unit, or counts (``latent_dim``, ``active_units``, notes per
loop)."""


def deciding(value: Any, goal: Goal, target: float | None = None) -> Any:
    """What of ``value`` (a number, or a numpy array of them) decides which of two runs is better, as a difference of
    the two runs' ``deciding`` values: its distance from the goal's target for a goal of :data:`TARGETS` (1 for
    ``nearer 1``; ``target``, the data's own value, for ``nearer the data's``, ``None`` where it is not known),
    ``value`` itself for any other goal."""
    if goal not in TARGETS:
        return value
    aim = 1.0 if goal == "nearer 1" else target
    return None if aim is None else abs(value - aim)


def better(interval: list[float] | tuple[float, float] | None, goal: Goal) -> Literal["a", "b", "neither"] | None:
    """Which of two runs A and B the ``interval`` of their deciding difference, :func:`deciding` of A − that of B,
    speaks for: where it lies above 0, A for ``higher`` and B for the other goals (lower, or farther from the
    target); below 0 the other; ``"neither"`` where it holds 0; ``None`` without a ``goal`` or an ``interval``."""
    if goal is None or interval is None:
        return None
    above, below = ("a", "b") if goal == "higher" else ("b", "a")
    return above if interval[0] > 0 else below if interval[1] < 0 else "neither"
