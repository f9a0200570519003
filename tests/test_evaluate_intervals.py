"""``mvae evaluate``'s bootstrap intervals (docs/evaluation.md#intervals): the data's and the generated loops drawn
again with replacement, the baseline redrawn from the resampled data's rows; percentile intervals that hold the point
number, narrow with more loops, come out the same for the same seed, and say what the resamples make of a gap closed
that is ``null`` or near the threshold. Synthetic loops: no model, well under a second each."""

from __future__ import annotations

import numpy as np
import pytest

from mvae_core import metrics
from mvae_core.evaluation import _per_loop, _weighted_std
from mvae_core.pitch_structure import (
    FEATURES,
    LEVEL,
    MIN_SEPARATION,
    LoopNotes,
    PitchResampling,
    compare,
    pitch_intervals,
    resample_weights,
)

LOW = 60
SCALE = np.array([0, 2, 4, 5, 7, 9, 11, 12, 14, 16])  # C major rows: a melodic line
RANDOM_ROWS = np.arange(24)


def melodies(n_loops: int, seed: int, rows: np.ndarray = SCALE, walk: bool = True) -> LoopNotes:
    """``n_loops`` loops of 6 to 12 notes on distinct steps: a stepwise walk on ``rows`` (``walk``) or rows drawn
    at random from them."""
    rng = np.random.default_rng(seed)
    owner, steps, picked = [], [], []
    for loop in range(n_loops):
        count = int(rng.integers(6, 13))
        at = np.sort(rng.choice(32, count, replace=False))
        if walk:
            index = np.clip(np.cumsum(rng.integers(-1, 2, count)) + len(rows) // 2, 0, len(rows) - 1)
        else:
            index = rng.integers(0, len(rows), count)
        owner += [loop] * count
        steps += at.tolist()
        picked += rows[index].tolist()
    return LoopNotes(n_loops, np.array(owner), np.array(steps), np.array(picked))


def resampled(data: LoopNotes, generated: LoopNotes, resamples: int = 400, seed: int = 0) -> dict:
    """:func:`pitch_intervals` over ``resamples`` resamples, as :func:`mvae_core.evaluation.intervals` runs them."""
    resampling = PitchResampling(data, generated, LOW, seed)
    parts = [resampling.numbers(d, g) for d, g in resample_weights((data.n_loops, generated.n_loops), resamples, seed)]
    joined = {f: {p: np.concatenate([c[f][p] for c in parts]) for p in parts[0][f]} for f in FEATURES}
    return pitch_intervals(joined, compare(data, generated, LOW, seed))


def test_each_interval_holds_its_point_number():
    data, generated = melodies(150, seed=1), melodies(300, seed=2)
    point = compare(data, generated, LOW)
    spread = resampled(data, generated)
    for feature in FEATURES:
        for part in ("data", "generated", "baseline", "gap_closed"):
            if point[feature][part] is None:
                continue
            low, high = spread[feature][part]
            assert low <= point[feature][part] <= high, (feature, part, spread[feature][part], point[feature][part])
    assert spread["mean_interval"]["gap_scored"] == 1.0  # a walk on a scale is far from random notes
    assert spread["notes"]["gap_closed"] is None and spread["notes"]["gap_scored"] is None


def test_resampling_with_each_loop_once_gives_the_point_numbers():
    data, generated = melodies(40, seed=3), melodies(60, seed=4)
    point = compare(data, generated, LOW, seed=7)
    once = PitchResampling(data, generated, LOW, seed=7).numbers(np.ones((1, 40)), np.ones((1, 60)))
    for feature in FEATURES:
        for part in ("data", "generated", "baseline", "gap_closed"):
            expected = np.nan if point[feature][part] is None else point[feature][part]
            np.testing.assert_allclose(once[feature][part], [expected], rtol=1e-12, equal_nan=True)


def test_intervals_narrow_with_more_generated_loops():
    data = melodies(200, seed=5)
    few, many = (resampled(data, melodies(n, seed=6), resamples=200) for n in (50, 800))
    width = {name: (got["mean_interval"]["generated"][1] - got["mean_interval"]["generated"][0]) for name, got in
             (("few", few), ("many", many))}  # fmt: skip
    assert width["many"] < width["few"] / 2.5, width  # about 1/4: the square root of 16 times the loops


def test_the_same_seed_gives_the_same_intervals_and_another_seed_others():
    data, generated = melodies(50, seed=8), melodies(80, seed=9)
    assert resampled(data, generated, seed=3) == resampled(data, generated, seed=3)
    assert resampled(data, generated, seed=3) != resampled(data, generated, seed=4)


def test_no_gap_has_no_interval_and_says_how_often_the_resamples_would_score_it():
    data = melodies(300, seed=20, rows=RANDOM_ROWS, walk=False)  # random notes: the baseline is the data
    generated = melodies(200, seed=11)
    point = compare(data, generated, LOW)
    spread = resampled(data, generated)
    assert point["in_key"]["gap_closed"] is None and point["in_key"]["separation"] < MIN_SEPARATION
    assert spread["in_key"]["gap_closed"] is None
    assert 0.0 <= spread["in_key"]["gap_scored"] < 0.5


def test_a_gap_that_too_many_resamples_leave_unscored_has_no_interval():
    point = {name: {"gap_closed": 0.9} for name in ("in_key", "stepwise")}
    scored = np.linspace(0.5, 1.5, 100)
    some_unscored = scored.copy()
    some_unscored[: int(100 * (1 - LEVEL)) + 1] = np.nan  # one resample more than an interval may leave out
    parts = {"data": scored, "generated": scored, "baseline": scored}
    got = pitch_intervals({"in_key": parts | {"gap_closed": scored}, "stepwise": parts | {"gap_closed": some_unscored}},
                          point)  # fmt: skip
    assert got["in_key"]["gap_closed"] is not None and got["in_key"]["gap_scored"] == 1.0
    assert got["stepwise"]["gap_closed"] is None
    assert got["stepwise"]["gap_scored"] == pytest.approx(LEVEL - 0.01)


def test_the_resampled_timing_spread_with_each_loop_once_is_the_point_number():
    rng = np.random.default_rng(12)
    owner, offsets = rng.integers(0, 30, 400), rng.normal(0, 0.3, 400)
    np.testing.assert_allclose(_weighted_std(_per_loop(offsets, owner, 30), np.ones((1, 30))),
                               [metrics.timing_std(offsets)], rtol=1e-9)  # fmt: skip
