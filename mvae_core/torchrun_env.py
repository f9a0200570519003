"""torchrun's environment variables (``WORLD_SIZE``, ``RANK``, ``LOCAL_RANK``), read without importing torch, so the
command line's start-up and ``mvae ablate`` read them by the same rule as :mod:`mvae_core.distributed`: a value that is
not a whole number is a :class:`DistributedError` naming the variable, not a ``ValueError`` traceback."""

from __future__ import annotations

import os

from mvae_core.errors import MvaeError

TORCHRUN_SETS = (
    "torchrun sets these variables for every process it starts (torchrun --standalone --nproc-per-node N -m "
    "mvae_core.cli train …, docs/scaling.md); to train in one process, unset WORLD_SIZE"
)


class DistributedError(MvaeError, RuntimeError):
    """The process group could not be set up; the message says why (CLI exit code 2)."""


def environment_number(name: str, default: str | None = None, least: int = 0) -> int:
    """The whole number (at least ``least``) in the environment variable ``name`` (``default`` when unset); a
    :class:`DistributedError` naming it when it is missing without a default, or holds something else."""
    value = os.environ.get(name, default)
    if value is None:
        raise DistributedError(f"WORLD_SIZE={os.environ.get('WORLD_SIZE')} but {name} is not set; {TORCHRUN_SETS}")
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or number < least:
        raise DistributedError(f"{name}={value!r} is not a whole number >= {least}; {TORCHRUN_SETS}")
    return number


def world_size() -> int:
    """The processes of this torchrun job (``WORLD_SIZE``; 1 in a process of its own)."""
    return environment_number("WORLD_SIZE", "1", least=1)


def rank() -> int:
    """This process's rank under torchrun (``RANK``); 0 in a process of its own."""
    return environment_number("RANK", "0")
