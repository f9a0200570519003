"""The digest index never serves an edited file's old notes: an edit that keeps the size and sets the modification time
back is caught by the ctime (helper-413 F1)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset
from tests.synth import melody_folder
from tests.test_data_cache import age, assert_same_table


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = melody_folder(tmp_path / "melodies", n_files=2, n_loops=2, seed=4)
    age(folder)
    return folder


def raise_first_note(path: Path) -> None:
    """Rewrite ``path`` in place with its first note a semitone higher: the same number of bytes."""
    data = bytearray(path.read_bytes())
    on = data.index(0x90)
    pitch = data[on + 1]
    off = data.index(bytes([0x80, pitch]), on)
    data[on + 1] = data[off + 1] = pitch + 1
    with path.open("r+b") as file:
        file.write(data)


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
