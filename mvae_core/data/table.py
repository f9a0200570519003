"""NoteTable: every loop of a data set as packed columns, one row per note (CSR by loop).

Per note: ``row``, ``step``, ``velocity`` (uint8), ``duration``, ``timeshift`` (float32) = 11 bytes. Per loop:
``offsets`` into the note rows, ``source`` (index into ``sources``) and ``seconds_per_step``; the lowest and
highest row of each loop (for transposition) are computed on demand. Dense ``[batch, 4, pitch_classes, 32]``
tensors are made only per batch (:mod:`mvae_core.data.batches`, through :meth:`NoteTable.gather`).

The arrays may be in memory (:class:`TableBuilder`, :meth:`NoteTable.from_blocks`) or memory-mapped from the parse
cache (:mod:`mvae_core.data.table_store`), so every pass over the whole table goes through
:meth:`NoteTable.loop_chunks` and every batch through :meth:`NoteTable.gather`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from mvae_core.data.loops import MAX_VELOCITY, STEPS_PER_LOOP, LoopBlock

CHUNK_NOTES = 1 << 20
"""Notes per chunk of a pass over the whole table (:meth:`NoteTable.loop_chunks`): about 11 MiB of columns."""
NOTE_COLUMNS = ("row", "step", "velocity", "duration", "timeshift")
COLUMN_DTYPES: dict[str, np.dtype[Any]] = {
    "row": np.dtype(np.uint8),
    "step": np.dtype(np.uint8),
    "velocity": np.dtype(np.uint8),
    "duration": np.dtype(np.float32),
    "timeshift": np.dtype(np.float32),
    "offsets": np.dtype(np.int64),
    "source": np.dtype(np.int32),
    "seconds_per_step": np.dtype(np.float32),
}
"""Every stored array of a table, in field order, with its dtype (the in-memory and the on-disk layout)."""
NOTE_RANGES: dict[str, tuple[float, float]] = {
    "step": (0, STEPS_PER_LOOP - 1),
    "velocity": (1, MAX_VELOCITY),
    "duration": (0.0, 1.0),
    "timeshift": (-1.0, 1.0),
}
"""The values each note column holds other than ``row`` (whose top depends on ``data.pitch_classes``), both ends
included (:mod:`mvae_core.data.loops`): what a check of notes read back from disk compares them with."""
_KEY_NOTE = np.dtype([("row", "<i2"), ("step", "u1"), ("velocity", "u1")])


@dataclass(frozen=True)
class MusicKey:
    """What a source's loops are as music, for finding copies (:meth:`NoteTable.music_keys`, the ``same notes``
    warning): ``digest``, the SHA-256 (hexadecimal) of the notes of its kept loops (how many in each loop, and the
    step, velocity and row of each, the rows counted from its first note's), so neither timing, length nor tempo
    count, nor a transposition; ``first_row``, the row of its first note. Two sources with the same digest hold the
    same music, the second transposed by the difference of their first rows.

    ``class_digest`` is the same with the rows counted modulo 12 (pitch classes), so it also matches a transposed
    copy whose notes fold into the pitch rows at other places (``data.out_of_range = "fold"`` moves a note above
    the top row down an octave: transposed up 2, a tune's top note folds and its neighbour does not), and a copy
    with single notes moved by octaves. Two sources with the same ``digest`` have the same ``class_digest``."""

    digest: str
    first_row: int
    class_digest: str


class _MusicHasher:
    """Builds one source's :class:`MusicKey` from its notes, given in loop order in one or more pieces."""

    def __init__(self, first_row: int) -> None:
        self.first_row = first_row
        self._loops, self._notes, self._classes = hashlib.sha256(), hashlib.sha256(), hashlib.sha256()

    def update(self, counts: np.ndarray, row: np.ndarray, step: np.ndarray, velocity: np.ndarray) -> None:
        """Add the next loops (``counts``: notes per loop) and their notes."""
        self._loops.update(np.asarray(counts, dtype="<i8").tobytes())
        notes = np.empty(len(row), _KEY_NOTE)
        notes["row"], notes["step"], notes["velocity"] = np.asarray(row, np.int16) - self.first_row, step, velocity
        self._notes.update(notes.tobytes())
        notes["row"] %= 12
        self._classes.update(notes.tobytes())

    def key(self) -> MusicKey:
        loops = self._loops.digest()
        return MusicKey(
            hashlib.sha256(loops + self._notes.digest()).hexdigest(),
            self.first_row,
            hashlib.sha256(loops + self._classes.digest()).hexdigest(),
        )


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

    def loop_chunks(self) -> Iterator[tuple[int, int]]:
        """``(first loop, end loop)`` ranges covering every loop in order, each holding at most :data:`CHUNK_NOTES`
        notes (or one loop): passes over the notes in these chunks keep their memory bounded, and a memory-mapped
        table is read one chunk at a time."""
        lo = 0
        while lo < self.n_loops:
            hi = int(np.searchsorted(self.offsets, self.offsets[lo] + CHUNK_NOTES, side="right")) - 1
            hi = min(max(hi, lo + 1), self.n_loops)
            yield lo, hi
            self.release(lo, hi)
            lo = hi

    def release(self, lo: int, hi: int) -> None:
        """Called by :meth:`loop_chunks` when a chunk is done: nothing to do in memory (a memory-mapped table drops
        the chunk's pages, :class:`mvae_core.data.table_store.MappedNoteTable`)."""

    def check_notes(self, columns: dict[str, np.ndarray]) -> None:
        """Check note columns just read from where the table lives (a batch's, a chunk's): nothing to check in memory
        (a table read from the parse cache checks their ranges, :class:`mvae_core.data.table_store.MappedNoteTable`)."""

    def loop_row_range(self) -> tuple[np.ndarray, np.ndarray]:
        """Lowest and highest row of every loop as int16 (loops are never empty), read one chunk at a time."""
        low, high = np.empty(self.n_loops, np.int16), np.empty(self.n_loops, np.int16)
        for lo, hi in self.loop_chunks():
            starts = self.offsets[lo : hi + 1]
            rows = np.asarray(self.row[starts[0] : starts[-1]])
            low[lo:hi] = np.minimum.reduceat(rows, starts[:-1] - starts[0])
            high[lo:hi] = np.maximum.reduceat(rows, starts[:-1] - starts[0])
        return low, high

    def note_index(self, loops: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Note rows of ``loops`` and, for each, its position in ``loops``."""
        counts = self.offsets[loops + 1] - self.offsets[loops]
        owner = np.repeat(np.arange(len(loops)), counts)
        first = np.repeat(self.offsets[loops] - np.cumsum(counts) + counts, counts)
        return first + np.arange(counts.sum()), owner

    def music_keys(self) -> list[MusicKey]:
        """Each source's :class:`MusicKey` (in the order of :attr:`sources`), read one chunk at a time."""
        starts = np.searchsorted(self.source, np.arange(len(self.sources) + 1))  # a source's loops are contiguous
        hashers = [_MusicHasher(int(self.row[self.offsets[first]])) for first in starts[:-1]]
        for lo, hi in self.loop_chunks():
            for index in range(int(self.source[lo]), int(self.source[hi - 1]) + 1):
                first, end = max(lo, starts[index]), min(hi, starts[index + 1])
                notes = slice(self.offsets[first], self.offsets[end])
                hashers[index].update(
                    np.diff(self.offsets[first : end + 1]), self.row[notes], self.step[notes], self.velocity[notes]
                )
        return [hasher.key() for hasher in hashers]

    def loop_music(self) -> tuple[np.ndarray, np.ndarray]:
        """Each loop's notes as one number, and its lowest row: the 64-bit hash of how many notes it holds and the
        step, velocity and row of each, rows counted from its lowest (so a transposed loop hashes alike), and that
        row (int16). Two loops with the same hash hold the same notes, the second moved by the difference of their
        lowest rows (a different pair sharing a hash: about one in 2⁶⁴). Read one chunk at a time."""
        low = self.loop_row_range()[0]
        music = np.empty(self.n_loops, np.uint64)
        for lo, hi in self.loop_chunks():
            starts = self.offsets[lo : hi + 1]
            rows = slice(starts[0], starts[-1])
            counts = np.diff(starts)
            owner = np.repeat(np.arange(hi - lo), counts)
            position = np.arange(len(owner)) - np.repeat(starts[:-1] - starts[0], counts)
            note = (np.asarray(self.row[rows], np.uint64) - low[lo:hi][owner].astype(np.uint64)) & np.uint64(0xFF)
            note |= np.asarray(self.step[rows], np.uint64) << np.uint64(8)
            note |= np.asarray(self.velocity[rows], np.uint64) << np.uint64(16)
            note |= position.astype(np.uint64) << np.uint64(24)
            sums = np.add.reduceat(mix64(note), starts[:-1] - starts[0])  # loops are never empty
            music[lo:hi] = mix64(sums ^ counts.astype(np.uint64))
        return music, low

    def gather(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        """The :data:`NOTE_COLUMNS` of the notes ``rows`` (copies): what a batch reads (``densify``)."""
        return {name: getattr(self, name)[rows] for name in NOTE_COLUMNS}

    def nbytes(self) -> int:
        arrays = [getattr(self, c) for c in NOTE_COLUMNS] + [self.offsets, self.source, self.seconds_per_step]
        return sum(a.nbytes for a in arrays)

    @classmethod
    def from_blocks(
        cls, blocks: Iterable[tuple[str, LoopBlock]], min_onsets: int
    ) -> tuple[NoteTable, dict[str, tuple[int, int]]]:
        """Concatenate per-source blocks in memory, dropping loops with fewer than ``min_onsets`` notes.

        Returns the table and ``{source name: (loops kept, notes kept)}``.
        """
        builder = TableBuilder()
        kept = {name: builder.add(name, block, min_onsets) for name, block in blocks}
        return builder.finish(), kept

    @classmethod
    def empty(cls) -> NoteTable:
        columns = {name: np.zeros(1 if name == "offsets" else 0, dtype) for name, dtype in COLUMN_DTYPES.items()}
        return cls(**columns, sources=[])


def mix64(values: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser of each uint64 (wrapping arithmetic): a well-spread hash of each value."""
    with np.errstate(over="ignore"):
        z = values.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


@dataclass
class TablePart:
    """The loops of one source that have at least ``min_onsets`` notes, as the table stores them."""

    columns: dict[str, np.ndarray]  # NOTE_COLUMNS of the kept notes
    counts: np.ndarray  # int64, notes per kept loop
    seconds_per_step: np.ndarray  # float32, per kept loop

    @property
    def loops(self) -> int:
        return len(self.counts)

    @property
    def notes(self) -> int:
        return len(self.columns["row"])

    def music_key(self) -> MusicKey:
        """This source's :class:`MusicKey`, as :meth:`NoteTable.music_keys` gives it once the part is in a table (a
        part with at least one loop)."""
        hasher = _MusicHasher(int(self.columns["row"][0]))
        hasher.update(self.counts, self.columns["row"], self.columns["step"], self.columns["velocity"])
        return hasher.key()

    @classmethod
    def of(cls, block: LoopBlock, min_onsets: int) -> TablePart:
        per_loop = np.bincount(block.loop, minlength=block.n_loops)
        keep_loop = per_loop >= min_onsets
        keep_note = keep_loop[block.loop]
        return cls(
            {c: getattr(block, c)[keep_note] for c in NOTE_COLUMNS},
            per_loop[keep_loop].astype(np.int64),
            block.seconds_per_step[keep_loop].astype(np.float32),
        )


class TableBuilder:
    """Builds a :class:`NoteTable` in memory, one source at a time (the in-memory twin of
    :class:`mvae_core.data.table_store.TableWriter`)."""

    def __init__(self) -> None:
        self._parts: list[TablePart] = []
        self._sources: list[str] = []

    def add(self, name: str, block: LoopBlock, min_onsets: int) -> tuple[int, int]:
        """Append the loops of ``block`` with at least ``min_onsets`` notes as source ``name``; a source with none is
        left out. Returns ``(loops kept, notes kept)``."""
        part = TablePart.of(block, min_onsets)
        if part.loops:
            self._parts.append(part)
            self._sources.append(name)
        return part.loops, part.notes

    def finish(self) -> NoteTable:
        if not self._parts:
            return NoteTable.empty()
        parts = self._parts
        offsets = np.zeros(sum(p.loops for p in parts) + 1, dtype=np.int64)
        np.cumsum(np.concatenate([p.counts for p in parts]), out=offsets[1:])
        source = [np.full(p.loops, i, dtype=np.int32) for i, p in enumerate(parts)]
        return NoteTable(
            *(np.concatenate([p.columns[c] for p in parts]) for c in NOTE_COLUMNS),
            offsets=offsets,
            source=np.concatenate(source),
            seconds_per_step=np.concatenate([p.seconds_per_step for p in parts]),
            sources=list(self._sources),
        )
