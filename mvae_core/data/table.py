"""NoteTable: every loop of a data set as packed columns, one row per note (CSR by loop).

Per note: ``row``, ``step``, ``velocity`` (uint8), ``duration``, ``timeshift`` (float32) = 11 bytes. Per loop:
``offsets`` into the note rows, ``source`` (index into ``sources``) and ``seconds_per_step``; the lowest and
highest row of each loop (for transposition) are computed on demand. Dense ``[batch, 4, pitch_classes, 32]`` tensors are made only per batch
(:mod:`mvae_core.data.batches`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mvae_core.data.loops import LoopBlock

NOTE_COLUMNS = ("row", "step", "velocity", "duration", "timeshift")


@dataclass
class NoteTable:
    row: np.ndarray  # uint8 [notes]
    step: np.ndarray  # uint8 [notes]
    velocity: np.ndarray  # uint8 [notes], 1..127
    duration: np.ndarray  # float32 [notes], 0..1
    timeshift: np.ndarray  # float32 [notes], -1..1
    offsets: np.ndarray  # int64 [loops + 1]; notes of loop i are rows offsets[i]:offsets[i+1]
    source: np.ndarray  # int32 [loops]
    seconds_per_step: np.ndarray  # float32 [loops]
    sources: list[str]

    @property
    def n_loops(self) -> int:
        return len(self.source)

    @property
    def n_notes(self) -> int:
        return len(self.row)

    def notes_per_loop(self) -> np.ndarray:
        return np.diff(self.offsets)

    def loop_row_range(self) -> tuple[np.ndarray, np.ndarray]:
        """Lowest and highest row of every loop as int64 (loops are never empty)."""
        starts = self.offsets[:-1]
        rows = self.row.astype(np.int64)
        return np.minimum.reduceat(rows, starts), np.maximum.reduceat(rows, starts)

    def note_index(self, loops: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Note rows of ``loops`` and, for each, its position in ``loops``."""
        counts = self.offsets[loops + 1] - self.offsets[loops]
        owner = np.repeat(np.arange(len(loops)), counts)
        first = np.repeat(self.offsets[loops] - np.cumsum(counts) + counts, counts)
        return first + np.arange(counts.sum()), owner

    def nbytes(self) -> int:
        arrays = [getattr(self, c) for c in NOTE_COLUMNS] + [self.offsets, self.source, self.seconds_per_step]
        return sum(a.nbytes for a in arrays)

    @classmethod
    def from_blocks(
        cls, blocks: list[tuple[str, LoopBlock]], min_onsets: int
    ) -> tuple[NoteTable, dict[str, tuple[int, int]]]:
        """Concatenate per-source blocks, dropping loops with fewer than ``min_onsets`` notes.

        Returns the table and ``{source name: (loops kept, notes kept)}``.
        """
        cols: dict[str, list[np.ndarray]] = {c: [] for c in NOTE_COLUMNS}
        counts, source, sps, names, kept = [], [], [], [], {}
        for name, block in blocks:
            per_loop = np.bincount(block.loop, minlength=block.n_loops)
            keep_loop = per_loop >= min_onsets
            keep_note = keep_loop[block.loop]
            kept[name] = (int(keep_loop.sum()), int(keep_note.sum()))
            if not kept[name][0]:
                continue
            for c in NOTE_COLUMNS:
                cols[c].append(getattr(block, c)[keep_note])
            counts.append(per_loop[keep_loop])
            source.append(np.full(kept[name][0], len(names), dtype=np.int32))
            sps.append(block.seconds_per_step[keep_loop])
            names.append(name)
        if not names:
            return cls.empty(), kept
        offsets = np.zeros(sum(len(c) for c in counts) + 1, dtype=np.int64)
        np.cumsum(np.concatenate(counts), out=offsets[1:])
        return (
            cls(
                *(np.concatenate(cols[c]) for c in NOTE_COLUMNS),
                offsets=offsets,
                source=np.concatenate(source),
                seconds_per_step=np.concatenate(sps).astype(np.float32),
                sources=names,
            ),
            kept,
        )

    @classmethod
    def empty(cls) -> NoteTable:
        u8, f32 = np.zeros(0, np.uint8), np.zeros(0, np.float32)
        return cls(
            u8,
            u8.copy(),
            u8.copy(),
            f32,
            f32.copy(),
            np.zeros(1, np.int64),
            np.zeros(0, np.int32),
            f32.copy(),
            [],
        )
