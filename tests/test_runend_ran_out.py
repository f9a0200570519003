"""Which errors that end a training are the machine's (it ran out of memory, GPU memory or disk space: a message and
failure.json) and which are bugs (shown with their traceback): :func:`mvae_core.run_ending.ran_out`, on the errors as
Python, torch and the system raise them."""

from __future__ import annotations

import errno

import pytest
import torch

from mvae_core.run_ending import ran_out


def cpu_allocation_refused() -> RuntimeError:
    """torch's own error for an allocation the system refuses (1 PiB)."""
    try:
        torch.empty(2**48)
    except RuntimeError as exc:
        return exc
    raise AssertionError("1 PiB was allocated")


@pytest.mark.parametrize(
    ("error", "what"),
    [
        (MemoryError(), "memory"),
        (cpu_allocation_refused(), "memory"),
        (torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of …"),
         "GPU memory"),
        (torch.AcceleratorError("CUDA error: out of memory\nCUDA kernel errors might be asynchronously reported …"),
         "GPU memory"),
        (RuntimeError("MPS backend out of memory (MPS allocated: 17.00 GB, other allocations: 1.2 GB, max allowed: …)"),
         "GPU memory"),
        (OSError(errno.ENOSPC, "No space left on device"), "disk space"),
        (OSError(errno.EDQUOT, "Disk quota exceeded", "/runs/a/log.txt"), "disk space"),
        (RuntimeError("mat1 and mat2 shapes cannot be multiplied (16x32 and 64x32)"), None),
        (torch.AcceleratorError("CUDA error: an illegal memory access was encountered"), None),
        (OSError(errno.EIO, "Input/output error"), None),
        (ValueError("out of memory"), None),
    ],
)  # fmt: skip
def test_what_ran_out(error, what):
    assert ran_out(error) == what
