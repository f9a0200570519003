"""Whether an exception is the machine running out of memory, and of which (the host's or a GPU's): the one rule that
:func:`~mvae_core.run_ending.ran_out` (a training that ran out ends in one line and ``failure.json``) and a resume's
restore (:meth:`~mvae_core.trainer.Trainer.restore`: a good checkpoint is not called unusable when the device has no
room for it) both apply. torch says some of these in a plain ``RuntimeError``, by its words alone.
"""

from __future__ import annotations

import torch

OUT_OF_MEMORY = {
    "DefaultCPUAllocator: can't allocate memory": "memory",  # torch on Linux and macOS
    "DefaultCPUAllocator: not enough memory": "memory",  # torch on Windows
    "MPS backend out of memory": "GPU memory",  # Apple silicon (a RuntimeError; CUDA's is torch.OutOfMemoryError)
    "CUDA error: out of memory": "GPU memory",  # CUDA's own allocations (its context, a kernel's), not torch's
}
"""What torch's ``RuntimeError`` says when an allocation failed, and what ran out."""


def memory_ran_out(exc: BaseException) -> str | None:
    """What ``exc`` says the machine ran out of: ``"GPU memory"`` (torch's ``OutOfMemoryError``, or a
    ``RuntimeError`` saying :data:`OUT_OF_MEMORY`'s words for it), ``"memory"`` (a ``MemoryError``, or torch's CPU
    allocator refusing); None for any other exception."""
    if isinstance(exc, torch.OutOfMemoryError):
        return "GPU memory"
    if isinstance(exc, MemoryError):
        return "memory"
    if isinstance(exc, RuntimeError):
        return next((what for said, what in OUT_OF_MEMORY.items() if said in str(exc)), None)
    return None
