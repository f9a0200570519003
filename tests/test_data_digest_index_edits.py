"""The digest index never serves an edited file's old notes: an edit that keeps the size and sets the modification time
back is caught by the ctime (helper-413 F1); a file edited between finding its digest in the index and reading its
bytes to parse it is skipped for that load, and its new notes never cached under the old content's key (F2)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mvae_core.config import DataConfig
from mvae_core.data import load
from mvae_core.data.load import CHANGED_WHILE_READ, load_dataset
from tests.synth import melody_folder
from tests.test_data_cache import age, assert_same_table


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = melody_folder(tmp_path / "melodies", n_files=2, n_loops=2, seed=4)
    age(folder)
    return folder


def first_note_raised(midi: bytes) -> bytes:
    """``midi`` with its first note a semitone higher: the same number of bytes."""
    data = bytearray(midi)
    on = data.index(0x90)
    pitch = data[on + 1]
    off = data.index(bytes([0x80, pitch]), on)
    data[on + 1] = data[off + 1] = pitch + 1
    return bytes(data)


def raise_first_note(path: Path) -> None:
    """Rewrite ``path`` in place with its first note a semitone higher."""
    edited = first_note_raised(path.read_bytes())
    with path.open("r+b") as file:
        file.write(edited)


def test_an_edit_that_keeps_the_size_and_sets_the_time_back_is_read_again(folder, tmp_path):
    cfg = DataConfig(cache_dir=tmp_path / "cache")
    first, _ = load_dataset([str(folder)], cfg)
    edited = sorted(folder.iterdir())[0]
    before = edited.stat()
    raise_first_note(edited)
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (edited.stat().st_size, edited.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)

    second, report = load_dataset([str(folder)], cfg)
    truth, _ = load_dataset([str(folder)], DataConfig(cache_dir="none"))
    assert report.parsed_units == 1
    assert_same_table(second, truth)
    assert not (first.row == second.row).all()


def edited_when_read(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The first file of ``folder``, made to read as edited (its first note raised) when the loader reads its bytes
    to parse it: the user saved an edit after its digest was taken from the index."""
    edited = sorted(folder.iterdir())[0]
    original = load.read_unit_bytes

    def read(path: Path) -> bytes:
        data = original(path)
        return first_note_raised(data) if Path(path) == edited else data

    monkeypatch.setattr(load, "read_unit_bytes", read)
    return edited


def skipped_as_changed(report: load.DataReport, path: Path) -> bool:
    entry = next(e for e in report.entries if e["source"] == str(path))
    return (entry["status"], entry["reason"], entry["detail"]) == ("skipped", "unreadable", CHANGED_WHILE_READ)


def test_a_file_edited_before_its_bytes_are_read_is_skipped_and_its_notes_not_cached(folder, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    load_dataset([str(folder)], DataConfig(cache_dir=cache))  # records the digests
    other = DataConfig(cache_dir=cache, max_duration_steps=8)  # another unit key: each file's bytes are read again
    with monkeypatch.context() as patch:
        edited = edited_when_read(folder, patch)
        _, report = load_dataset([str(folder)], other)
    assert skipped_as_changed(report, edited)
    again, report = load_dataset([str(folder)], other)  # the file as it is: never the edit under its key
    truth, _ = load_dataset([str(folder)], DataConfig(cache_dir="none", max_duration_steps=8))
    assert report.ok and len(report.ok) == 2
    assert_same_table(again, truth)


def test_a_file_edited_before_a_damaged_entry_is_parsed_again_keeps_no_set_entry(folder, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    load_dataset([str(folder)], DataConfig(cache_dir=cache))
    for entry in cache.glob("*/*.npz"):
        entry.write_bytes(b"damaged")
    other = DataConfig(cache_dir=cache, min_onsets=2)  # the same unit entries, another set entry
    with monkeypatch.context() as patch:
        edited = edited_when_read(folder, patch)
        _, report = load_dataset([str(folder)], other)
    assert skipped_as_changed(report, edited)
    again, report = load_dataset([str(folder)], other)
    truth, _ = load_dataset([str(folder)], DataConfig(cache_dir="none", min_onsets=2))
    assert len(report.ok) == 2
    assert_same_table(again, truth)
