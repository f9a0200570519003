"""Validation metrics on hand-made tensors with known answers."""

from __future__ import annotations

import math

import pytest
import torch

from mvae_core.metrics import OnsetCounts, active_units, timing_spread_ratio


def test_onset_f1_counts_across_batches():
    counts = OnsetCounts()
    onset = torch.tensor([[1.0, 1.0, 0.0, 0.0]])
    counts.add(torch.tensor([[5.0, -5.0, 5.0, -5.0]]), onset)  # TP 1, FN 1, FP 1
    counts.add(torch.tensor([[5.0, 5.0, -5.0, -5.0]]), onset)  # TP 2
    assert (counts.true_positives, counts.predicted, counts.actual) == (3, 4, 4)
    assert counts.f1() == pytest.approx(0.75)
    assert OnsetCounts().f1() == 1.0
    silent = OnsetCounts()
    silent.add(torch.full((1, 4), -5.0), onset)
    assert silent.f1() == 0.0


def test_onset_threshold_is_half_on_probabilities():
    counts = OnsetCounts()
    counts.add(torch.tensor([0.01, -0.01]), torch.tensor([1.0, 1.0]))
    assert counts.predicted == 1


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
