"""Validation metrics: pure functions of tensors, independent of any plugin.

* ``onset_f1``: F1 of ``sigmoid(onset logits) >= 0.5`` against true onsets, decoded from the posterior mean
  (accumulated over batches as :class:`OnsetCounts`);
* ``timing_spread_ratio``: std of reconstructed timeshift at true note cells ÷ std of the true timeshift there
  (``nan`` when the data has no spread, e.g. quantized music);
* ``active_units``: latent dimensions whose posterior-mean variance over the set exceeds 0.01 (Burda et al.).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

ACTIVE_UNIT_THRESHOLD = 0.01
QUANTIZED_STD = 1e-6


@dataclass
class OnsetCounts:
    """True positives, predicted and true onsets, summed over batches."""

    true_positives: int = 0
    predicted: int = 0
    actual: int = 0

    def add(self, logits: torch.Tensor, onset: torch.Tensor, threshold: float = 0.5) -> None:
        predicted, actual = torch.sigmoid(logits) >= threshold, onset > 0.5
        self.true_positives += int((predicted & actual).sum())
        self.predicted += int(predicted.sum())
        self.actual += int(actual.sum())

    def f1(self) -> float:
        """2·TP / (predicted + actual); 1.0 when there is nothing to predict and nothing was predicted."""
        denominator = self.predicted + self.actual
        return 2 * self.true_positives / denominator if denominator else 1.0


def timing_std(at_notes: torch.Tensor) -> float:
    """Standard deviation of timeshift values at note cells (nan for fewer than 2 notes)."""
    return at_notes.double().std().item() if at_notes.numel() >= 2 else math.nan


def timing_spread_ratio(predicted_at_notes: torch.Tensor, true_at_notes: torch.Tensor) -> float:
    """``std(predicted) / std(true)`` over the same note cells; nan for < 2 notes or no true spread."""
    if true_at_notes.numel() < 2:
        return math.nan
    true_std = true_at_notes.double().std().item()
    return predicted_at_notes.double().std().item() / true_std if true_std > QUANTIZED_STD else math.nan


def active_units(mu: torch.Tensor) -> int:
    """Dimensions whose posterior mean varies across the set (``Var > 0.01``)."""
    if mu.shape[0] < 2:
        return 0
    return int((mu.var(dim=0) > ACTIVE_UNIT_THRESHOLD).sum().item())
