"""``mvae data inspect``, ``mvae evaluate`` and the ablation count a note "within ±0.05" by one rule (float32, the
note table's precision: an offset stored as 0.05 is within) and give one timing std (``metrics.timing_std``)."""

from __future__ import annotations

import numpy as np

from mvae_core.ablation.facts import timing_stats
from mvae_core.data.table import NoteTable
from mvae_core.evaluation import _within
from mvae_core.metrics import timing_std
from mvae_core.report import _timing_stats

OFFSETS = np.array([0.05, -0.05, 0.0500001, 0.3, -0.7, 0.0], dtype=np.float32)  # 0.0500001 is not float32(0.05)


def _table(offsets: np.ndarray) -> NoteTable:
    n = len(offsets)
    return NoteTable(
        row=np.zeros(n, np.uint8), step=np.arange(n, dtype=np.uint8), velocity=np.full(n, 80, np.uint8),
        duration=np.full(n, 0.5, np.float32), timeshift=offsets, offsets=np.array([0, 3, n], np.int64),
        source=np.zeros(2, np.int32), seconds_per_step=np.full(2, 0.125, np.float32), sources=["a.mid"],
    )  # fmt: skip


def test_evaluate_inspect_and_ablation_count_within_alike() -> None:
    inspected = _timing_stats(_table(OFFSETS))
    generated = timing_stats([float(t) for t in OFFSETS], loops=2)  # generated notes' offsets are Python floats
    assert _within(OFFSETS) == inspected["within_0.05"] == generated["gen_within_0_05"] == 3 / 6


def test_inspect_gives_the_timing_std_of_evaluate() -> None:
    assert _timing_stats(_table(OFFSETS))["timeshift_std"] == timing_std(OFFSETS)  # n − 1, not n
