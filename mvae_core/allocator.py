"""Keep the memory one training step frees for the next one, instead of handing it back to the operating system.

Every training step allocates and frees the same tensors (activations, gradients, Adam's temporaries: tens of MB
at the default size), and torch takes CPU tensors from the C library's ``malloc``. With glibc's defaults, freed
memory at the top of the heap goes back to the OS once more than the *trim threshold* is free, and requests above
the *mmap threshold* get pages of their own that are unmapped when freed. Either way the next step's tensors land on
fresh pages, which the kernel maps and zeroes one 4 KiB page at a time: up to 2,500 minor page faults per step of
the seed model on a 2-vCPU VM (median about 1,000, 1.5 ms of kernel time in a 50 ms step; docs/benchmarks.md, "Page
faults").

:func:`keep_freed_memory` raises both thresholds, so a step reuses the previous step's pages. The price is that the
process keeps up to :data:`TRIM_THRESHOLD` of freed memory instead of returning it, which a training process reaches
again at its next step anyway. Only glibc is tuned (Linux distributions other than musl-based ones); other C
libraries are left as they are. A user's own glibc settings (``MALLOC_TRIM_THRESHOLD_``, ``MALLOC_MMAP_THRESHOLD_``,
``MALLOC_TOP_PAD_``, or ``glibc.malloc`` in ``GLIBC_TUNABLES``) and a preloaded allocator (jemalloc, tcmalloc) win.
"""

from __future__ import annotations

import ctypes
import os
import platform

MMAP_THRESHOLD = 32 * 2**20
"""Requests up to this size come from the heap (reused after a free), larger ones get pages of their own. 32 MiB is
glibc's own ceiling for the threshold it adapts by itself on 64-bit systems: it never keeps more than that for one
chunk either."""

TRIM_THRESHOLD = 256 * 2**20
"""Free memory at the top of the heap is returned to the OS only beyond this: more than a step of the built-in models
frees (the heap holds 19 MB free after a step of ``seed`` and 50 MB after one of ``melody_rnn``, default size,
batch 64)."""

USER_SETTINGS = ("MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TOP_PAD_")
"""Environment variables through which a user has already tuned glibc's malloc: left alone."""

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt's parameter numbers, from glibc's <malloc.h>


def keep_freed_memory() -> bool:
    """Raise glibc malloc's trim and mmap thresholds (:data:`TRIM_THRESHOLD`, :data:`MMAP_THRESHOLD`) for this whole
    process, for the rest of its life (glibc has no way back to its adaptive defaults).

    Returns whether it did: ``False`` without glibc, when the user has set glibc's malloc tunables (see the module's
    docstring), or when ``LD_PRELOAD`` names another allocator. Calling it again is harmless.
    """
    if not on_glibc() or _user_tuned():
        return False
    return set_thresholds(MMAP_THRESHOLD, TRIM_THRESHOLD)


def on_glibc() -> bool:
    """Whether this process runs on Linux with glibc, the only C library whose ``malloc`` this module tunes."""
    return platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"


def set_thresholds(mmap_threshold: int, trim_threshold: int) -> bool:
    """Set glibc malloc's mmap and trim thresholds (bytes) for this process, unconditionally (glibc only; this ends
    glibc's adaptation of its thresholds). Whether glibc accepted both."""
    libc = ctypes.CDLL(None)  # the process's own symbols: glibc's mallopt
    return bool(libc.mallopt(_M_MMAP_THRESHOLD, mmap_threshold)) and bool(
        libc.mallopt(_M_TRIM_THRESHOLD, trim_threshold)
    )


def _user_tuned() -> bool:
    """Whether the environment already tunes glibc's malloc (its thresholds) or replaces it (``LD_PRELOAD``)."""
    preloaded = any(name in os.environ.get("LD_PRELOAD", "") for name in ("jemalloc", "tcmalloc", "mimalloc"))
    tunables = "glibc.malloc." in os.environ.get("GLIBC_TUNABLES", "")
    return preloaded or tunables or any(name in os.environ for name in USER_SETTINGS)
