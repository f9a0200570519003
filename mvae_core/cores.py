"""How many CPU cores this process may use: the one answer for the parse workers of a data load and the ablation
runner's workers and threads."""

from __future__ import annotations

import os


def cores() -> int:
    """CPU cores this process may use: those its affinity allows where the OS says (``taskset``, a Slurm allocation,
    a cgroup cpuset), else all of the machine's, at least 1."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
