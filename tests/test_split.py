"""Train/validation split by source, augmentation of the train side only, and batch coverage."""

from __future__ import annotations

import numpy as np
import pytest

from mvae_core.config import DataConfig
from mvae_core.data.batches import batch_indices
from mvae_core.data.loops import LoopBlock
from mvae_core.data.split import LoopSet, TooFewLoops, split_by_source
from mvae_core.data.table import NoteTable

CFG = DataConfig()  # 24 rows, transpositions [-12, -7, -5, 5, 7, 12], train_fraction 5/6


def make_table(loops_per_source: list[int], seed: int = 0, notes_per_loop: int = 6) -> NoteTable:
    """Sources named src00, src01, ...; every loop has notes on random rows within a random span of 0..23."""
    rng = np.random.default_rng(seed)
    blocks = []
    for s, n_loops in enumerate(loops_per_source):
        low = rng.integers(0, 20, size=n_loops)
        span = rng.integers(0, 24 - low)  # so that low + span <= 23
        rows = np.concatenate(
            [rng.integers(lo, lo + sp + 1, size=notes_per_loop) for lo, sp in zip(low, span, strict=True)]
        )
        block = LoopBlock(
            loop=np.repeat(np.arange(n_loops), notes_per_loop).astype(np.int32),
            row=rows.astype(np.uint8),
            step=np.tile(np.arange(notes_per_loop) * 4, n_loops).astype(np.uint8),
            velocity=np.full(n_loops * notes_per_loop, 100, np.uint8),
            duration=np.full(n_loops * notes_per_loop, 0.25, np.float32),
            timeshift=np.zeros(n_loops * notes_per_loop, np.float32),
            seconds_per_step=np.full(n_loops, 0.125, np.float32),
        )
        blocks.append((f"src{s:02d}", block))
    table, _ = NoteTable.from_blocks(blocks, min_onsets=1)
    return table


def pairs(data: LoopSet) -> list[tuple[int, int]]:
    return sorted(zip(data.loops.tolist(), data.shifts.tolist(), strict=True))


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_no_source_and_no_loop_is_on_both_sides(seed):
    table = make_table([3] * 12)
    train, val, warnings = split_by_source(table, CFG, seed)
    assert warnings == []
    assert train.sources.isdisjoint(val.sources)
    assert train.sources | val.sources == set(table.sources)
    assert len(val.sources) == 2  # round(12 / 6)
    # ancestor D9: transposed copies of validation loops ended up in training
    assert set(train.loops.tolist()).isdisjoint(val.loops.tolist())
    assert sorted(set(train.loops.tolist()) | set(val.loops.tolist())) == list(range(table.n_loops))


def test_only_train_is_augmented_with_every_shift_that_keeps_all_notes_in_range():
    table = make_table([4] * 12, seed=5)
    train, val, _ = split_by_source(table, CFG, seed=0)
    assert (val.shifts == 0).all()
    assert sorted(val.loops.tolist()) == sorted(set(val.loops.tolist()))  # each validation loop once

    originals = train.loops[train.shifts == 0]
    expected = []
    for loop in originals.tolist():
        rows = table.row[table.offsets[loop] : table.offsets[loop + 1]].astype(int)
        for shift in [0, *CFG.transpositions]:
            if rows.min() + shift >= 0 and rows.max() + shift < CFG.pitch_classes:
                expected.append((loop, shift))
    assert pairs(train) == sorted(expected)
    assert len(train) > len(originals)  # the data above leaves room for some shifts

    rows, owner = table.note_index(train.loops)
    shifted = table.row[rows].astype(int) + train.shifts[owner]
    assert shifted.min() >= 0
    assert shifted.max() < CFG.pitch_classes


def test_same_seed_same_split_and_different_seeds_differ():
    table = make_table([2] * 24)
    first = split_by_source(table, CFG, seed=11)
    again = split_by_source(table, CFG, seed=11)
    assert pairs(first[0]) == pairs(again[0])
    assert pairs(first[1]) == pairs(again[1])
    val_sources = {frozenset(split_by_source(table, CFG, seed)[1].sources) for seed in range(5)}
    assert len(val_sources) >= 4  # 4 of 24 sources to validation: C(24, 4) ways


def test_single_source_is_split_in_time_order_with_a_warning():
    table = make_table([12])
    train, val, warnings = split_by_source(table, CFG, seed=0)
    assert len(warnings) == 1
    assert "one source" in warnings[0]
    assert val.loops.tolist() == [10, 11]  # the last loops, round(5/6 * 12) = 10 to train
    assert sorted(set(train.loops.tolist())) == list(range(10))


@pytest.mark.parametrize("loops", [[], [1]])
def test_fewer_than_two_loops_raise_a_clear_error(loops):
    # ancestor D1: too little data silently "trained" to a NaN loss
    table = make_table(loops)
    with pytest.raises(TooFewLoops, match=r"at least 2.*min_onsets"):
        split_by_source(table, CFG, seed=0)


def test_a_train_side_of_one_example_is_refused():
    table = make_table([1, 1])
    with pytest.raises(TooFewLoops, match="train split has 1 example"):
        split_by_source(table, DataConfig(transpositions=[]), seed=0)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 17, 64, 65, 129])
@pytest.mark.parametrize("batch_size", [2, 3, 4, 64])
@pytest.mark.parametrize("shuffle", [False, True])
def test_batches_cover_every_example_once_and_are_never_a_single_example(n, batch_size, shuffle):
    rng = np.random.default_rng(n) if shuffle else None
    batches = list(batch_indices(n, batch_size, rng))
    assert sorted(np.concatenate([*batches, np.zeros(0, int)]).tolist()) == list(range(n))
    sizes = [len(b) for b in batches]
    if n > 1:
        assert min(sizes) >= 2
    assert max(sizes, default=0) <= batch_size + 1


def test_shuffled_batches_change_order_with_the_rng():
    first = np.concatenate(list(batch_indices(50, 8, np.random.default_rng(0))))
    second = np.concatenate(list(batch_indices(50, 8, np.random.default_rng(1))))
    ordered = np.concatenate(list(batch_indices(50, 8, None)))
    assert ordered.tolist() == list(range(50))
    assert first.tolist() != second.tolist()
