"""Validation metrics on hand-made tensors with known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from mvae_core.generation import Note
from mvae_core.metrics import NoteMatches, active_units, timing_spread_ratio


def test_note_matches_count_cells_and_steps_across_loops():
    matches = NoteMatches()
    truth = np.zeros((24, 32))
    truth[[3, 5], [0, 8]] = 1.0  # notes at (row 3, step 0) and (row 5, step 8)
    matches.add([Note(0, 3, 1.0, 0.5, 0.0), Note(8, 4, 1.0, 0.5, 0.0)], truth)  # one cell right, both steps right
    matches.add([Note(0, 3, 1.0, 0.5, 0.0), Note(8, 5, 1.0, 0.5, 0.0), Note(16, 1, 1.0, 0.5, 0.0)], truth)
    assert matches.cells.tolist() == [3, 5, 4] and matches.steps.tolist() == [4, 5, 4]
    assert matches.onset_f1() == pytest.approx(6 / 9) and matches.rhythm_f1() == pytest.approx(8 / 9)
    assert NoteMatches().onset_f1() == 1.0  # nothing to find and nothing written
    silent = NoteMatches()
    silent.add([], truth)
    assert silent.onset_f1() == 0.0 and silent.rhythm_f1() == 0.0


def test_timing_spread_ratio():
    true = torch.tensor([-0.5, 0.5, -0.5, 0.5])
    assert timing_spread_ratio(true * 0.2, true) == pytest.approx(0.2)
    assert timing_spread_ratio(torch.zeros(4), true) == 0.0  # a constant grid offset: collapse
    assert math.isnan(timing_spread_ratio(torch.zeros(4), torch.zeros(4)))  # quantized data: undefined
    assert math.isnan(timing_spread_ratio(torch.zeros(1), torch.ones(1)))


def test_active_units_uses_the_variance_of_posterior_means():
    mu = torch.stack([torch.linspace(-1, 1, 50), torch.full((50,), 0.3), 0.05 * torch.linspace(-1, 1, 50)], dim=1)
    assert active_units(mu) == 1  # var 0.35 counts; a constant and var 0.0009 do not
    assert active_units(mu[:1]) == 0
