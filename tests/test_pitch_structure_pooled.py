"""``compare_to_baseline``: the gap formula of ``compare`` against baseline loops given by the caller, so that loops
pooled over several held-out groups (bench/pitch_folds.py: each group's generated loops with random notes in that
group's own key) are scored by the same formula as one group's ``compare``."""

from __future__ import annotations

import numpy as np
import pytest

from mvae_core.pitch_structure import LoopNotes, compare, compare_to_baseline, marginal_baseline


def loops(*rows: list[int]) -> LoopNotes:
    """Loops whose notes are ``rows`` in order, one note per step."""
    owner = np.repeat(np.arange(len(rows)), [len(r) for r in rows])
    step = np.concatenate([np.arange(len(r)) for r in rows])
    return LoopNotes(len(rows), owner.astype(np.int64), step.astype(np.int64), np.concatenate(rows).astype(np.int64))


DATA = loops([0, 2, 4, 5], [7, 5, 4, 2], [0, 2, 0, 2])  # stepwise lines in C major (pitch_low 48 = C)
GENERATED = loops([0, 4, 7, 4], [0, 2, 4, 7], [5, 7, 9, 7])
BASELINE = loops([0, 7, 1, 11], [6, 0, 9, 1], [10, 3, 8, 1])


def test_the_gap_is_measured_against_the_given_baseline() -> None:
    result = compare_to_baseline(DATA, GENERATED, BASELINE, pitch_low=48)
    interval = {"data": (2 + 2 + 1 + 2 + 1 + 2 + 2 + 2 + 2) / 9, "generated": (4 + 3 + 3 + 2 + 2 + 3 + 2 + 2 + 2) / 9,
                "baseline": (7 + 6 + 10 + 6 + 9 + 8 + 7 + 5 + 7) / 9}  # fmt: skip
    for name, mean in interval.items():
        assert result["mean_interval"][name] == pytest.approx(mean)
    expected = (interval["baseline"] - interval["generated"]) / (interval["baseline"] - interval["data"])
    assert result["mean_interval"]["gap_closed"] == pytest.approx(expected)
    assert result["notes"]["gap_closed"] is None


def test_compare_is_compare_to_baseline_with_random_notes_in_the_datas_key() -> None:
    drawn = marginal_baseline(GENERATED, DATA, seed=3)
    assert compare(DATA, GENERATED, 48, seed=3) == compare_to_baseline(DATA, GENERATED, drawn, 48)
