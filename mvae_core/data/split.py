"""Train/validation split **by source** and transposition augmentation of the train split only.

A :class:`LoopSet` is a list of examples, each a loop of the table plus a transposition in semitones (rows).
Augmented examples reference the same note rows; nothing is copied. Because the split is made on sources
before augmentation, no transposed copy of a validation loop can appear in training (the ancestor's D9).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass

import numpy as np

from mvae_core.config import MAX_SEED, DataConfig
from mvae_core.data.loops import STEPS_PER_LOOP
from mvae_core.data.table import NoteTable, mix64
from mvae_core.errors import MvaeError
from mvae_core.wording import counted


class TooFewLoops(MvaeError, ValueError):
    """The data cannot support training (CLI exit code 2); the message says why."""


@dataclass
class LoopSet:
    table: NoteTable
    loops: np.ndarray  # int64 loop ids into the table
    shifts: np.ndarray  # int64 row shifts (0 = original)

    def __len__(self) -> int:
        return len(self.loops)

    def onset_rate(self, pitch_classes: int) -> float:
        """Share of cells holding a note over all examples."""
        notes = self.table.notes_per_loop()[self.loops].sum()
        return float(notes) / max(1, len(self) * pitch_classes * STEPS_PER_LOOP)

    def weighted_notes(self, column: str) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """``(values, weights)`` chunks covering the table's ``column`` (a :data:`NOTE_COLUMNS` name), each value
        weighted by how many examples hold its note (an augmented loop counts once per transposition): statistics
        over the set's notes without materialising them, in bounded memory. Chunks that hold none of the set's
        notes are left out, so a memory-mapped table reads only the pages it needs."""
        per_loop = np.bincount(self.loops, minlength=self.table.n_loops).astype(np.float32)
        offsets, values = self.table.offsets, getattr(self.table, column)
        for lo, hi in self.table.loop_chunks():
            if per_loop[lo:hi].any():
                first, last = offsets[lo], offsets[hi]
                yield np.asarray(values[first:last]), np.repeat(per_loop[lo:hi], np.diff(offsets[lo : hi + 1]))

    @property
    def n_loops(self) -> int:
        """How many loops of the table the set holds, each counted once however many transpositions of it it has
        (an augmented train side: fewer than its examples, ``len``); in linear time and one number per loop of the
        table, as :meth:`weighted_notes` counts them."""
        return int(np.count_nonzero(np.bincount(self.loops, minlength=self.table.n_loops)))

    @property
    def sources(self) -> set[str]:
        return {self.table.sources[i] for i in np.unique(self.table.source[self.loops])}


def split_by_source(table: NoteTable, cfg: DataConfig, seed: int) -> tuple[LoopSet, LoopSet, list[str]]:
    """Seeded split of sources (``train_fraction`` of them to train, at least one to each side), copies together.

    Sources with the same music (:meth:`NoteTable.music_keys`: a re-saved or transposed copy, one tune twice) are
    one group, on the side of the member that comes first in the seeded order, so validation never scores a loop
    the model trained on. Every other source gets the side it would get without copies, so a data set without
    copies splits as it did before groups existed; if the groups leave validation empty, the group that comes last
    validates. With a single group, its loops are split in time order instead (first part train, the same part of
    each copy) and a warning is returned. Augmentation is then applied to the train side only.
    """
    warnings: list[str] = []
    n_sources = len(table.sources)
    if table.n_loops < 2:
        raise TooFewLoops(
            f"{counted(table.n_loops, 'loop')} with >= min_onsets notes; training needs at least 2 "
            "(one to train on, one to validate). Add MIDI files or lower data.min_onsets."
        )
    groups = _copy_groups(table)
    if groups.max() > 0:
        is_train = _training_sources(groups, cfg.train_fraction, seed)[table.source]
    else:
        is_train = _time_order(table, n_sources, cfg.train_fraction)
        which = "only one source" if n_sources == 1 else f"only one source's notes ({n_sources} copies of them)"
        warnings.append(
            f"{which}: validation is its last loops (a by-file split needs >= 2 files with other notes), "
            "so validation scores are optimistic"
        )
    all_loops = np.arange(table.n_loops)
    train = augment(table, all_loops[is_train], cfg)
    val = LoopSet(table, all_loops[~is_train], np.zeros(int((~is_train).sum()), dtype=np.int64))
    if len(train) < 2:
        raise TooFewLoops(f"the train split has {counted(len(train), 'example')}; BatchNorm training needs at least 2")
    return train, val, warnings


def _training_sources(groups: np.ndarray, train_fraction: float, seed: int) -> np.ndarray:
    """Which sources train (bool per source) in :func:`split_by_source`'s seeded split of sources in ``groups``
    (:func:`_copy_groups`, at least two)."""
    n_sources = len(groups)
    order = np.random.default_rng(seed).permutation(n_sources)
    n_train = min(max(1, round(train_fraction * n_sources)), n_sources - 1)
    first = np.full(n_sources, n_sources)  # each group's first place in the order
    np.minimum.at(first, groups[order], np.arange(n_sources))
    is_train_group = first[: groups.max() + 1] < n_train
    if is_train_group.all():
        is_train_group[np.argmax(first[: len(is_train_group)])] = False
    return is_train_group[groups]


SEEDS_TRIED = 20
"""How many seeds after a run's :func:`another_split_seed` tries."""


def another_split_seed(table: NoteTable, cfg: DataConfig, seed: int, validating_at_most: float = 1.0) -> int | None:
    """The first of the :data:`SEEDS_TRIED` seeds after ``seed`` (0 after :data:`~mvae_core.config.MAX_SEED`)
    whose :func:`split_by_source` of ``table`` validates on other sources than ``seed``'s (copies stay together, as
    in the split), and on at most ``validating_at_most`` of the table's loops (1: any share); None where none does,
    or where the split is in time order (a single group of sources: validation is then their last loops, whatever
    the seed). Small data often splits alike for neighbouring seeds (8 files: seeds 0 and 1 validate on the same
    file). Only finds a seed: the split of every seed stays what :func:`split_by_source` makes it."""
    groups = _copy_groups(table)
    if groups.max() == 0:
        return None
    loops_of = np.bincount(table.source, minlength=len(groups))

    def validated(seed: int) -> set[int]:
        return set(np.flatnonzero((loops_of > 0) & ~_training_sources(groups, cfg.train_fraction, seed)).tolist())

    ours = validated(seed)
    for tried in range(1, SEEDS_TRIED + 1):
        later = (seed + tried) % (MAX_SEED + 1)
        theirs = validated(later)
        if theirs != ours and loops_of[sorted(theirs)].sum() <= validating_at_most * table.n_loops:
            return later
    return None


EXAMPLES_AT_ONCE = 1 << 20
"""Train examples :func:`trained_loops` hashes at a time: its memory stays that of the scored side's hashes plus a
few arrays of this many numbers, whatever the size of the train side (7 examples a loop with the default
transpositions)."""


def trained_loops(train: LoopSet, scored: LoopSet) -> np.ndarray:
    """Which of ``scored``'s examples hold exactly the notes (:meth:`NoteTable.loop_music`) of one of ``train``'s
    (a loop, maybe transposed by augmentation): what the model trained on, note for note (bool per example). The
    two may come from one table (a split's validation side) or from two (data to evaluate a run on)."""
    train_music = train.table.loop_music()
    scored_music = train_music if scored.table is train.table else scored.table.loop_music()

    def examples(data: LoopSet, music: tuple[np.ndarray, np.ndarray], part: slice) -> np.ndarray:
        loops = data.loops[part]
        lowest = (music[1][loops] + data.shifts[part]).astype(np.int64).astype(np.uint64)
        return mix64(music[0][loops] ^ mix64(lowest))

    wanted = examples(scored, scored_music, slice(None))
    seen = np.zeros(len(wanted), dtype=bool)
    for start in range(0, len(train), EXAMPLES_AT_ONCE):  # an augmented train side is many times the table
        seen |= np.isin(wanted, examples(train, train_music, slice(start, start + EXAMPLES_AT_ONCE)))
    return seen


def _copy_groups(table: NoteTable) -> np.ndarray:
    """Each source's group, numbered from 0 in the order of the groups' first sources: sources with the same
    :class:`~mvae_core.data.table.MusicKey` ``class_digest`` share one (a transposed copy whose notes fold into the
    pitch rows at other places too)."""
    numbers: dict[str, int] = {}
    return np.array([numbers.setdefault(key.class_digest, len(numbers)) for key in table.music_keys()], dtype=np.int64)


def _time_order(table: NoteTable, n_sources: int, train_fraction: float) -> np.ndarray:
    """Which loops train when all ``n_sources`` hold the same loops: the first ``train_fraction`` of each source's
    (at least one, and one less than all)."""
    per_source = table.n_loops // n_sources
    if per_source < 2:
        raise TooFewLoops(
            f"the {n_sources} sources hold the same notes (copies of one another), {per_source} loop of music: "
            "training needs at least 2 (one to train on, one to validate). Add MIDI files or lower data.min_onsets."
        )
    n_train = min(max(1, round(train_fraction * per_source)), per_source - 1)
    return np.arange(table.n_loops) % per_source < n_train


def from_sources(table: NoteTable, sources: Collection[str]) -> LoopSet:
    """The loops of ``table`` that come from these ``sources`` (by name), untransposed, in table order."""
    wanted = np.array([name in sources for name in table.sources], dtype=bool)
    loops = np.flatnonzero(wanted[table.source]).astype(np.int64)
    return LoopSet(table, loops, np.zeros(len(loops), dtype=np.int64))


def augment(table: NoteTable, loops: np.ndarray, cfg: DataConfig) -> LoopSet:
    """Each loop unshifted plus every transposition that keeps all of its notes in range."""
    low, high = table.loop_row_range()
    shifts = [0, *sorted(set(cfg.transpositions) - {0})]
    ids, amounts = [], []
    for shift in shifts:
        fits = loops[(low[loops] + shift >= 0) & (high[loops] + shift < cfg.pitch_classes)]
        ids.append(fits)
        amounts.append(np.full(len(fits), shift, dtype=np.int64))
    return LoopSet(table, np.concatenate(ids), np.concatenate(amounts))
