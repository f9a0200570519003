"""A parse cache that a class shares (``MVAE_CACHE_DIR`` set for every student, its folder ``chmod 1777``).

A unit entry in a folder that another student's umask 077 made private ended the next student's load with
``Permission denied`` (exit 2, "choose a place you may write to"): such an entry is now a miss.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset

NOBODY = 65534


@contextlib.contextmanager
def as_another_user() -> Iterator[None]:
    """As root, the filesystem's checks apply to user ``nobody`` inside the block (root reads every folder); as
    anyone else, a folder of mode ``0o000`` already keeps its owner out."""
    if os.geteuid() != 0:
        yield
        return
    os.setegid(NOBODY)
    os.seteuid(NOBODY)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)


@pytest.fixture
def shared(synth_dir: Path) -> Iterator[Path]:
    """A folder every user may reach (pytest's own temporary folders are private to their owner) holding the data
    and a class's cache folder, ``1777`` as ``/tmp`` is."""
    base = Path(tempfile.mkdtemp(prefix="mvae-shared-"))
    try:
        base.chmod(0o755)
        shutil.copytree(synth_dir, base / "data")
        (base / "data").chmod(0o755)  # copied with the mode of pytest's private folder
        (base / "cache").mkdir(mode=0o1777)
        (base / "cache").chmod(0o1777)
        yield base
    finally:
        shutil.rmtree(base)


def test_an_entry_another_user_keeps_private_is_a_miss_not_an_error(shared: Path):
    cache = shared / "cache"
    load_dataset([str(shared / "data")], DataConfig(cache_dir=cache))
    for folder in cache.iterdir():
        if len(folder.name) == 2:  # the unit entries' folders, as another student's umask 077 made them before
            folder.chmod(0o000)
    # another loop filter: another set entry, built from the unit entries
    cfg = DataConfig(cache_dir=cache, min_onsets=2)
    with as_another_user():
        table, report = load_dataset([str(shared / "data")], cfg)
    assert (report.parsed_units, report.cached_units) == (6, 0)
    assert table.n_loops == 24
