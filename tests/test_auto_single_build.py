"""``data.pitch_low = "auto"`` reads the data once: the window is chosen from the parsed units' pitches before any
table is built, and one table is built at it. With the parse cache off each file is parsed once; with it on, an empty
cache writes one set entry, and an unchanged data set read again is one set read that parses and builds nothing. The
outcome is what reading at the provisional rows (MIDI 48), choosing from their used sources and reading again at the
chosen rows gives (docs/data.md, ``pitch_low = "auto"``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from mvae_core.config import DataConfig
from mvae_core.data import load, table_store
from mvae_core.data.cache import ParseCache
from mvae_core.data.load import DataReport, load_dataset
from mvae_core.data.pitch_window import fewest_outside, summed_counts
from mvae_core.data.table import NoteTable
from tests.loading import assert_same_reading
from tests.synth import high_tunes

HIGH_FILES = 3
PARSED = [*(f"tune_{i}.mid" for i in range(HIGH_FILES)), "zz_corrupt.mid"]
"""The units parsed (the copy is a duplicate, read unparsed): fewer than load.PARALLEL_MIN_UNITS, so parsed in this
process, where the `parses` fixture counts them."""


@pytest.fixture(scope="module")
def mixed_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three files of 3 loops mostly in MIDI 62..85 ("auto" chooses 62, not 48), with notes far outside any window and
    chords (folding moves and collides notes), the last entirely above 80 (``drop`` at 48 leaves it no loop, so it is
    not counted there); a copy of the first (a duplicate) and a corrupt file (skipped)."""
    folder = high_tunes(tmp_path_factory.mktemp("mixed"), HIGH_FILES, seed=3)
    shutil.copy(folder / "tune_0.mid", folder / "tune_0_copy.mid")
    (folder / "zz_corrupt.mid").write_bytes(b"MThd\x00\x00\x00\x06 not a MIDI file at all")
    return folder


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many set entries are written (``TableWriter.commit``) and read (``ParseCache.get_set``), and how many
    tables are built in memory (``TableBuilder.finish``), during the test."""
    counted = {"set writes": 0, "set reads": 0, "tables in memory": 0}

    def counting(owner: Any, name: str, what: str) -> None:
        original = getattr(owner, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            counted[what] += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, wrapper)

    counting(table_store.TableWriter, "commit", "set writes")
    counting(ParseCache, "get_set", "set reads")
    counting(load.TableBuilder, "finish", "tables in memory")
    return counted


def read(folder: Path, cache: Path | str, **settings: Any) -> tuple[NoteTable, DataReport]:
    return load_dataset([str(folder)], DataConfig(cache_dir=cache, **settings))


def as_chosen_by_two_readings(folder: Path, cache: Path | str, **settings: Any) -> tuple[NoteTable, DataReport]:
    """What "auto" gives by its definition: read at rows from MIDI 48, choose from the pitch counts of the sources
    used there (nearest 48 of those that fold as few), read at the chosen rows."""
    _, at_48 = read(folder, cache, pitch_low=48, **settings)
    chosen = fewest_outside(summed_counts(at_48.ok), DataConfig(**settings).pitch_classes, prefer=48).pitch_low
    table, report = read(folder, cache, pitch_low=chosen, **settings)
    report.chosen_pitch_low = chosen
    return table, report


def test_with_the_cache_off_each_file_is_parsed_once(mixed_dir, parses, calls):
    _, report = read(mixed_dir, "none", pitch_low="auto")
    assert report.chosen_pitch_low == 62  # not the provisional 48: the old reading parsed every file again there
    assert parses == [str(mixed_dir / name) for name in PARSED]
    assert (report.parsed_units, report.cached_units) == (len(PARSED), 0)
    assert calls["tables in memory"] == 1


def test_an_empty_cache_writes_one_set_entry_and_a_second_read_is_one_set_read(mixed_dir, tmp_path, parses, calls):
    first = read(mixed_dir, tmp_path / "cache", pitch_low="auto")
    assert (calls["set writes"], calls["set reads"], len(parses)) == (1, 1, len(PARSED))
    assert (first[1].parsed_units, first[1].cached_units) == (len(PARSED), 0)
    assert len(list((tmp_path / "cache" / "sets").iterdir())) == 1
    again = read(mixed_dir, tmp_path / "cache", pitch_low="auto")
    assert (calls["set writes"], calls["set reads"], len(parses), calls["tables in memory"]) == (1, 2, len(PARSED), 0)
    assert (again[1].parsed_units, again[1].cached_units) == (0, len(PARSED))
    assert_same_reading(again, first)


@pytest.mark.parametrize("out_of_range", ["fold", "drop"])
@pytest.mark.parametrize("cache", ["none", "folder"])
def test_auto_gives_what_reading_at_48_and_again_at_the_chosen_rows_gives(mixed_dir, tmp_path, out_of_range, cache):
    where = "none" if cache == "none" else tmp_path / "auto"
    table, report = read(mixed_dir, where, pitch_low="auto", out_of_range=out_of_range)
    assert {"duplicate", "corrupt or truncated MIDI"} <= set(report.skipped_by_reason())
    assert report.totals()["folded" if out_of_range == "fold" else "dropped"] > 0
    assert_same_reading(
        (table, report), as_chosen_by_two_readings(mixed_dir, tmp_path / "two", out_of_range=out_of_range)
    )


@pytest.mark.parametrize(
    "damage",
    [
        {"entries": [], "chosen_pitch_low": "62"},
        {"entries": [], "chosen_pitch_low": None},
        {"chosen_pitch_low": 62},
        [{"chosen_pitch_low": 62}],
    ],
)
def test_a_set_entry_whose_record_of_the_choice_is_damaged_is_rebuilt_and_said(mixed_dir, tmp_path, damage):
    """A set entry keeps its entries and the window chosen in one table (``set_extra``); one of another shape (a
    chosen window that is no number, no entries, the list an earlier version kept) reads as damaged: rebuilt, and
    the report says so, never a ``KeyError`` or a window of the wrong type."""
    first = read(mixed_dir, tmp_path / "cache", pitch_low="auto")
    (entry,) = (tmp_path / "cache" / "sets").iterdir()
    meta = json.loads((entry / "meta.json").read_text())
    (entry / "meta.json").write_text(json.dumps(meta | {"extra": damage}))
    again = read(mixed_dir, tmp_path / "cache", pitch_low="auto")
    assert again[1].cache_warning is not None and "damaged" in again[1].cache_warning
    assert_same_reading(again, first)
