"""Sources with the same music (a re-saved copy, one tune twice, a transposed copy) are one group of the
train/validation split: always on one side, so validation never scores a loop the model trained on; every other
source keeps the side that the split by source gave it before groups existed."""

from __future__ import annotations

import numpy as np
import pytest

from mvae_core.config import DataConfig
from mvae_core.data import table as table_module
from mvae_core.data.load import SAME_NOTES, load_dataset, same_notes_message
from mvae_core.data.loops import LoopBlock
from mvae_core.data.split import TooFewLoops, split_by_source
from mvae_core.data.table import NoteTable
from mvae_core.data.table_store import TableWriter, open_table
from tests.synth import SynthNote, random_melody, write_midi

CFG = DataConfig()  # train_fraction 5/6


def block(seed: int, n_loops: int, transpose: int = 0, velocity: int = 100) -> LoopBlock:
    """``n_loops`` loops of 6 notes on rows 4..15 (so a transposition by up to ±4 stays in range), drawn by ``seed``."""
    rng = np.random.default_rng(seed)
    notes = 6 * n_loops
    return LoopBlock(
        loop=np.repeat(np.arange(n_loops), 6).astype(np.int32),
        row=(rng.integers(4, 16, size=notes) + transpose).astype(np.uint8),
        step=np.tile(np.arange(6) * 5, n_loops).astype(np.uint8),
        velocity=np.full(notes, velocity, np.uint8),
        duration=rng.random(notes).astype(np.float32),  # timing and length are not what makes a copy
        timeshift=rng.uniform(-1, 1, notes).astype(np.float32),
        seconds_per_step=np.full(n_loops, 0.1, np.float32),
    )


def table_of(blocks: list[tuple[str, LoopBlock]]) -> NoteTable:
    return NoteTable.from_blocks(blocks, min_onsets=1)[0]


def sides(table: NoteTable, seed: int) -> tuple[set[str], set[str]]:
    train, val, _ = split_by_source(table, CFG, seed)
    return train.sources, val.sources


def sides_before_groups(table: NoteTable, seed: int) -> tuple[set[str], set[str]]:
    """The split by source as it was before copies were grouped: the seeded permutation's first
    ``round(train_fraction × sources)`` (at least one, one less than all) train."""
    n = len(table.sources)
    order = np.random.default_rng(seed).permutation(n)
    n_train = min(max(1, round(CFG.train_fraction * n)), n - 1)
    return {table.sources[i] for i in order[:n_train]}, {table.sources[i] for i in order[n_train:]}


@pytest.mark.parametrize("n", [2, 3, 7, 12, 40])
def test_a_set_without_copies_splits_as_before(n):
    table = table_of([(f"s{i:02d}", block(i, 1 + i % 3)) for i in range(n)])
    for seed in range(12):
        assert sides(table, seed) == sides_before_groups(table, seed)
    if n == 12:  # one seed's sides written out, so the rule above cannot drift with the code
        assert sorted(sides(table, 0)[1]) == ["s01", "s08"]  # what mvae gave before groups


def test_copies_share_a_side_and_every_other_source_keeps_its_side():
    originals = [(f"s{i:02d}", block(i, 2)) for i in range(12)]
    copies = [
        ("s00 resaved", block(0, 2)),
        ("s03 up 2", block(3, 2, transpose=2)),
        ("s05 down 4", block(5, 2, transpose=-4)),
        ("s05 again", block(5, 2)),
    ]
    table = table_of(originals + copies)
    groups = [{"s00", "s00 resaved"}, {"s03", "s03 up 2"}, {"s05", "s05 down 4", "s05 again"}]
    copied = set().union(*groups)
    straddled = 0
    for seed in range(40):
        train, val = sides(table, seed)
        assert train.isdisjoint(val) and train | val == set(table.sources)
        for group in groups:
            assert group <= train or group <= val, (seed, group)
        old_train, old_val = sides_before_groups(table, seed)
        assert train - copied == old_train - copied and val - copied == old_val - copied
        straddled += any(not (g <= old_train or g <= old_val) for g in groups)
    assert straddled > 20  # without groups, most seeds put a copy on the other side of its original


def test_another_velocity_is_other_music():
    table = table_of([("a", block(1, 2)), ("a louder", block(1, 2, velocity=110))])
    assert len({key.digest for key in table.music_keys()}) == 2


def test_when_the_copies_fill_the_train_side_the_last_group_validates():
    # three sources, two of them copies: whenever the seeded order puts the copy after the third source, the copy's
    # group would take both train places and leave validation empty
    table = table_of([("a", block(1, 2)), ("b", block(2, 2)), ("a copy", block(1, 2))])
    for seed in range(12):
        train, val = sides(table, seed)
        assert val in ({"b"}, {"a", "a copy"}) and train == set(table.sources) - val


def test_copies_of_one_source_are_split_in_time_order_like_one_source():
    table = table_of([("a", block(1, 6)), ("a copy", block(1, 6, transpose=3))])
    train, val, warnings = split_by_source(table, CFG, seed=0)
    assert val.loops.tolist() == [5, 11]  # the last loop of each: round(5/6 * 6) = 5 train
    assert sorted(set(train.loops.tolist())) == [0, 1, 2, 3, 4, 6, 7, 8, 9, 10]
    assert warnings == [
        "only one source's notes (2 copies of them): validation is its last loops (a by-file split needs >= 2 files "
        "with other notes), so validation scores are optimistic"
    ]


def test_copies_of_a_one_loop_source_are_refused_naming_why():
    table = table_of([("a", block(1, 1)), ("a copy", block(1, 1))])
    with pytest.raises(TooFewLoops, match=r"the 2 sources hold the same notes \(copies of one another\), 1 loop"):
        split_by_source(table, CFG, seed=0)


def test_music_keys_do_not_depend_on_the_chunks_of_a_mapped_table(tmp_path, monkeypatch):
    blocks = [(f"s{i}", block(i, 5)) for i in range(6)] + [("s2 copy", block(2, 5, transpose=-3))]
    in_memory = table_of(blocks)
    with TableWriter(tmp_path / "set") as writer:
        for name, b in blocks:
            writer.add(name, b, 1)
        writer.commit()
    mapped, _ = open_table(tmp_path / "set")
    monkeypatch.setattr(table_module, "CHUNK_NOTES", 7)  # chunks end inside sources
    assert mapped.music_keys() == in_memory.music_keys()
    keys = in_memory.music_keys()
    assert keys[-1].digest == keys[2].digest and keys[-1].first_row == keys[2].first_row - 3


def _melody(transpose: int = 0) -> list[SynthNote]:
    notes = random_melody(np.random.default_rng(7), 4, offset_std=0.2, pitch_range=(52, 62))  # +5 stays in range
    return [SynthNote(n.pitch + transpose, n.start, n.end, n.velocity) for n in notes]


def test_transposed_and_retimed_files_are_named_and_kept_on_their_originals_side(tmp_path):
    write_midi(tmp_path / "a tune.mid", _melody())
    write_midi(tmp_path / "b tune up 5.mid", _melody(5))  # what augmentation makes of a training loop
    write_midi(tmp_path / "c tune at 90 bpm.mid", _melody(), tempos=[(0, 90.0)])
    for i in range(6):
        write_midi(tmp_path / f"other {i}.mid", random_melody(np.random.default_rng(100 + i), 3))
    table, report = load_dataset([str(tmp_path)], DataConfig(cache_dir="none"))
    warned = {e["source"]: e.get("warnings", []) for e in report.entries}
    first = str(tmp_path / "a tune.mid")
    assert warned[str(tmp_path / "b tune up 5.mid")] == [{"kind": SAME_NOTES, "message": same_notes_message(first, 5)}]
    assert warned[str(tmp_path / "c tune at 90 bpm.mid")] == [
        {"kind": SAME_NOTES, "message": same_notes_message(first)}
    ]
    assert "5 semitones higher" in same_notes_message(first, 5) and "1 semitone lower" in same_notes_message(first, -1)
    tune = {first, str(tmp_path / "b tune up 5.mid"), str(tmp_path / "c tune at 90 bpm.mid")}
    for seed in range(10):
        train, val = sides(table, seed)
        assert tune <= train or tune <= val


def test_report_entries_name_each_sources_music_so_copies_in_other_data_can_be_found(tmp_path):
    write_midi(tmp_path / "train" / "a tune.mid", _melody())
    write_midi(tmp_path / "train" / "b other.mid", random_melody(np.random.default_rng(1), 3))
    write_midi(tmp_path / "held" / "a tune up 3.mid", _melody(3))  # other bytes: another key
    write_midi(tmp_path / "held" / "c new.mid", random_melody(np.random.default_rng(2), 3))
    _, trained = load_dataset([str(tmp_path / "train")], DataConfig(cache_dir=str(tmp_path / "cache")))
    _, held = load_dataset([str(tmp_path / "held")], DataConfig(cache_dir=str(tmp_path / "cache")))
    music = {e["music"]: e["source"] for e in trained.entries}
    assert len(music) == 2 and all(len(digest) == 16 for digest in music)
    copies = [(e["source"], music[e["music"]]) for e in held.entries if e["music"] in music]
    assert copies == [(str(tmp_path / "held" / "a tune up 3.mid"), str(tmp_path / "train" / "a tune.mid"))]
    assert held.entries[0]["content"] not in {e["content"] for e in trained.entries}  # not found by file content
