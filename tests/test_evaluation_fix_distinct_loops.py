"""A resample scores a pitch gap only on at least MIN_LOOPS *distinct* data loops with the feature, as the point
does: one loop drawn twice has no spread, however often it is counted."""

from __future__ import annotations

import numpy as np

from mvae_core.pitch_structure import LoopNotes, PitchResampling, weighted_means


def test_weighted_means_count_distinct_loops() -> None:
    count = weighted_means(np.array([1.0, 2.0, np.nan]), np.array([[2.0, 0.0, 1.0], [1.0, 1.0, 1.0]]))[2]
    assert count.tolist() == [1, 2]


def _notes(loops: list[list[int]]) -> LoopNotes:
    """Loops of one note a step, ``rows`` in step order."""
    owner = np.repeat(np.arange(len(loops)), [len(rows) for rows in loops])
    steps = np.concatenate([np.arange(len(rows)) * 2 for rows in loops])
    return LoopNotes(len(loops), owner.astype(np.int64), steps.astype(np.int64), np.concatenate(loops).astype(np.int64))


def test_a_data_loop_drawn_twice_scores_no_gap() -> None:
    data = _notes([[0, 2, 4, 5, 7, 9, 11, 12], [12, 11, 9, 7, 5, 4, 2, 0]])  # stepwise lines
    generated = _notes([[0, 2, 4, 5, 7, 9, 11, 12]] * 3 + [[0, 7, 2, 9, 4, 11, 5, 12]] * 3)
    gaps = PitchResampling(data, generated, pitch_low=60).numbers(np.array([[1.0, 1.0], [2.0, 0.0]]), np.ones((2, 6)))[
        "mean_interval"
    ]["gap_closed"]
    assert np.isfinite(gaps[0])  # both loops: a spread on each side, the gap scored
    assert np.isnan(gaps[1])  # one loop twice: no spread on the data's side
