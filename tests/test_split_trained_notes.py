"""Validation loops that hold the very notes of a training example (a variant or excerpt of a training tune, a
shared phrase, a loop that augmentation's transposition makes) are found (``trained_loops``)."""

from __future__ import annotations

import numpy as np

from mvae_core.config import DataConfig
from mvae_core.data import table as table_module
from mvae_core.data.loops import LoopBlock
from mvae_core.data.split import LoopSet, split_by_source, trained_loops
from mvae_core.data.table import NoteTable
from mvae_core.data.table_store import TableWriter, open_table

CFG = DataConfig()  # transpositions [-12, -7, -5, 5, 7, 12]


def loops_block(loops: list[tuple[np.ndarray, int]]) -> LoopBlock:
    """One loop per ``(rows, velocity)``: its notes on steps 0, 5, 10, ... ."""
    rows = np.concatenate([r for r, _ in loops])
    return LoopBlock(
        loop=np.repeat(np.arange(len(loops)), [len(r) for r, _ in loops]).astype(np.int32),
        row=rows.astype(np.uint8),
        step=np.concatenate([np.arange(len(r)) * 5 for r, _ in loops]).astype(np.uint8),
        velocity=np.concatenate([np.full(len(r), v) for r, v in loops]).astype(np.uint8),
        duration=np.full(len(rows), 0.1, np.float32),
        timeshift=np.zeros(len(rows), np.float32),
        seconds_per_step=np.full(len(loops), 0.1, np.float32),
    )


def tune(seed: int, n_loops: int = 4) -> list[tuple[np.ndarray, int]]:
    rng = np.random.default_rng(seed)
    return [(rng.integers(6, 14, size=6), 100) for _ in range(n_loops)]


def tables(*tunes: tuple[str, list[tuple[np.ndarray, int]]]) -> NoteTable:
    blocks = [(name, loops_block(loops)) for name, loops in tunes]
    blocks += [(f"other {i}", loops_block(tune(10 + i))) for i in range(10)]
    return NoteTable.from_blocks(blocks, min_onsets=1)[0]


def test_a_variant_in_validation_is_found_with_its_transposed_loop():
    original = tune(0)
    variant = [original[0], original[1], (original[2][0] + 5, 100), (original[3][0] + 1, 100)]  # +5: augmentation's
    table = tables(("original", original), ("variant", variant))
    seed = next(s for s in range(100) if "variant" in split_by_source(table, CFG, s)[1].sources)
    train, val, _ = split_by_source(table, CFG, seed)
    assert "original" in train.sources
    found = trained_loops(train, val)
    assert val.table.source[val.loops[found]].tolist() == [table.sources.index("variant")] * 3
    train, val, _ = split_by_source(table, DataConfig(transpositions=[]), seed)
    assert trained_loops(train, val).sum() == 2  # without augmentation, the +5 loop was not trained on


def test_a_louder_loop_is_other_notes():
    original = tune(0)
    table = tables(("original", original), ("louder", [(rows, 101) for rows, _ in original]))
    for seed in range(6):
        assert not trained_loops(*split_by_source(table, CFG, seed)[:2]).any()


def test_trained_loops_are_those_equal_to_a_training_example_note_for_note(tmp_path, monkeypatch):
    rng = np.random.default_rng(3)
    shared = [(rng.integers(6, 12, size=int(rng.integers(1, 5))), 100) for _ in range(5)]  # few notes: many repeats
    blocks = []
    for i in range(14):
        picked = [shared[j] for j in rng.integers(0, 5, size=3)]
        picked = [(rows + int(rng.choice([0, 5, 7, 1, 2, 3])), v) for rows, v in picked]
        blocks.append((f"s{i}", loops_block(picked)))
    table = NoteTable.from_blocks(blocks, min_onsets=1)[0]
    with TableWriter(tmp_path / "set") as writer:
        for name, b in blocks:
            writer.add(name, b, 1)
        writer.commit()
    mapped, _ = open_table(tmp_path / "set")
    monkeypatch.setattr(table_module, "CHUNK_NOTES", 5)  # chunks of a few loops
    assert (mapped.loop_music()[0] == table.loop_music()[0]).all()

    def notes(loop: int, shift: int) -> tuple:
        first, end = table.offsets[loop], table.offsets[loop + 1]
        rows = table.row[first:end].astype(int) + shift
        return tuple(zip(rows, table.step[first:end], table.velocity[first:end], strict=True))

    found = []
    for seed in range(4):
        train, val, _ = split_by_source(table, CFG, seed)
        examples = {notes(loop, shift) for loop, shift in zip(train.loops, train.shifts, strict=True)}
        expected = [notes(loop, 0) in examples for loop in val.loops]
        assert trained_loops(train, val).tolist() == expected
        found += expected
    assert 0 < sum(found) < len(found)


def test_loops_of_other_data_are_found_in_a_training_split():
    """Data to evaluate a run on is another table: a variant of a training tune there is found loop by loop."""
    original = tune(0)
    table = tables(("original", original))
    seed = next(s for s in range(100) if "original" in split_by_source(table, CFG, s)[0].sources)
    train, _, _ = split_by_source(table, CFG, seed)
    variant = [original[1], (original[2][0] - 7, 100), (original[3][0] + 1, 100)]  # -7: an augmentation shift
    other = NoteTable.from_blocks([("variant", loops_block(variant)), ("new", loops_block(tune(99)))], 1)[0]
    scored = LoopSet(other, np.arange(other.n_loops), np.zeros(other.n_loops, np.int64))
    assert trained_loops(train, scored).tolist() == [True, True, False] + [False] * 4


def test_the_train_side_is_hashed_a_part_at_a_time_with_the_same_answer(monkeypatch):
    """An augmented train side is 7 examples a loop: hashed at once, 10 M loops took gigabytes on top of the table."""
    from mvae_core.data import split as split_module

    original = tune(0)
    variant = [original[0], original[1], (original[2][0] + 5, 100), (original[3][0] + 1, 100)]
    table = tables(("original", original), ("variant", variant))
    seed = next(s for s in range(100) if "variant" in split_by_source(table, CFG, s)[1].sources)
    train, val, _ = split_by_source(table, CFG, seed)
    whole = trained_loops(train, val)
    monkeypatch.setattr(split_module, "EXAMPLES_AT_ONCE", 3)
    assert len(train) > 3 and (trained_loops(train, val) == whole).all() and whole.sum() == 3
