"""A parse cache that a class shares (``MVAE_CACHE_DIR`` set for every student, its folder ``chmod 1777``).

Before, what one student wrote was private to them: a set entry was a ``0o700`` folder whatever the umask, and with
umask 077 every folder and entry was. The next student's load failed with ``Permission denied`` on an entry they
could not reach (exit 2, "choose a place you may write to"), or, with umask 022, warned on every load that the set
could not be written (the first student owned ``sets/``) and held it in memory. Now what the cache creates is as
accessible as its folder, and an entry another user keeps private is a miss.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from mvae_core.config import DataConfig
from mvae_core.data.load import load_dataset
from mvae_core.data.table_store import TableWriter

NOBODY = 65534


def modes(folder: Path) -> dict[str, int]:
    """The permission bits (with sticky and set-group-ID) of what is in ``folder``'s subfolders, by kind and place
    (``file-digests.json`` is left out: data modified in the last 2 s is not recorded in it)."""
    found: dict[str, int] = {}
    for path in (p for p in folder.rglob("*") if p.parent != folder or p.is_dir()):
        kind = "dir" if path.is_dir() else "file"
        where = "set" if "sets" in path.relative_to(folder).parts[:-1] else path.relative_to(folder).parts[0]
        where = "unit" if len(where) == 2 else where
        found.setdefault(f"{where} {kind}", stat.S_IMODE(path.stat().st_mode))
    return found


@contextlib.contextmanager
def umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


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
        for folder in (base / "cache").iterdir():  # a test's 0o000 folders: their owner may not empty them otherwise
            if folder.is_dir():
                folder.chmod(0o755)
        shutil.rmtree(base)


def test_a_shared_cache_keeps_what_a_private_umask_writes_readable_by_all(shared: Path):
    with umask(0o077):
        load_dataset([str(shared / "data")], DataConfig(cache_dir=shared / "cache"))
    assert modes(shared / "cache") == {
        "unit dir": 0o1777,
        "unit file": 0o644,
        "sets dir": 0o1777,
        "set dir": 0o755,
        "set file": 0o644,
        "lineages dir": 0o1777,
        "lineages file": 0o644,
    }


def test_a_private_cache_stays_private_whatever_the_umask(synth_dir: Path, tmp_path: Path):
    (tmp_path / "cache").mkdir(mode=0o700)
    with umask(0o022):
        load_dataset([str(synth_dir)], DataConfig(cache_dir=tmp_path / "cache"))
    found = modes(tmp_path / "cache")
    assert {found[k] for k in ("unit dir", "sets dir", "lineages dir", "set dir")} == {0o700}
    assert {found[k] for k in ("unit file", "set file", "lineages file")} == {0o600}


def test_a_table_is_as_readable_as_any_new_folder(synth_dir: Path, tmp_path: Path):
    with umask(0o022), TableWriter(tmp_path / "set") as writer:
        writer.commit()
    assert stat.S_IMODE((tmp_path / "set").stat().st_mode) == 0o755  # a temporary folder's 0o700 before
    assert {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "set").iterdir()} == {0o644}


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
    assert (report.parsed_units, report.cached_units, report.cache_warning) == (6, 0, None)
    assert table.n_loops == 24


def test_a_file_system_without_modes_still_caches(synth_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def no_modes(path, mode, **kwargs):  # as on a share or FUSE mount that refuses chmod
        raise PermissionError(1, "Operation not permitted", str(path))

    monkeypatch.setattr(os, "chmod", no_modes)
    cfg = DataConfig(cache_dir=tmp_path / "cache")
    assert load_dataset([str(synth_dir)], cfg)[1].cache_warning is None
    _, report = load_dataset([str(synth_dir)], DataConfig(cache_dir=tmp_path / "cache", min_onsets=2))
    assert (report.cached_units, report.cache_warning) == (6, None)  # the unit entries were written


KILLED_WRITER = """
import os, sys
from pathlib import Path
import numpy as np
from mvae_core.data.loops import LoopBlock
from mvae_core.data.table_store import TableWriter
n = 40
block = LoopBlock(loop=np.arange(n, dtype=np.int32) // 10, row=np.zeros(n, np.uint8), step=np.zeros(n, np.uint8),
                  velocity=np.ones(n, np.uint8), duration=np.ones(n, np.float32), timeshift=np.zeros(n, np.float32),
                  seconds_per_step=np.ones(n // 10, np.float32))
writer = TableWriter(Path(sys.argv[1]) / "set-killed")
writer.add("a", block, 1)
os._exit(0)  # as kill -9 or the OOM killer: no abort, no commit
"""


def test_a_table_a_killed_writer_left_is_removed_by_the_next_writer(tmp_path: Path):
    """Each load killed while it wrote a set entry left a hidden ``sets/.set-<key>.<random>.tmp`` (as large as the
    table so far) that nothing removed: in a cache a class shares for a term, they gathered unseen."""
    import subprocess
    import sys

    from mvae_core.data.cache import ParseCache

    sets = tmp_path / "cache" / "sets"
    sets.mkdir(parents=True)
    result = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(sets)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    alive = TableWriter(sets / "set-alive")  # another student's load, writing now
    for staging in sets.iterdir():
        os.utime(staging, (1e9, 1e9))  # both started long ago
    with alive, ParseCache(tmp_path / "cache").set_writer("set-new") as new:
        left = sorted(p.name.split(".")[1] for p in sets.iterdir())
        assert left == ["set-alive", "set-new"]  # the killed writer's is gone, the live ones stay
        new.abort()
