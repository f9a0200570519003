"""A garbled column of a parse cache's set entry (same length, other bytes) was read without a word: nonsense notes
trained on. Opening a table now checks the CRC-32 its writer recorded of each column (a table whose notes take at
most VERIFIED_NOTE_BYTES); a larger one checks the ranges of every batch it reads; a damaged entry is rebuilt with
a one-line notice."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from mvae_core.config import DataConfig
from mvae_core.data import table_store
from mvae_core.data.batches import DeviceLoops, densify
from mvae_core.data.load import load_dataset
from mvae_core.data.loops import LoopBlock
from mvae_core.data.split import LoopSet
from mvae_core.data.table_store import DamagedTable, TableWriter, open_table


def _block(notes_per_loop: int = 6, loops: int = 4) -> LoopBlock:
    n = notes_per_loop * loops
    rng = np.random.default_rng(0)
    return LoopBlock(
        loop=np.repeat(np.arange(loops), notes_per_loop).astype(np.int32),
        row=rng.integers(0, 40, n).astype(np.uint8),
        step=rng.integers(0, 32, n).astype(np.uint8),
        velocity=rng.integers(1, 128, n).astype(np.uint8),
        duration=rng.random(n).astype(np.float32),
        timeshift=rng.uniform(-1, 1, n).astype(np.float32),
        seconds_per_step=np.full(loops, 0.125, np.float32),
    )


def _written(directory: Path) -> Path:
    with TableWriter(directory) as writer:
        writer.add("a.mid", _block(), 1)
        writer.commit({"entries": []})
    return directory


def _overwrite_data(path: Path, garbage: bytes) -> None:
    """Replace the last ``len(garbage)`` bytes of the ``.npy`` file (its data): the same length, other content."""
    data = bytearray(path.read_bytes())
    data[len(data) - len(garbage) :] = garbage
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("column", "garbage"),
    [
        ("duration", b"\xff\x7f\x00\x01" * 24),  # the whole column garbled
        ("velocity", None),  # the last velocity one louder, still a velocity: only a checksum sees it
        ("seconds_per_step", b"\x00\x00\x80\x7f"),  # a per-loop column
    ],
    ids=["note column", "one value in range", "loop column"],
)
def test_a_garbled_column_of_the_same_length_is_refused_at_opening(tmp_path, column, garbage):
    directory = _written(tmp_path / "set")
    table, _ = open_table(directory)
    if garbage is None:
        garbage = bytes([table.velocity[-1] % 127 + 1])
    del table
    _overwrite_data(directory / f"{column}.npy", garbage)
    with pytest.raises(ValueError, match=f"{column}.npy: its CRC-32 is not the one written"):
        open_table(directory)


def test_a_table_too_large_to_checksum_refuses_a_batch_with_garbage(tmp_path, monkeypatch):
    directory = _written(tmp_path / "set")
    _overwrite_data(directory / "step.npy", b"\xc8" * 3)  # step 200: no step of a 32-step loop
    monkeypatch.setattr(table_store, "VERIFIED_NOTE_BYTES", 0)  # as a table larger than the limit
    table, _ = open_table(directory)
    data = LoopSet(table, np.arange(table.n_loops), np.zeros(table.n_loops, np.int64))
    densify(data, np.array([0]), 48)  # the first loop's notes are as written
    with pytest.raises(DamagedTable, match=r"set \(a data set in the parse cache\) is damaged: step values outside"):
        densify(data, np.array([3]), 48)
    with pytest.raises(DamagedTable, match="delete that folder and run again"):
        DeviceLoops(data, torch.device("cpu"))


def test_a_damaged_set_entry_is_rebuilt_with_a_notice(tmp_path, synth_dir):
    cfg = DataConfig(cache_dir=str(tmp_path / "cache"))
    first, report = load_dataset([str(synth_dir)], cfg, jobs=1)
    assert report.cache_warning is None
    expected = np.array(first.duration)
    (entry,) = (tmp_path / "cache" / "sets").iterdir()
    _overwrite_data(entry / "duration.npy", np.full(len(expected), 0.5, np.float32).tobytes())
    again, report = load_dataset([str(synth_dir)], cfg, jobs=1)
    assert report.cache_warning is not None
    assert report.cache_warning.startswith("the parse cache's copy of this data set was damaged (")
    assert f"{entry}: duration.npy: its CRC-32 is not the one written" in report.cache_warning
    assert report.cache_warning.endswith("), so it was rebuilt")
    np.testing.assert_array_equal(again.duration, expected)
    _, report = load_dataset([str(synth_dir)], cfg, jobs=1)  # rewritten: a whole entry again
    assert report.cache_warning is None and report.cached_units > 0
