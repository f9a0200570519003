"""Densify examples of a :class:`LoopSet` into ``[batch, 4, pitch_classes, 32]`` float tensors on the fly.

Channel order is :data:`CHANNELS`: onset (0/1), velocity (0..1), duration (0..1), timeshift (-1..1). Cells
without a note are 0 in every channel; the onset channel is also the note mask.

Two ways to a batch on the training device (:func:`batch_source`, ``train.table_on_device``): :func:`densify` on the
host, then a copy; or :class:`DeviceLoops`, which keeps the set's notes on the device and densifies there, so a batch
crosses to the device only as its example indices. Both give the same tensor, bit for bit.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import torch

from mvae_core.data.loops import MAX_VELOCITY, STEPS_PER_LOOP
from mvae_core.data.split import LoopSet
from mvae_core.data.table import NOTE_COLUMNS
from mvae_core.determinism import unique_writes

CHANNELS = ("onset", "velocity", "duration", "timeshift")
VELOCITY_SCALE = np.float32(MAX_VELOCITY)
"""The stored MIDI velocity (uint8) ÷ this = the velocity channel (0..1), in float32."""


def velocity_channel(stored: np.ndarray) -> np.ndarray:
    """The velocity channel's float32 values (0..1) of stored MIDI velocities (uint8), divided on the host by numpy.

    Always on the host, never by torch on the device: CUDA divides a tensor by a scalar as a multiplication by the
    scalar's reciprocal, one ulp away from the division for some velocities (seen on an H200), and the two batch
    paths must agree bit for bit."""
    return (np.asarray(stored) / VELOCITY_SCALE).astype(np.float32, copy=False)


def densify(data: LoopSet, index: np.ndarray, pitch_classes: int) -> torch.Tensor:
    """The examples ``index`` of ``data`` as a dense float32 tensor ``[len(index), 4, pitch_classes, 32]``."""
    table = data.table
    rows, owner = table.note_index(data.loops[index])
    notes = table.gather(rows)
    dense = np.zeros((len(index), len(CHANNELS), pitch_classes, STEPS_PER_LOOP), dtype=np.float32)
    pitch = notes["row"].astype(np.int64) + data.shifts[index][owner]
    velocity = velocity_channel(notes["velocity"])
    write_cells(dense, (owner, pitch, notes["step"]), velocity, notes["duration"], notes["timeshift"])
    return torch.from_numpy(dense)


def write_cells(dense: Any, cells: tuple[Any, Any, Any], velocity: Any, duration: Any, timeshift: Any) -> None:
    """Write notes into ``dense [B, 4, P, 32]`` at ``cells = (example, pitch row, step)``, one value per note in
    each channel of :data:`CHANNELS`: onset 1, velocity (already the channel's value, :func:`velocity_channel`),
    duration, timeshift.

    The one definition of a batch's cell layout, for numpy arrays (:func:`densify`) and torch tensors
    (:meth:`DeviceLoops.densify`) alike: both copy the same float32 values into the same cells.
    """
    example, pitch, step = cells
    dense[example, 0, pitch, step] = 1.0
    dense[example, 1, pitch, step] = velocity
    dense[example, 2, pitch, step] = duration
    dense[example, 3, pitch, step] = timeshift


class DeviceLoops:
    """The notes of a :class:`LoopSet` held as tensors on ``device``; :meth:`densify` builds a batch there.

    The table is copied one chunk at a time (:meth:`NoteTable.loop_chunks`), so a memory-mapped table is not made
    resident on the host on the way. Every (row, step) cell holds at most one note of a loop (the parser keeps the
    louder) and a transposition moves all of a loop's notes together, so the scatter writes each cell once: the same
    result on any device, in any order.
    """

    device: torch.device
    columns: dict[str, torch.Tensor]
    host_offsets: np.ndarray
    host_loops: np.ndarray
    offsets: torch.Tensor
    loops: torch.Tensor
    shifts: torch.Tensor

    def __init__(self, data: LoopSet, device: torch.device) -> None:
        table, self.device = data.table, device
        stored = {name: _on_device_values(name, getattr(table, name)[:0]) for name in NOTE_COLUMNS}
        self.columns = {
            name: torch.empty(table.n_notes, dtype=_torch_dtype(empty), device=device) for name, empty in stored.items()
        }
        for lo, hi in table.loop_chunks():
            first, last = int(table.offsets[lo]), int(table.offsets[hi])
            chunk = {name: np.asarray(getattr(table, name)[first:last]) for name in NOTE_COLUMNS}
            table.check_notes(chunk)  # a table read from the parse cache: garbage there is refused, not trained on
            for name, column in self.columns.items():
                column[first:last] = torch.from_numpy(_on_device_values(name, chunk[name]))
        self.host_offsets, self.host_loops = table.offsets, data.loops  # a batch's size, known without a sync
        self.offsets = torch.from_numpy(np.array(table.offsets)).to(device)
        self.loops = torch.from_numpy(data.loops).to(device)
        self.shifts = torch.from_numpy(data.shifts).to(device)

    def densify(self, index: np.ndarray, pitch_classes: int) -> torch.Tensor:
        """As :func:`densify`, on the device. Nothing here waits for the device's queued work: the indices travel
        from pinned memory without blocking, and every size is known on the host."""
        device = self.device
        examples = torch.from_numpy(np.asarray(index, dtype=np.int64))
        if device.type == "cuda":  # a blocking copy from pageable memory would wait for the queued work first
            examples = examples.pin_memory()
        examples = examples.to(device, non_blocking=True)
        loops = self.loops[examples]
        starts = self.offsets[loops]
        counts = self.offsets[loops + 1] - starts
        host_loops = self.host_loops[index]
        total = int((self.host_offsets[host_loops + 1] - self.host_offsets[host_loops]).sum())
        owner = torch.repeat_interleave(torch.arange(len(examples), device=device), counts, output_size=total)
        first = torch.cumsum(counts, 0) - counts
        notes = starts[owner] + torch.arange(len(owner), device=device) - first[owner]
        pitch = self.columns["row"][notes].long() + self.shifts[examples][owner]
        step = self.columns["step"][notes].long()
        dense = torch.zeros(len(examples), len(CHANNELS), pitch_classes, STEPS_PER_LOOP, device=device)
        columns = (self.columns[name][notes] for name in ("velocity", "duration", "timeshift"))  # channel values
        with unique_writes():  # one note per cell (see the class docstring): the same result in any order
            write_cells(dense, (owner, pitch, step), *columns)
        return dense


def batch_source(
    data: LoopSet, pitch_classes: int, device: torch.device, table_on_device: str
) -> Callable[[np.ndarray], torch.Tensor]:
    """``index → batch`` on ``device``: from a :class:`DeviceLoops` when ``table_on_device`` is ``"on"`` (or
    ``"auto"`` on a CUDA device), else :func:`densify` on the host and a copy."""
    if table_on_device == "on" or (table_on_device == "auto" and device.type == "cuda"):
        loops = DeviceLoops(data, device)
        return lambda index: loops.densify(index, pitch_classes)
    return lambda index: densify(data, index, pitch_classes).to(device)


def _on_device_values(name: str, column: np.ndarray) -> np.ndarray:
    """A slice of the table's column ``name`` as :class:`DeviceLoops` keeps it: velocity as its channel's float32
    values (:func:`velocity_channel`), every other column as stored."""
    return velocity_channel(column) if name == "velocity" else np.array(column)


def _torch_dtype(array: np.ndarray) -> torch.dtype:
    return torch.from_numpy(np.zeros(0, dtype=array.dtype)).dtype


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
