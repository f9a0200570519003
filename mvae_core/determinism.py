"""Deterministic GPU kernels while training: what lets a CUDA run, and its resume, repeat bit for bit.

On the CPU mvae's kernels are deterministic already (a resumed run ends bit-identical to an uninterrupted one:
tests/test_trainer.py, tests/test_signals.py). On CUDA some are not unless torch is told: backward passes that
accumulate with atomic adds (gathers, index and scatter adds), cuDNN's choice of algorithm, and cuBLAS's split
reductions, whose workspace must be fixed by ``CUBLAS_WORKSPACE_CONFIG`` before cuBLAS first runs in the process.
``train.deterministic`` (default true) turns all of that on while a CUDA run trains
(:meth:`mvae_core.trainer.Trainer.fit`), at some cost in GPU speed; an operation without a deterministic
implementation then raises, naming itself.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

import torch
import torch.utils.deterministic

CUBLAS_WORKSPACE_CONFIG = ":4096:8"
"""The cuBLAS workspace setting NVIDIA documents for reproducible results (set only when not already set)."""


def deterministic_kernels(deterministic: bool, device: torch.device) -> bool:
    """Whether a run with ``train.deterministic = deterministic`` trains on ``device`` under
    :func:`deterministic_algorithms`: on CUDA only (the CPU's kernels are deterministic already)."""
    return deterministic and device.type == "cuda"


@contextmanager
def deterministic_algorithms(enabled: bool) -> Iterator[None]:
    """Within the block, with ``enabled``: ``torch.use_deterministic_algorithms(True)`` and, unless set already,
    ``CUBLAS_WORKSPACE_CONFIG``. Memory from ``torch.empty`` is not filled (the deterministic mode's debugging aid,
    a cost on every allocation: mvae never reads memory it has not written). Torch's previous settings are restored
    on exit; without ``enabled`` nothing changes."""
    if not enabled:
        yield
        return
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", CUBLAS_WORKSPACE_CONFIG)
    previous_fill = torch.utils.deterministic.fill_uninitialized_memory
    torch.utils.deterministic.fill_uninitialized_memory = False
    try:
        with _deterministic_mode(True):
            yield
    finally:
        torch.utils.deterministic.fill_uninitialized_memory = previous_fill


def unique_writes() -> AbstractContextManager[None]:
    """Within the block torch's deterministic mode is off, for index writes that are deterministic by construction:
    each destination written at most once, so any order gives the same tensor. The mode would sort such a write's
    indices first (measured on an H200: 0.55-0.67 ms for the four writes of one batch, ~5 % of a training step).
    Torch's previous setting is restored on exit."""
    return _deterministic_mode(False)


@contextmanager
def _deterministic_mode(enabled: bool) -> Iterator[None]:
    """``torch.use_deterministic_algorithms(enabled)`` within the block; the previous mode (and warn-only) after."""
    previous = torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled()
    torch.use_deterministic_algorithms(enabled)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(previous[0], warn_only=previous[1])
