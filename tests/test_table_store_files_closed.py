"""A memory-mapped table closes its files when it goes: they were left to the garbage collector, so every table read
(8 files; each evaluate call reads one) was a ResourceWarning in a notebook that shows them, and a damaged set entry
left its files open too."""

from __future__ import annotations

import gc
import warnings

import pytest

from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset
from mvae_core.data.table_store import open_table


def test_a_mapped_table_closes_its_files_when_it_goes(synth_dir, tmp_path):
    cfg = DataConfig(cache_dir=tmp_path / "cache")
    load_dataset([str(synth_dir)], cfg)  # writes the set entry
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        table, _ = load_dataset([str(synth_dir)], cfg)  # read from the set entry, mapped
        files = list(table.files.values())
        assert table.gather(table.offsets[:1] + 0).keys()  # pread through them works while the table lives
        del table
        gc.collect()  # which may also end an object an earlier test left with a file or socket open: not ours
    assert all(file.closed for file in files)
    assert not [w for w in caught if issubclass(w.category, ResourceWarning) and str(tmp_path) in str(w.message)]


def test_a_damaged_entry_leaves_no_file_open(synth_dir, tmp_path):
    cfg = DataConfig(cache_dir=tmp_path / "cache")
    load_dataset([str(synth_dir)], cfg)
    (entry,) = (tmp_path / "cache" / "sets").glob("set-*")
    (entry / "offsets.npy").write_bytes(b"garbage")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        with pytest.raises(ValueError):
            open_table(entry)
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning) and str(tmp_path) in str(w.message)]
