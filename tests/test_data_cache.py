"""The parse cache: warm loads parse nothing and give the same table; any change that matters re-parses."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from mvae_core.config import DataConfig
from mvae_core.data import load
from mvae_core.data.digests import INDEX
from mvae_core.data.load import load_dataset
from mvae_core.data.split import split_by_source
from mvae_core.data.table import NoteTable
from tests.synth import melody_folder, random_melody, write_midi

N_FILES = 4  # below load.PARALLEL_MIN_UNITS: parsed in this process, so parse_unit can be counted


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return melody_folder(tmp_path / "melodies", n_files=N_FILES, n_loops=3, seed=4)


def assert_same_table(a, b) -> None:
    for f in dataclasses.fields(NoteTable):  # a MappedNoteTable adds where it lives
        x, y = getattr(a, f.name), getattr(b, f.name)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype, f.name
            assert np.array_equal(x, y), f.name
        else:
            assert x == y, f.name


def test_second_load_parses_nothing_and_gives_the_same_table(folder, tmp_path, parses):
    cfg = DataConfig(cache_dir=tmp_path / "cache")
    first, report1 = load_dataset([str(folder)], cfg)
    assert (report1.parsed_units, report1.cached_units, len(parses)) == (N_FILES, 0, N_FILES)
    second, report2 = load_dataset([str(folder)], cfg)
    assert (report2.parsed_units, report2.cached_units, len(parses)) == (0, N_FILES, N_FILES)
    assert_same_table(first, second)
    assert report2.entries == report1.entries
    assert first.n_loops == N_FILES * 3


def test_a_parse_setting_reparses_and_a_training_setting_or_the_pitch_rows_do_not(folder, tmp_path, parses):
    cache = tmp_path / "cache"
    load_dataset([str(folder)], DataConfig(cache_dir=cache))
    _, report = load_dataset([str(folder)], DataConfig(cache_dir=cache, pitch_low=40))
    assert (report.parsed_units, report.cached_units) == (0, N_FILES)  # folded after the cache
    _, report = load_dataset([str(folder)], DataConfig(cache_dir=cache, max_duration_steps=8))
    assert report.parsed_units == N_FILES
    table, report = load_dataset([str(folder)], DataConfig(cache_dir=cache, min_onsets=13, transpositions=[]))
    assert report.parsed_units == 0
    assert table.n_loops == 0  # min_onsets is applied after the cache: 12-note loops are all dropped


def test_changed_file_content_reparses_only_that_file(folder, tmp_path, parses):
    cfg = DataConfig(cache_dir=tmp_path / "cache")
    load_dataset([str(folder)], cfg)
    changed = folder / "melody_02.mid"
    write_midi(changed, random_melody(np.random.default_rng(99), n_loops=5))
    del parses[:]
    table, report = load_dataset([str(folder)], cfg)
    assert (report.parsed_units, report.cached_units) == (1, N_FILES - 1)
    assert parses == [str(changed)]
    fresh, _ = load_dataset([str(folder)], DataConfig(cache_dir="none"))
    assert_same_table(table, fresh)
    assert table.n_loops == 3 * (N_FILES - 1) + 5


DAMAGES = {
    "empty": lambda data: b"",
    "garbage": lambda data: b"not a cache entry at all",
    "truncated": lambda data: data[: len(data) // 2],
    "flipped byte": lambda data: (
        data[: len(data) // 2] + bytes([data[len(data) // 2] ^ 0xFF]) + data[len(data) // 2 + 1 :]
    ),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_unit_entry_is_a_miss_and_is_rewritten(folder, tmp_path, damage):
    cache = tmp_path / "cache"
    cfg = DataConfig(cache_dir=cache)
    first, _ = load_dataset([str(folder)], cfg)
    entries = sorted(cache.rglob("*.npz"))
    assert len(entries) == N_FILES  # one per file (the whole set is a directory: sets/)
    for entry in entries:
        entry.write_bytes(DAMAGES[damage](entry.read_bytes()))
    shutil.rmtree(cache / "sets")
    second, report = load_dataset([str(folder)], cfg)
    assert report.parsed_units == N_FILES
    assert_same_table(first, second)
    _, report = load_dataset([str(folder)], cfg)
    assert report.cached_units == N_FILES


@pytest.mark.parametrize("damage", ["empty", "garbage", "truncated"])
@pytest.mark.parametrize("name", ["meta.json", "row.npy", "timeshift.npy", "offsets.npy"])
def test_a_damaged_set_entry_is_a_miss_and_is_rewritten(folder, tmp_path, parses, damage, name):
    """The set's files are memory-mapped, not checksummed: what is checked is their structure (header, dtype, length,
    size, the offsets' ends), which catches every damage here; a flipped byte among the notes would go unseen."""
    cfg = DataConfig(cache_dir=tmp_path / "cache")
    load_dataset([str(folder)], cfg)  # its table is unmapped before the damage (truncating a mapped file: SIGBUS)
    first, _ = load_dataset([str(folder)], DataConfig(cache_dir="none"))
    (entry,) = (tmp_path / "cache" / "sets").iterdir()
    (entry / name).write_bytes(DAMAGES[damage]((entry / name).read_bytes()))
    parses.clear()
    second, report = load_dataset([str(folder)], cfg)
    assert parses == [] and report.cached_units == N_FILES  # rebuilt from the unit entries
    assert_same_table(first, second)
    third, _ = load_dataset([str(folder)], cfg)
    assert isinstance(third.row, np.memmap)  # the rewritten entry is whole again
    assert_same_table(first, third)


def test_cache_dir_none_disables_caching(folder, tmp_path, monkeypatch, parses):
    default_dir = tmp_path / "default-cache"
    monkeypatch.setenv("MVAE_CACHE_DIR", str(default_dir))
    for _ in range(2):
        _, report = load_dataset([str(folder)], DataConfig(cache_dir="none"))
        assert (report.parsed_units, report.cached_units) == (N_FILES, 0)
    assert len(parses) == 2 * N_FILES
    assert not default_dir.exists()
    load_dataset([str(folder)], DataConfig())  # no cache_dir: $MVAE_CACHE_DIR
    assert len(list(default_dir.rglob("*.npz"))) == N_FILES
    assert len(list((default_dir / "sets").iterdir())) == 1


def test_cached_sources_are_named_after_where_they_are_now(folder, tmp_path):
    cfg = DataConfig(cache_dir=tmp_path / "cache")
    load_dataset([str(folder)], cfg)
    moved = Path(shutil.copytree(folder, tmp_path / "moved"))
    table, report = load_dataset([str(moved)], cfg)
    assert report.cached_units == N_FILES
    assert table.sources == [str(moved / f"melody_{i:02d}.mid") for i in range(N_FILES)]
    assert [e["source"] for e in report.entries] == table.sources


def test_a_partly_warm_cache_gives_the_same_order_and_split_as_a_cold_load(folder, tmp_path):
    cfg = DataConfig(cache_dir=tmp_path / "cache")
    load_dataset([str(folder / "melody_01.mid"), str(folder / "melody_03.mid")], cfg)
    warm, report = load_dataset([str(folder)], cfg)
    assert (report.parsed_units, report.cached_units) == (2, 2)
    cold, _ = load_dataset([str(folder)], DataConfig(cache_dir="none"))
    assert_same_table(warm, cold)
    for side_warm, side_cold in zip(split_by_source(warm, cfg, 3)[:2], split_by_source(cold, cfg, 3)[:2], strict=True):
        assert side_warm.loops.tolist() == side_cold.loops.tolist()
        assert side_warm.shifts.tolist() == side_cold.shifts.tolist()


def test_worker_processes_give_the_same_table(folder, monkeypatch):
    serial, _ = load_dataset([str(folder)], DataConfig(cache_dir="none"), jobs=1)
    monkeypatch.setattr(load, "PARALLEL_MIN_UNITS", 2)
    parallel, report = load_dataset([str(folder)], DataConfig(cache_dir="none"), jobs=2)
    assert report.parsed_units == N_FILES
    assert_same_table(serial, parallel)


def test_a_stored_note_costs_at_most_32_bytes(synth_dir):
    table, _ = load_dataset([str(synth_dir)], DataConfig(min_onsets=1))
    assert table.n_notes > 0
    assert table.nbytes() / table.n_notes <= 32


def test_an_unchanged_data_set_reloads_from_one_set_entry(folder, tmp_path, monkeypatch):
    from mvae_core.data.cache import ParseCache

    cfg = DataConfig(cache_dir=tmp_path / "cache")
    first, _ = load_dataset([str(folder)], cfg)
    monkeypatch.setattr(ParseCache, "get", lambda self, key: pytest.fail("per-file entries were read"))
    second, report = load_dataset([str(folder)], cfg)
    assert (report.cached_units, report.parsed_units) == (N_FILES, 0)
    assert_same_table(first, second)
    assert len(report.entries) == N_FILES


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the files whose bytes the loader reads."""
    seen: list[str] = []
    original = load.read_unit_bytes

    def counting(path):
        seen.append(Path(path).name)
        return original(path)

    monkeypatch.setattr(load, "read_unit_bytes", counting)
    return seen


def age(*paths: Path, seconds: float = 60.0) -> None:
    """Set the modification time of files (of every file in a folder) ``seconds`` back, past the racy window of the
    digest index."""
    for path in paths:
        for file in path.iterdir() if path.is_dir() else [path]:
            stamp = file.stat().st_mtime - seconds
            os.utime(file, (stamp, stamp))


def test_unchanged_files_are_not_read_again(folder, tmp_path, reads):
    age(folder)
    cfg = DataConfig(cache_dir=tmp_path / "cache")
    first, _ = load_dataset([str(folder)], cfg)
    assert len(reads) == N_FILES
    reads.clear()
    second, report = load_dataset([str(folder)], cfg)
    assert reads == [] and report.parsed_units == 0
    assert_same_table(first, second)


def test_a_file_with_a_new_modification_time_is_read_and_reparsed(folder, tmp_path, reads, parses):
    age(folder)
    cfg = DataConfig(cache_dir=tmp_path / "cache")
    load_dataset([str(folder)], cfg)
    changed = folder / "melody_01.mid"
    write_midi(changed, random_melody(np.random.default_rng(7), n_loops=2))
    age(changed, seconds=30.0)  # past the racy window, and not the recorded time
    reads.clear()
    parses.clear()
    table, _ = load_dataset([str(folder)], cfg)
    assert reads == ["melody_01.mid"] and parses == [str(changed)]
    assert table.n_loops == (N_FILES - 1) * 3 + 2


def test_a_file_modified_just_now_is_not_recorded(folder, tmp_path, reads):
    """Its contents could still change within the same clock tick, keeping the size and time the index holds."""
    cfg = DataConfig(cache_dir=tmp_path / "cache")
    load_dataset([str(folder)], cfg)  # written by the fixture a moment ago
    reads.clear()
    load_dataset([str(folder)], cfg)
    assert len(reads) == N_FILES


@pytest.mark.parametrize("damage", [b"", b"{not json", b"[1, 2]", b'{"/x": "y"}'])
def test_a_damaged_digest_index_only_costs_reading_the_files(folder, tmp_path, reads, damage):
    age(folder)
    cfg = DataConfig(cache_dir=tmp_path / "cache")
    first, _ = load_dataset([str(folder)], cfg)
    (tmp_path / "cache" / INDEX).write_bytes(damage)
    reads.clear()
    second, report = load_dataset([str(folder)], cfg)
    assert len(reads) == N_FILES and report.parsed_units == 0
    assert_same_table(first, second)
