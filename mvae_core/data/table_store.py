"""A :class:`NoteTable` on disk: written as a stream, read memory-mapped.

Why: the processes of one machine that map the same table (``torchrun`` ranks, ablation workers) share one copy of
it in the page cache instead of holding one each, and a table larger than RAM trains, since only the pages that a
batch (or a chunked pass, :meth:`NoteTable.loop_chunks`) touches are read.

Layout of a table directory (the parse cache's *set* entries, :class:`~mvae_core.data.cache.ParseCache`):

* one ``.npy`` file per array of :data:`~mvae_core.data.table.COLUMN_DTYPES` (1-D, little-endian, no pickles);
* ``meta.json``: ``{"format": 2, "loops": L, "notes": N, "sources": [...], "crc32": {column: CRC-32 of its data},
  "row_max": highest row, "extra": ...}``.

A directory is written under a temporary name and renamed into place when complete, so a reader sees a whole table
or none. The arrays are read-only.

What reading checks (the table is a cache: a damaged one must be found and rebuilt, never trained on): every file's
dtype, length and size, the offsets' ends, every loop's source, and the CRC-32 that the writer recorded of each
column, all of them for a table whose note columns take at most :data:`VERIFIED_NOTE_BYTES`. A larger table's note
columns are not read at opening (its point is to read only the pages a batch touches): each batch read from it
(:meth:`MappedNoteTable.gather`, and each chunk :class:`~mvae_core.data.batches.DeviceLoops` copies) is checked
against the columns' ranges instead (:meth:`MappedNoteTable.check_notes`), which finds garbage but not a changed
value that is still in range.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import mmap
import os
import shutil
import tempfile
import time
import weakref
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from numpy.lib import format as npy

from mvae_core.data.loops import LoopBlock
from mvae_core.data.table import COLUMN_DTYPES, NOTE_COLUMNS, NOTE_RANGES, NoteTable, TablePart
from mvae_core.errors import DataError
from mvae_core.files import folder_mode

STORE_FORMAT = 2  # 2: CRC-32 of every column and the highest row in meta.json
VERIFIED_NOTE_BYTES = 256 << 20
"""The largest note columns (bytes; 11 a note, so about 24 million notes) whose CRC-32 :func:`open_table` checks:
checking 10 million notes took 0.14-0.17 s from the page cache (2 cores, 2026-12-06), so up to about 0.4 s at the
limit; a larger table is mapped so that only what a batch touches is read, and checking it whole would read it all."""
_CHECKSUM_READ = 4 << 20
STAGING_SUFFIX = ".tmp"
"""The end of a table directory's name while it is written (``.<name>.<random>.tmp``)."""
META_FILE = "meta.json"
_HEADER_READERS = {(1, 0): npy.read_array_header_1_0, (2, 0): npy.read_array_header_2_0}


class TableWriter:
    """Streams sources into a new table directory: memory holds one source at a time, never the table.

    Use as a context manager; :meth:`commit` publishes the directory, leaving the block without it removes the
    partial one. ``OSError`` (a full or read-only disk) propagates from every method.

    ``mode``: the published directory's permission bits, its files' the same less the execute bits; by default
    ``0o777`` less the umask, as any new folder (:func:`~mvae_core.files.folder_mode`; a temporary directory alone
    would be ``0o700``: a table that only its writer may read, in a parse cache that others share).
    """

    def __init__(self, directory: Path, mode: int | None = None) -> None:
        self.directory = directory
        self._mode = folder_mode() if mode is None else mode
        directory.parent.mkdir(parents=True, exist_ok=True)
        self._staging = Path(
            tempfile.mkdtemp(prefix=f".{directory.name}.", suffix=STAGING_SUFFIX, dir=directory.parent)
        )
        self._lock = os.open(self._staging, os.O_RDONLY)  # held until published or aborted: see remove_abandoned
        fcntl.flock(self._lock, fcntl.LOCK_EX)
        self._files: dict[str, BinaryIO] = {}
        self._lengths = dict.fromkeys(COLUMN_DTYPES, 0)
        self._crc32 = dict.fromkeys(COLUMN_DTYPES, 0)
        self._row_max = 0
        self._sources: list[str] = []
        for name in COLUMN_DTYPES:
            self._files[name] = open(self._staging / f"{name}.npy", "wb")  # noqa: SIM115 (closed in commit/abort)
            _write_header(self._files[name], name, 0)
        self._append("offsets", np.zeros(1, np.int64))

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._staging.exists():
            self.abort()

    def add(self, name: str, block: LoopBlock, min_onsets: int) -> tuple[int, int]:
        """Append the loops of ``block`` with at least ``min_onsets`` notes as source ``name`` (a source with none is
        left out); returns ``(loops kept, notes kept)``, as :meth:`mvae_core.data.table.TableBuilder.add`."""
        part = TablePart.of(block, min_onsets)
        if part.loops:
            for column in NOTE_COLUMNS:
                self._append(column, part.columns[column])
            self._row_max = max(self._row_max, int(part.columns["row"].max()))
            self._append("offsets", self._lengths["row"] - part.notes + np.cumsum(part.counts))
            self._append("source", np.full(part.loops, len(self._sources), np.int32))
            self._append("seconds_per_step", part.seconds_per_step)
            self._sources.append(name)
        return part.loops, part.notes

    def commit(self, extra: Any = None) -> NoteTable:
        """Finish the files, publish the directory and return the table, memory-mapped from it.

        ``extra`` (JSON) is kept in ``meta.json`` and returned by :func:`open_table`. If another process published
        the same directory first, its table is used and this one is dropped.
        """
        for name, file in self._files.items():
            file.seek(0)
            _write_header(file, name, self._lengths[name])
            file.close()
        meta: dict[str, Any] = {"format": STORE_FORMAT, "loops": self._lengths["source"], "notes": self._lengths["row"]}
        meta |= {"sources": self._sources, "crc32": self._crc32, "row_max": self._row_max, "extra": extra}
        (self._staging / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
        with contextlib.suppress(OSError):  # a file system without modes keeps its own
            for path in self._staging.iterdir():
                os.chmod(path, self._mode & 0o666)
            os.chmod(self._staging, self._mode)
        _publish(self._staging, self.directory)
        os.close(self._lock)
        return open_table(self.directory, verify=False)[0]  # just written, or checked by _publish (another's)

    def abort(self) -> None:
        """Close and remove the partial directory, also when a file cannot write the rest of its buffer as it closes
        (a full disk: the error that led here says so already)."""
        for file in self._files.values():
            with contextlib.suppress(OSError):
                file.close()  # closed even when its last flush fails
        shutil.rmtree(self._staging, ignore_errors=True)
        os.close(self._lock)  # frees the directory's lock (abort never runs after a commit published it)

    def _append(self, name: str, values: np.ndarray) -> None:
        data = np.ascontiguousarray(values, dtype=COLUMN_DTYPES[name].newbyteorder("<")).tobytes()
        self._files[name].write(data)
        self._crc32[name] = zlib.crc32(data, self._crc32[name])
        self._lengths[name] += len(values)


def remove_abandoned(folder: Path, min_age_s: float = 60.0) -> None:
    """Remove the partial table directories in ``folder`` that writers killed midway left (``kill -9``, the OOM
    killer, a power cut: no :meth:`TableWriter.abort` ran), each as large as what it had written and hidden. A
    writer holds a lock on its directory until it publishes or aborts it, so a directory whose lock is free and that
    is older than ``min_age_s`` (a writer takes its lock just after creating it) has no writer. Directories this
    process may not open or remove (another user's in a shared cache) stay."""
    now = time.time()
    for staging in folder.glob(f".*{STAGING_SUFFIX}"):
        try:
            fd = os.open(staging, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            continue
        try:
            if now - os.fstat(fd).st_mtime < min_age_s:
                continue
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError: its writer is alive
            shutil.rmtree(staging, ignore_errors=True)
        except OSError:
            continue
        finally:
            os.close(fd)


@dataclass
class MappedNoteTable(NoteTable):
    """A :class:`NoteTable` whose arrays are read-only maps of the files of a table directory.

    Two reads differ from a table in memory, so that a process holds only what it is using:

    * :meth:`gather` (a batch: a few notes of scattered loops) reads with ``pread`` instead of through the map. A
      read through the map would map the 64 KiB around each note (the kernel's fault-around): a few hundred random
      batches would keep most of a large table resident in the process.
    * :meth:`release` (after each chunk of a pass, :meth:`NoteTable.loop_chunks`) drops the chunk's pages from the
      process (``madvise(MADV_DONTNEED)``, which on a read-only file map only unmaps: the page cache keeps them).
    """

    directory: Path = Path()
    files: dict[str, BinaryIO] = field(default_factory=dict, repr=False, compare=False)  # open since the mapping
    row_max: int = 255  # the highest row the writer wrote (meta.json)

    def gather(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        if not len(rows):
            return super().gather(rows)
        breaks = np.flatnonzero(np.diff(rows) != 1) + 1  # rows come as runs, one per loop (note_index)
        starts = rows[np.concatenate([[0], breaks])].tolist()
        ends = (rows[np.concatenate([breaks - 1, [len(rows) - 1]])] + 1).tolist()
        columns = {}
        for name in NOTE_COLUMNS:
            array, fd = getattr(self, name), self.files[name].fileno()
            size, base = array.itemsize, array.offset
            data = b"".join(os.pread(fd, (e - s) * size, base + s * size) for s, e in zip(starts, ends, strict=True))
            if len(data) != len(rows) * size:
                raise OSError(f"{self.directory / name}.npy is shorter than when it was opened: it changed on disk")
            columns[name] = np.frombuffer(data, dtype=array.dtype).copy()
        self.check_notes(columns)
        return columns

    def check_notes(self, columns: dict[str, np.ndarray]) -> None:
        """Raise :class:`DamagedTable` when a value of ``columns`` (note columns just read from the files) is outside
        its column's range (:data:`~mvae_core.data.table.NOTE_RANGES`, rows up to the highest the writer wrote) or
        not a number: the cheap check of a table too large for its checksums to be read at opening."""
        for name, values in columns.items():
            low, high = (0, self.row_max) if name == "row" else NOTE_RANGES[name]
            if len(values) and not (low <= values.min() and values.max() <= high):  # NaN fails both
                raise DamagedTable(self.directory, f"{name} values outside {low}..{high} among the notes read")

    def release(self, lo: int, hi: int) -> None:
        first, last = int(self.offsets[lo]), int(self.offsets[hi])
        for name in NOTE_COLUMNS:
            _drop_pages(getattr(self, name), first, last)
        for name in ("offsets", "source", "seconds_per_step"):
            _drop_pages(getattr(self, name), lo, hi)


class DamagedTable(DataError):
    """A table directory whose notes, read while training or evaluating, are not what its writer wrote; the message
    names the folder to delete (the next load rebuilds it)."""

    def __init__(self, directory: Path, what: str) -> None:
        super().__init__(
            f"{directory} (a data set in the parse cache) is damaged: {what}; delete that folder and run again "
            "(mvae rebuilds it from the parse cache's entries of each file, or parses the files again)"
        )


OPEN_ERRORS = (OSError, ValueError, KeyError, TypeError, OverflowError)
"""What :func:`open_table` raises for a table directory that is missing, unreadable or damaged (JSONDecodeError is a
ValueError): every one means "no table here"."""


def open_table(directory: Path, verify: bool = True) -> tuple[NoteTable, Any]:
    """The table in ``directory``, memory-mapped read-only, and its ``extra``.

    Raises one of :data:`OPEN_ERRORS`: ``OSError`` (missing or unreadable), ``ValueError``, ``KeyError``,
    ``TypeError`` or ``OverflowError`` (damaged: ``meta.json`` not an object or a field of it of the wrong type, a
    wrong dtype, length or size, offsets that do not span the notes in order, a loop of no listed source, a column
    whose CRC-32 is not the one written): callers treat every one as "no table here". The per-loop columns are read
    whole for these checks, the note columns too when they take at most :data:`VERIFIED_NOTE_BYTES`; ``verify=False``
    skips the CRC-32s (a table this process has just written).
    """
    meta = _meta(directory)
    if meta.get("format") != STORE_FORMAT:
        raise ValueError(f"table format {meta.get('format')!r}, expected {STORE_FORMAT}")
    loops, notes = int(meta["loops"]), int(meta["notes"])
    expected = {name: notes for name in NOTE_COLUMNS} | {"offsets": loops + 1, "source": loops}
    expected["seconds_per_step"] = loops
    arrays: dict[str, np.ndarray] = {}
    files: dict[str, BinaryIO] = {}
    try:
        for name, dtype in COLUMN_DTYPES.items():
            files[name] = open(directory / f"{name}.npy", "rb", buffering=0)  # noqa: SIM115 (kept open: pread)
            arrays[name] = _map(files[name], dtype, expected[name])
        table = MappedNoteTable(
            **arrays, sources=list(meta["sources"]), directory=directory, files=files, row_max=int(meta["row_max"])
        )
        if verify:
            note_bytes = sum(arrays[name].nbytes for name in NOTE_COLUMNS)
            checked = COLUMN_DTYPES if note_bytes <= VERIFIED_NOTE_BYTES else COLUMN_DTYPES.keys() - set(NOTE_COLUMNS)
            for name in checked:
                if _crc32(files[name], arrays[name].nbytes) != meta["crc32"][name]:
                    raise ValueError(f"{name}.npy: its CRC-32 is not the one written: the file changed on disk")
        if table.offsets[0] != 0 or table.offsets[-1] != notes or (np.diff(table.offsets) < 0).any():
            raise ValueError("offsets do not span the notes in order")
        if loops and not 0 <= int(table.source.min()) <= int(table.source.max()) < len(table.sources):
            raise ValueError("a loop's source is not one of the table's sources")
    except BaseException:  # a damaged entry is a miss: its files are not left open
        _close(files.values())
        raise
    # closed with the table (its maps hold their own references): left to the garbage collector, every file of
    # every table read (8 per evaluate call) was a ResourceWarning in a notebook that shows them
    weakref.finalize(table, _close, list(files.values()))
    return table, meta["extra"]


def _meta(directory: Path) -> dict[str, Any]:
    """The ``meta.json`` of table ``directory``.

    :raises ValueError: naming the file, when it is not JSON (cut short, garbage) or not a JSON object (``null``)."""
    try:
        meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
    except ValueError as exc:  # not JSON, or not UTF-8
        raise ValueError(f"{META_FILE}: {exc}") from None
    if not isinstance(meta, dict):
        raise ValueError(f"{META_FILE} is not a JSON object")
    return meta


def _crc32(file: BinaryIO, data_bytes: int) -> int:
    """CRC-32 of the last ``data_bytes`` bytes of the ``.npy`` ``file`` (its data), read a few MiB at a time."""
    fd, end = file.fileno(), os.fstat(file.fileno()).st_size
    checksum, at = 0, end - data_bytes
    while at < end:
        block = os.pread(fd, min(_CHECKSUM_READ, end - at), at)
        if not block:
            raise ValueError(f"{Path(file.name).name}: shorter than its header says")
        checksum, at = zlib.crc32(block, checksum), at + len(block)
    return checksum


def _close(files: Iterable[BinaryIO]) -> None:
    for file in files:
        file.close()


def _write_header(file: BinaryIO, name: str, length: int) -> None:
    """A version 1.0 ``.npy`` header; numpy pads it so that any length fits in the same bytes (rewritten in place)."""
    descr = npy.dtype_to_descr(COLUMN_DTYPES[name].newbyteorder("<"))
    npy.write_array_header_1_0(file, {"descr": descr, "fortran_order": False, "shape": (length,)})


def _map(file: BinaryIO, dtype: np.dtype, length: int) -> np.ndarray:
    """The 1-D array in the ``.npy`` ``file``, memory-mapped read-only, after checking its header and size."""
    name = Path(file.name).name
    read_header = _HEADER_READERS.get(npy.read_magic(file))
    if read_header is None:
        raise ValueError(f"{name}: unknown .npy version")
    shape, fortran, stored = read_header(file)
    data_start, size = file.tell(), os.fstat(file.fileno()).st_size
    if shape != (length,) or fortran or stored != dtype.newbyteorder("<"):
        raise ValueError(f"{name}: {stored} {shape}, expected {dtype} ({length},)")
    if size != data_start + length * dtype.itemsize:
        raise ValueError(f"{name}: {size} bytes, expected {data_start + length * dtype.itemsize}")
    if length == 0:  # mmap cannot map nothing
        return np.zeros(0, dtype)
    return np.memmap(file, dtype=stored, mode="r", offset=data_start, shape=(length,))


_PAGE = mmap.PAGESIZE
_madvise = getattr(ctypes.CDLL(None, use_errno=True), "madvise", None) if hasattr(mmap, "MADV_DONTNEED") else None


def _drop_pages(array: np.ndarray, first: int, last: int) -> None:
    """``madvise(MADV_DONTNEED)`` on the whole pages inside ``array[first:last]``, when ``array`` is a read-only file
    map (an empty array is not a map; on anonymous memory the call would zero the pages, hence the check)."""
    if _madvise is None or not isinstance(array, np.memmap) or array.mode != "r" or last <= first:
        return
    start = array[first:last].ctypes.data
    end = start + (last - first) * array.itemsize
    aligned = -(-start // _PAGE) * _PAGE  # pages that also hold neighbouring elements are kept
    if end // _PAGE * _PAGE > aligned:
        _madvise(ctypes.c_void_p(aligned), ctypes.c_size_t(end // _PAGE * _PAGE - aligned), mmap.MADV_DONTNEED)


def _publish(staging: Path, directory: Path) -> None:
    """Rename ``staging`` to ``directory``; a damaged ``directory`` is replaced, a valid one (another process won a
    race) is kept and ``staging`` removed."""
    try:
        staging.rename(directory)
        return
    except OSError:
        if not directory.exists():
            raise
    try:
        open_table(directory)
    except OPEN_ERRORS:
        damaged = directory.with_name(f".{directory.name}.{os.getpid()}.old")
        directory.rename(damaged)
        staging.rename(directory)
        shutil.rmtree(damaged, ignore_errors=True)
        return
    shutil.rmtree(staging, ignore_errors=True)
