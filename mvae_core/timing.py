"""The distribution of micro-timing offsets: an exact on-grid atom plus ``n_bins`` uniform bins over [-1, 1).

Why a distribution: per-note offsets of human players (WJD solos: std ≈ 0.57 half-steps, close to uniform) are
mostly *not* predictable from a 2-D latent, so a squared-error head learns their conditional mean, a near-constant
offset — the ancestor's "constant grid offsets". A categorical head learns the conditional *distribution* by negative
log-likelihood and generation **samples** it, so generated timing has the data's spread.

Classes: class 0 is the atom "exactly on the grid" (``|offset| ≤ ON_GRID``, what quantized files contain); class
``1 + k`` is the bin ``[-1 + k·w, -1 + (k+1)·w)`` with ``w = 2 / n_bins``. Sampling picks a class, then a uniform
position inside the bin (dequantisation), so sampled offsets are continuous while quantized music — all its mass
on the atom — stays exactly quantized. The point estimate (the "deterministic mode", ``temperature = 0``) is the
distribution's mean.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import torch
import torch.nn.functional as F

ON_GRID = 1e-6
"""Offsets this close to 0 (half-steps) are the on-grid atom."""


class TimingBins:
    """Maps offsets to classes and turns class logits ``[..., n_bins + 1]`` into NLL, means and samples."""

    n_bins: int
    width: float
    centers: torch.Tensor

    def __init__(self, n_bins: int) -> None:
        self.n_bins = n_bins
        self.width = 2.0 / n_bins
        # class 0: the atom at 0; class 1 + k: centre of bin k
        self.centers = torch.cat([torch.zeros(1), -1.0 + self.width * (torch.arange(n_bins) + 0.5)])
        self._centers = self.centers.double().numpy()

    @property
    def n_classes(self) -> int:
        """The on-grid atom plus the ``n_bins`` bins."""
        return self.n_bins + 1

    def classes(self, offsets: torch.Tensor) -> torch.Tensor:
        """The class of each offset (int64, same shape); offsets are clamped into [-1, 1)."""
        bins = ((offsets.clamp(-1.0, 1.0) + 1.0) / self.width).floor().long().clamp(0, self.n_bins - 1)
        return torch.where(offsets.abs() <= ON_GRID, torch.zeros_like(bins), bins + 1)

    def class_counts(self, chunks: Iterable[tuple[np.ndarray, np.ndarray]]) -> torch.Tensor:
        """``Σ weights`` per class of the offsets (float64 ``[n_classes]``) over ``(offsets, weights)`` chunks
        (:meth:`mvae_core.data.split.LoopSet.weighted_notes`), so that memory does not grow with the notes."""
        counts = torch.zeros(self.n_classes, dtype=torch.float64)
        for offsets, weights in chunks:
            classes = self.classes(torch.tensor(offsets))
            counts += torch.bincount(classes, torch.tensor(weights), self.n_classes)
        return counts

    def nll(self, logits: torch.Tensor, offsets: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        """``Σ weight · -log p(class(offset))`` for ``logits [..., C]`` and ``offsets``, ``weight [..., K]``: the K
        offsets of the last dimension are all scored under the one distribution of their position (e.g. a step's
        distribution, shared by its pitch rows: K = rows; K = 1 for one offset per distribution).

        Gathering K classes from each distribution, instead of expanding the log-probabilities to one copy per
        offset, keeps the backward pass the size of ``logits``.
        """
        picked = F.log_softmax(logits, dim=-1).gather(-1, self.classes(offsets))
        return -(weight * picked).sum()

    def mean(self, logits: torch.Tensor) -> torch.Tensor:
        """The expected offset under ``softmax(logits)`` (shape ``logits.shape[:-1]``)."""
        return torch.softmax(logits, dim=-1) @ self.centers.to(logits)

    def sample(self, logits: np.ndarray, temperature: float, rng: np.random.Generator) -> np.ndarray:
        """One offset per distribution (shape ``logits.shape[:-1]``, float32): a class from ``softmax(logits /
        temperature)`` by inverse CDF, then a uniform position in its bin; the atom stays exactly 0.

        ``temperature = 0`` returns the distribution's mean (no draw); below 1 sharpens, above 1 flattens.
        Numpy, because generation chooses notes in numpy and draws offsets only at the steps it keeps.
        """
        logits = np.asarray(logits, dtype=np.float64)
        if temperature <= 0:
            weights = _unnormalised(logits)
            return (weights @ self._centers / weights.sum(axis=-1)).astype(np.float32)
        cumulative = np.cumsum(_unnormalised(logits, temperature).reshape(-1, self.n_classes), axis=1)
        uniforms = rng.random((len(cumulative), 2))
        picked = np.minimum((cumulative < uniforms[:, :1] * cumulative[:, -1:]).sum(axis=1), self.n_classes - 1)
        offsets = self._centers[picked] + (uniforms[:, 1] - 0.5) * self.width
        return np.where(picked == 0, 0.0, offsets).astype(np.float32).reshape(logits.shape[:-1])


def _unnormalised(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """``exp((logits − max) / temperature)`` along the last axis: the softmax of ``logits / temperature`` before
    dividing by its sum, the likeliest class at 1. Subtracting the maximum first keeps every value finite at any
    temperature > 0 (``logits / 1e-310`` overflows to infinity, and ``inf − inf`` is NaN)."""
    with np.errstate(over="ignore"):  # a tiny temperature sends the unlikely classes to -inf: weight 0
        return np.exp((logits - logits.max(axis=-1, keepdims=True)) / temperature)
