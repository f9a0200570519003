"""Whether an exception is the machine running out of memory, and of which (the host's or a GPU's): the one rule that
:func:`~mvae_core.run_ending.ran_out` (a training that ran out ends in one line and ``failure.json``) and a resume's
restore (:meth:`~mvae_core.trainer.Trainer.restore`: a good checkpoint is not called unusable when the device has no
room for it) both apply. torch says some of these in a plain ``RuntimeError``, by its words alone, and a model's own
code that ran out is wrapped in the :class:`~mvae_core.models.contract.ModelError` that names the model
(:func:`~mvae_core.models.contract.model_code`), which is the machine's failure, not the model's.
"""

from __future__ import annotations

import torch

from mvae_core.models.contract import ModelError

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
    allocator refusing); for a model's error, what its cause says (:func:`as_raised`); None for any other exception."""
    exc = as_raised(exc)
    if isinstance(exc, torch.OutOfMemoryError):
        return "GPU memory"
    if isinstance(exc, MemoryError):
        return "memory"
    if isinstance(exc, RuntimeError):
        return next((what for said, what in OUT_OF_MEMORY.items() if said in str(exc)), None)
    return None


def as_raised(exc: BaseException) -> BaseException:
    """``exc`` as the code that failed raised it: for a :class:`~mvae_core.models.contract.ModelError` of the model's
    own code (what its ``__init__`` raised, say, wrapped to name the model), its cause; else ``exc`` itself."""
    return exc.__cause__ if isinstance(exc, ModelError) and exc.__cause__ is not None else exc
