"""A single held-out loop has no spread: ``separation`` and ``gap_closed`` are undefined for it, not a Cohen's d whose
pooled deviation is the baseline's alone and a gap measured from one loop's value (it printed gaps such as -3.9)."""

from __future__ import annotations

import numpy as np

from mvae_core.generation import Note
from mvae_core.pitch_structure import LoopNotes, compare, no_gap

LOW = 48


def scale_loops(count: int, rng: np.random.Generator) -> LoopNotes:
    """``count`` loops of 8 notes, a wandering C-major line, on steps 0, 4, … 28."""
    scale = [0, 2, 4, 5, 7, 9, 11, 12, 14, 16]
    made = []
    for _ in range(count):
        at = rng.integers(0, len(scale))
        rows = []
        for _ in range(8):
            at = int(np.clip(at + rng.integers(-1, 2), 0, len(scale) - 1))
            rows.append(scale[at])
        made.append([Note(4 * k, row, 1.0, 0.5, 0.0) for k, row in enumerate(rows)])
    return LoopNotes.from_notes(made)


def test_one_data_loop_has_no_separation_and_no_gap_closed():
    rng = np.random.default_rng(0)
    generated = LoopNotes.from_notes(
        [[Note(4 * k, int(r), 1.0, 0.5, 0.0) for k, r in enumerate(rng.integers(0, 17, 8))] for _ in range(200)]
    )
    result = compare(scale_loops(1, rng), generated, LOW, seed=0)
    for feature in ("in_key", "mean_interval", "stepwise", "pc_entropy"):
        values = result[feature]
        assert values["data"] is not None and values["generated"] is not None, feature  # the means are still shown
        assert values["separation"] is None and values["gap_closed"] is None, (feature, values)
        assert not no_gap(values), feature  # not "no gap": there is no spread to tell


def test_two_data_loops_are_scored():
    rng = np.random.default_rng(0)
    generated = LoopNotes.from_notes(
        [[Note(4 * k, int(r), 1.0, 0.5, 0.0) for k, r in enumerate(rng.integers(0, 17, 8))] for _ in range(200)]
    )
    result = compare(scale_loops(2, rng), generated, LOW, seed=0)
    assert result["stepwise"]["separation"] > 0.2 and result["stepwise"]["gap_closed"] is not None
