"""Densify examples of a :class:`LoopSet` into ``[batch, 4, pitch_classes, 32]`` float tensors on the fly.

Channel order is :data:`CHANNELS`: onset (0/1), velocity (0..1), duration (0..1), timeshift (-1..1). Cells
without a note are 0 in every channel; the onset channel is also the note mask.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np
import torch

from mvae_core.data.loops import STEPS_PER_LOOP
from mvae_core.data.split import LoopSet

CHANNELS = ("onset", "velocity", "duration", "timeshift")


def densify(data: LoopSet, index: np.ndarray, pitch_classes: int) -> torch.Tensor:
    """The examples ``index`` of ``data`` as a dense float32 tensor ``[len(index), 4, pitch_classes, 32]``."""
    table = data.table
    rows, owner = table.note_index(data.loops[index])
    notes = table.gather(rows)
    dense = np.zeros((len(index), len(CHANNELS), pitch_classes, STEPS_PER_LOOP), dtype=np.float32)
    pitch = notes["row"].astype(np.int64) + data.shifts[index][owner]
    step = notes["step"]
    dense[owner, 0, pitch, step] = 1.0
    dense[owner, 1, pitch, step] = notes["velocity"] / np.float32(127.0)
    dense[owner, 2, pitch, step] = notes["duration"]
    dense[owner, 3, pitch, step] = notes["timeshift"]
    return torch.from_numpy(dense)


def batch_indices(n: int, batch_size: int, rng: np.random.Generator | None) -> Iterator[np.ndarray]:
    """Shuffled (``rng``) or ordered batches covering all ``n`` examples.

    A trailing batch of one example is merged into the previous one: BatchNorm cannot train on a single
    example, and dropping it would silently skip data.
    """
    order = rng.permutation(n) if rng is not None else np.arange(n)
    bounds = [*range(0, n, batch_size), n]
    if len(bounds) > 2 and bounds[-1] - bounds[-2] == 1:
        del bounds[-2]
    for lo, hi in itertools.pairwise(bounds):
        yield order[lo:hi]
