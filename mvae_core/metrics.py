"""Validation metrics: pure functions of tensors, independent of any plugin.

* ``onset_f1`` and ``rhythm_f1``: F1 of the notes a model writes from the posterior mean (deterministic decoding)
  against the true notes, by cell (pitch row and step) and by step (accumulated over loops as :class:`NoteMatches`);
* ``timing_spread_ratio``: std of reconstructed timeshift at true note cells ÷ std of the true timeshift there
  (``nan`` when the data has no spread, e.g. quantized music);
* ``active_units``: latent dimensions whose posterior-mean variance over the set exceeds 0.01 (Burda et al.).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import torch

ACTIVE_UNIT_THRESHOLD = 0.01
NO_SPREAD = 1e-6
"""A timeshift std (half-steps) under which notes have no spread at all: a spread ratio over it is undefined (NaN). A
guard of the division only, for the number ``metrics.jsonl`` stores; what a reader is shown as ``quantized`` follows
:func:`~mvae_core.report.quantized` (through :func:`~mvae_core.report.has_timing_spread`: the share on the grid where
it is known, else the std)."""


def f1(true_positives: int, predicted: int, actual: int) -> float:
    """2·TP / (predicted + actual); 1.0 when there is nothing to predict and nothing was predicted."""
    return 2 * true_positives / (predicted + actual) if predicted + actual else 1.0


class NoteMatches:
    """Written notes against true ones, summed over loops: by cell (same pitch row and step: ``onset_f1``) and by
    step only (``rhythm_f1``)."""

    cells: npt.NDArray[np.int64]
    """(true positives, written, true) summed over the cells of every loop added."""
    steps: npt.NDArray[np.int64]
    """(true positives, written, true) summed over the steps of every loop added."""

    def __init__(self) -> None:
        self.cells, self.steps = np.zeros(3, np.int64), np.zeros(3, np.int64)

    def add(self, notes: Sequence[Any], truth: np.ndarray) -> None:
        """``notes`` (with ``row`` and ``step``) written for a loop whose ``[P, 32]`` onset matrix is ``truth``."""
        written = {(n.row, n.step) for n in notes}
        true_cells = set(zip(*np.nonzero(truth), strict=True))
        written_steps, true_steps = {s for _, s in written}, {s for _, s in true_cells}
        self.cells += (len(written & true_cells), len(written), len(true_cells))
        self.steps += (len(written_steps & true_steps), len(written_steps), len(true_steps))

    def onset_f1(self) -> float:
        """:func:`f1` of the cells (pitch row and step) summed so far."""
        return f1(*self.cells.tolist())

    def rhythm_f1(self) -> float:
        """:func:`f1` of the steps summed so far (pitch ignored)."""
        return f1(*self.steps.tolist())


def timing_std(offsets: torch.Tensor | np.ndarray | Sequence[float]) -> float:
    """The standard deviation of timeshift values (half-steps): the sample std (``n − 1``), the one definition that
    validation's ``timing_std``, ``mvae evaluate``'s ``data_std``/``recon_std``/``generated_std``, the ablation's
    ``gen_timing_std`` and ``mvae data inspect``'s ``timeshift_std`` (:func:`timing_std_of_chunks`) use; nan for
    fewer than 2 values."""
    values = offsets.detach().double().cpu().numpy() if isinstance(offsets, torch.Tensor) else np.asarray(offsets)
    return timing_std_of_chunks([values])


def timing_std_of_chunks(chunks: Iterable[np.ndarray]) -> float:
    """:func:`timing_std` of the values of ``chunks`` taken together, with one chunk in memory at a time (a note table
    larger than RAM): each chunk's count, mean and sum of squared deviations, merged exactly (Chan, Golub & LeVeque
    1979), in float64."""
    count, mean, squares = 0, 0.0, 0.0
    for chunk in chunks:
        size = np.size(chunk)
        if not size:
            continue
        chunk_mean = np.mean(chunk, dtype=np.float64)
        delta, total = float(chunk_mean) - mean, count + size
        squares += float(np.square(np.asarray(chunk) - chunk_mean).sum()) + delta**2 * count * size / total
        mean, count = mean + delta * size / total, total
    return math.sqrt(squares / (count - 1)) if count >= 2 else math.nan


def spread_ratio(std: float, true_std: float) -> float:
    """``std / true_std``: the formula of validation's ``timing_spread_ratio`` (stored in ``metrics.jsonl`` however
    small the true spread, :data:`NO_SPREAD` aside) and ``mvae evaluate``'s ``spread_ratio`` (which, as the epoch line
    and the ablation show it, is nan where :func:`~mvae_core.report.has_timing_spread` says the data have no spread to
    compare with); nan when ``true_std`` is not above :data:`NO_SPREAD` (exactly quantized music) or is nan."""
    return std / true_std if true_std > NO_SPREAD else math.nan


def timing_spread_ratio(predicted_at_notes: torch.Tensor, true_at_notes: torch.Tensor) -> float:
    """:func:`spread_ratio` of ``std(predicted)`` and ``std(true)`` (:func:`timing_std`) over the same note cells; nan
    for < 2 notes or no true spread."""
    return spread_ratio(timing_std(predicted_at_notes), timing_std(true_at_notes))


def active_units(mu: torch.Tensor) -> int:
    """Dimensions whose posterior mean varies across the set (``Var > 0.01``)."""
    if mu.shape[0] < 2:
        return 0
    return int((mu.var(dim=0) > ACTIVE_UNIT_THRESHOLD).sum().item())
