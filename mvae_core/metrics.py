"""Validation metrics: pure functions of tensors, independent of any plugin.

* ``onset_f1``: F1 of ``sigmoid(onset logits) >= 0.5`` against true onsets, decoded from the posterior mean;
* ``timing_spread_ratio``: std of reconstructed timeshift at true note cells ÷ std of the true timeshift there
  (``nan`` when the data has no spread, e.g. quantized music);
* ``active_units``: latent dimensions whose posterior-mean variance over the set exceeds 0.01 (Burda et al.).
"""

from __future__ import annotations

import math

import torch

ACTIVE_UNIT_THRESHOLD = 0.01


def onset_f1(logits: torch.Tensor, onset: torch.Tensor, threshold: float = 0.5) -> float:
    predicted = torch.sigmoid(logits) >= threshold
    truth = onset > 0.5
    tp = (predicted & truth).sum().item()
    denominator = predicted.sum().item() + truth.sum().item()
    return 2 * tp / denominator if denominator else 1.0


def timing_spread_ratio(predicted: torch.Tensor, target: torch.Tensor, onset: torch.Tensor) -> float:
    at_notes = onset > 0.5
    if at_notes.sum() < 2:
        return math.nan
    true_std = target[at_notes].std().item()
    return predicted[at_notes].std().item() / true_std if true_std > 1e-6 else math.nan


def active_units(mu: torch.Tensor) -> int:
    if mu.shape[0] < 2:
        return 0
    return int((mu.var(dim=0) > ACTIVE_UNIT_THRESHOLD).sum().item())
