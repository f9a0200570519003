"""Pitch-structure features on hand-made loops with known answers, the baseline, the gap and the overlap."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mvae_core.generation import Note
from mvae_core.pitch_structure import MIN_SEPARATION, LoopNotes, compare, features, marginal_baseline, overlap

LOW = 48  # row 0 is C3


def loops(*rows_per_loop: list[int], steps: list[list[int]] | None = None) -> LoopNotes:
    """Loops of notes at consecutive steps (or the given steps), one per row."""
    made = []
    for k, rows in enumerate(rows_per_loop):
        at = steps[k] if steps else list(range(len(rows)))
        made.append([Note(s, r, 1.0, 0.5, 0.0) for s, r in zip(at, rows, strict=True)])
    return LoopNotes.from_notes(made)


def test_a_scale_is_in_key_stepwise_and_has_the_entropy_of_its_pitch_classes():
    c_major = [0, 2, 4, 5, 7, 9, 11, 12]  # C D E F G A B C
    got = features(loops(c_major), LOW)
    assert got["in_key"][0] == 1.0
    assert got["mean_interval"][0] == pytest.approx(12 / 7)
    assert got["stepwise"][0] == 1.0
    assert got["pc_entropy"][0] == pytest.approx(-(6 * (1 / 8) * math.log2(1 / 8) + (2 / 8) * math.log2(2 / 8)))
    assert got["notes"][0] == 8


def test_chromatic_leaps_are_out_of_key_and_not_stepwise():
    got = features(loops([0, 6, 1, 7, 2, 8]), LOW)  # C F# C# G D G#
    assert got["in_key"][0] == pytest.approx(4 / 6)  # at most 4 of these 6 pitch classes share a major scale
    assert got["mean_interval"][0] == pytest.approx((6 + 5 + 6 + 5 + 6) / 5)
    assert got["stepwise"][0] == 0.0


def test_intervals_follow_the_top_line_and_need_two_steps():
    chord_then_note = loops([0, 4, 7, 9], steps=[[0, 0, 0, 4]])  # C-E-G together, then A: top line G → A
    got = features(chord_then_note, LOW)
    assert got["mean_interval"][0] == 2.0 and got["stepwise"][0] == 1.0
    single = features(loops([5]), LOW)
    assert math.isnan(single["mean_interval"][0]) and math.isnan(single["stepwise"][0])
    assert single["in_key"][0] == 1.0 and single["pc_entropy"][0] == 0.0


def test_the_baseline_keeps_the_rhythm_and_draws_rows_from_the_data():
    generated = loops([0, 2, 4, 5], [7, 9], steps=[[0, 4, 8, 12], [2, 10]])
    data = loops([3, 3, 3, 10], [10])
    base = marginal_baseline(generated, data, seed=1)
    assert base.step.tolist() == generated.step.tolist() and base.loop.tolist() == generated.loop.tolist()
    assert set(base.row.tolist()) <= {3, 10}


def test_gap_closed_is_zero_for_random_notes_and_one_for_the_data():
    rng = np.random.default_rng(0)
    scale = [0, 2, 4, 5, 7, 9, 11, 12, 14, 16]
    data = loops(*[[scale[min(9, max(0, k + rng.integers(-1, 2)))] for k in range(8)] for _ in range(300)])
    same = compare(data, data, LOW, seed=0)
    assert same["stepwise"]["gap_closed"] == pytest.approx(1.0) and same["in_key"]["overlap"] == pytest.approx(1.0)
    random_notes = marginal_baseline(data, data, seed=5)
    far = compare(data, random_notes, LOW, seed=0)
    for feature in ("mean_interval", "stepwise", "pc_entropy"):
        assert abs(far[feature]["gap_closed"]) < 0.1, (feature, far[feature])
    # every note of this data is in C major, so random notes drawn from it are too: baseline = data, no gap to close
    assert far["in_key"]["data"] == far["in_key"]["baseline"] == 1.0 and far["in_key"]["gap_closed"] is None
    assert far["notes"]["gap_closed"] is None


def test_overlap_of_histograms():
    a = np.array([0.0, 0.0, 1.0, 1.0])
    assert overlap(a, a) == 1.0
    assert overlap(np.array([0.0, 0.0]), np.array([1.0, 1.0])) == 0.0
    assert overlap(np.array([3.0, 4.0]), np.array([4.0, 5.0]), discrete=True) == 0.5
    assert overlap(np.array([np.nan]), a) is None


def test_gap_closed_is_undefined_where_random_notes_already_look_like_the_data():
    """Chromatic lines whose pitch classes are as spread as random draws: the entropy gap would divide by noise."""
    rng = np.random.default_rng(1)
    data = loops(*[list(rng.integers(0, 24, size=12)) for _ in range(400)])  # the data *is* random notes
    generated = loops(*[list(rng.integers(0, 5, size=12)) for _ in range(400)])  # clearly not like the data
    result = compare(data, generated, LOW, seed=0)
    entropy = result["pc_entropy"]
    assert entropy["separation"] < MIN_SEPARATION and entropy["gap_closed"] is None
    assert entropy["generated"] < entropy["data"] - 0.5 and entropy["overlap"] < 0.5  # the miss still shows here
    stepwise_data = loops(*[[[0, 2, 4, 5, 7, 9, 11, 12][k % 8] for k in range(12)] for _ in range(400)])
    assert compare(stepwise_data, generated, LOW, seed=0)["stepwise"]["separation"] > 1  # a real gap is defined
