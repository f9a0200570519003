"""The parse cache holds notes before the pitch rows (their MIDI pitches), and the rows are folded after it: another
``data.pitch_low`` (or ``pitch_classes``, ``out_of_range``) parses no file again, ``"auto"`` parses each file once on
an empty cache, and a window read from the unit entries another window wrote gives the table and report that an empty
cache gives at it (docs/data.md, The parse cache)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mvae_core.config import DataConfig
from mvae_core.data import load
from mvae_core.data.load import load_dataset
from mvae_core.data.score import SkipReason
from mvae_core.data.table import NoteTable
from tests.loading import assert_same_reading
from tests.synth import high_tunes

N_FILES = 4  # below load.PARALLEL_MIN_UNITS: parsed in this process, so parse_unit can be counted


@pytest.fixture(scope="module")
def high_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four files of 3 loops whose notes lie mostly in MIDI 62..85 (``"auto"`` chooses 62, not the default 48), with
    some far outside any window and chords, so folding moves notes, collides some and drops whole loops; the last
    file lies entirely above 80 (a ``drop`` at 48 leaves it no loop)."""
    return high_tunes(tmp_path_factory.mktemp("high"), N_FILES, seed=1)


def read(data: list[str], cache: Path, **settings) -> tuple[NoteTable, load.DataReport]:
    return load_dataset(data, DataConfig(cache_dir=cache, **settings))


@pytest.mark.parametrize("out_of_range", ["fold", "drop"])
def test_auto_on_an_empty_cache_parses_each_file_once(high_dir, tmp_path, parses, out_of_range):
    table, report = read([str(high_dir)], tmp_path / "cache", pitch_low="auto", out_of_range=out_of_range)
    assert report.chosen_pitch_low == 62  # another window than the provisional 48: parsed once, one table built
    assert sorted(parses) == sorted(str(path) for path in high_dir.iterdir())
    assert (report.parsed_units, report.cached_units) == (N_FILES, 0)
    assert_same_reading(
        (table, report), read([str(high_dir)], tmp_path / "cache", pitch_low="auto", out_of_range=out_of_range)
    )
    assert len(parses) == N_FILES


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ({"pitch_low": 48}, {"pitch_low": 55}),
        ({"pitch_low": 55}, {"pitch_low": "auto"}),
        ({"pitch_low": "auto"}, {"pitch_low": 48}),
        ({"pitch_low": 48}, {"pitch_low": 48, "out_of_range": "drop"}),
        ({"pitch_low": 48, "out_of_range": "drop"}, {"pitch_low": 60, "pitch_classes": 12}),
    ],
)
def test_another_window_reads_the_unit_entries_and_gives_what_an_empty_cache_gives(
    high_dir, tmp_path, parses, first, then
):
    read([str(high_dir)], tmp_path / "shared", **first)
    parsed = len(parses)
    again = read([str(high_dir)], tmp_path / "shared", **then)
    assert len(parses) == parsed and again[1].parsed_units == 0  # no file parsed for the second window
    assert_same_reading(again, read([str(high_dir)], tmp_path / "fresh", **then))


def test_the_drop_that_empties_a_file_skips_it_at_that_window_only(high_dir, tmp_path):
    """A source without loops at one window is skipped after the cache: the same unit entry gives loops at
    another."""
    name = str(high_dir / f"tune_{N_FILES - 1}.mid")
    _, at_48 = read([str(high_dir)], tmp_path / "cache", out_of_range="drop", pitch_low=48)
    _, at_80 = read([str(high_dir)], tmp_path / "cache", out_of_range="drop", pitch_low=80)
    assert [e["reason"] for e in at_48.entries if e["source"] == name] == [SkipReason.NO_LOOPS.value]
    assert [e["status"] for e in at_80.entries if e["source"] == name] == ["ok"]
    assert at_80.parsed_units == 0


def test_real_files_read_at_another_window_are_what_an_empty_cache_reads(dev_data, tmp_path, parses):
    """The two smallest files of each developer set (performed piano and jazz, quantized folk): every window gives from
    the unit entries of the first the table and report an empty cache gives."""
    files = tmp_path / "dev"
    for folder in sorted(p for p in dev_data.iterdir() if p.is_dir()):
        (files / folder.name).mkdir(parents=True)
        for path in sorted(folder.glob("*.mid"), key=lambda path: (path.stat().st_size, path.name))[:2]:
            shutil.copy(path, files / folder.name / path.name)
    read([str(files)], tmp_path / "shared", pitch_low=48)
    for window in (55, "auto"):
        parsed = len(parses)
        again = read([str(files)], tmp_path / "shared", pitch_low=window)
        assert len(parses) == parsed
        assert_same_reading(again, read([str(files)], tmp_path / f"fresh-{window}", pitch_low=window))
