"""A cache disk that fills up (or fails) while entries are written leaves no temporary files behind; the load still
succeeds (a cache that cannot be written only costs a re-parse next time)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import numpy as np
import pytest

from mvae_core.config import DataConfig
from mvae_core.data.digests import INDEX
from mvae_core.data.load import load_dataset
from tests.synth import melody_folder


def disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_failing_unit_entry_write_leaves_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = melody_folder(tmp_path / "melodies", n_files=3, n_loops=2, seed=1)
    real_savez = np.savez

    def savez_then_full(file, **arrays):  # some bytes reach the disk, then it is full
        real_savez(file, **arrays)
        disk_full()

    monkeypatch.setattr(np, "savez", savez_then_full)
    cache = tmp_path / "cache"
    table, report = load_dataset([str(folder)], DataConfig(cache_dir=cache))
    assert len(report.ok) == 3 and table.n_loops > 0
    assert not [p.name for p in cache.rglob("*tmp*")]


def test_a_failing_digest_index_write_leaves_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = melody_folder(tmp_path / "melodies", n_files=3, n_loops=2, seed=1)
    for path in folder.iterdir():  # older than the racy window, so the digests are recorded
        os.utime(path, (1e9, 1e9))
    real_replace = os.replace

    def replace_fails_for_the_index(src, dst, *args, **kwargs):  # the rename of the written index fails
        if Path(dst).name == INDEX:
            disk_full()
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace_fails_for_the_index)
    cache = tmp_path / "cache"
    load_dataset([str(folder)], DataConfig(cache_dir=cache))
    assert not (cache / INDEX).exists()
    assert not [p.name for p in cache.rglob("*tmp*")]
