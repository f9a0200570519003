"""Files written whole or not at all: run files (config, checkpoint, metrics) and outputs (MIDI, WAV, figures, ONNX);
and files read with a bound.

A file is written under a temporary name next to its place and renamed over it, so a full disk or an interrupt
leaves the old file (or none), never a torn one. The temporary name keeps the file's suffix, for writers that
choose the format by it (matplotlib's ``savefig``), and the start of its stem.

A file that mvae reads whole (a MIDI file, a run's JSON files, a config) is read by :func:`read_bounded`: only a
regular file, never more than a limit, so a FIFO in its place does not block and a link to ``/dev/zero`` is not read
until memory runs out.
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import stat
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from mvae_core.errors import MvaeError, blocked_message, file_in_the_way


class WriteFailed(MvaeError, OSError):
    """A file could not be written (a full disk, a read-only or vanished folder); the message names the file and the
    system's reason. The file keeps its old content, if it had one. Exit code 2, as for other paths the command line
    cannot write (``cli_output.CommandGroup``); during training it becomes a :class:`RunFailed` (exit 1)."""


WRITE_FIXES = {
    errno.EISDIR: "that is a folder: name a file",
    errno.EACCES: "choose a place you may write to",
    errno.EPERM: "choose a place you may write to",
    errno.EROFS: "choose a place you may write to",
    errno.ENOSPC: "free some disk space or choose another disk",
    errno.EDQUOT: "free some disk space or choose another disk",
    errno.EFBIG: "the file system refuses a file this large: choose another disk",
}
"""What to do about a write the system refused, by its ``errno``: the one table behind every ``cannot write`` message
(:func:`write_problem`) and the command line's own (``cli_output.CommandGroup``)."""


def write_problem(error: BaseException) -> str:
    """The system's reason for a refused write (:func:`reason`) and, where :data:`WRITE_FIXES` knows its errno, what
    to do: ``Read-only file system; choose a place you may write to``."""
    fix = WRITE_FIXES.get(getattr(error, "errno", None) or 0)
    return reason(error) + (f"; {fix}" if fix else "")


FILE_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a FIFO",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}
"""What stands where a file was expected, by ``stat.S_IFMT`` of its mode, in the words messages use."""


def not_regular(mode: int) -> str:
    """``not a regular file (a FIFO)``: how a message names what stands, by its ``st_mode``, where a file was read."""
    return f"not a regular file ({FILE_KINDS.get(stat.S_IFMT(mode), 'not a file')})"


class NotRegular(ValueError):
    """:func:`open_regular` (and so :func:`read_bounded`) found no regular file at the path: the message is ``not a
    regular file (a FIFO)``."""


class TooLarge(ValueError):
    """:func:`read_bounded` found a file over its limit: the message gives its size (or ``over LIMIT bytes`` for one
    that grew past it while read) and the limit."""


def open_regular(path: Path) -> tuple[int, os.stat_result]:
    """``path`` opened for reading, as a file descriptor and its ``fstat``, once it is checked to be a regular file:
    opened non-blocking, so a FIFO there does not wait for a writer. The caller closes the descriptor.

    :raises NotRegular: something else stands there (the descriptor is closed again).
    :raises OSError: it cannot be opened (``FileNotFoundError`` where nothing is)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegular(not_regular(info.st_mode))
    except BaseException:
        os.close(fd)
        raise
    return fd, info


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them. The file is opened non-blocking and checked
    to be a regular file before it is read (:func:`open_regular`: :class:`NotRegular` otherwise), and a file over
    ``limit`` bytes is not read at all (:class:`TooLarge`); ``OSError`` when it cannot be opened or read."""
    fd, info = open_regular(path)
    try:
        if info.st_size > limit:
            raise TooLarge(f"{info.st_size:,} bytes; the limit is {limit:,}")
        data = _read_up_to(fd, info.st_size + 1)  # not limit + 1: a buffer that large costs more than reading
        if len(data) > info.st_size:  # it grew after the check: the rest, up to the limit
            data += _read_up_to(fd, limit + 1 - len(data))
    finally:
        os.close(fd)
    if len(data) > limit:
        raise TooLarge(f"over {limit:,} bytes")
    return data


def read_json_bounded(path: Path, limit: int) -> Any:
    """The JSON file ``path`` read with :func:`read_bounded`. ``OSError`` when it cannot be read; ``ValueError`` when
    it is not a regular file, over ``limit`` bytes, not UTF-8, not JSON, or nested deeper than Python parses."""
    try:
        return json.loads(read_bounded(path, limit).decode("utf-8"))
    except RecursionError:
        raise ValueError("its JSON is nested deeper than mvae reads") from None


def _read_up_to(fd: int, limit: int) -> bytes:
    """Up to ``limit`` bytes from ``fd``, until the end of the file."""
    parts, left = [], limit
    while left > 0:
        chunk = os.read(fd, left)
        if not chunk:
            break
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def compressed_zip_entry(path: Path) -> zipfile.ZipInfo | None:
    """The first compressed entry of a zip file that mvae's writers store unpacked (``torch.save``'s checkpoints,
    ``np.savez``'s cache entries): a reader would unpack it whole before checking its size, so a small file could
    ask for gigabytes. None for none, or for a file that is not a zip (damage: the reader names it)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return next((i for i in archive.infolist() if i.compress_type != zipfile.ZIP_STORED), None)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None


TEMPORARY_STEM = 32
"""The characters of a file's stem that its temporary name keeps: the temporary name adds 14 characters, and a name
near the file system's limit (255 bytes; 85 Japanese characters) that is valid itself must still be writable."""


def finite(value: Any) -> Any:
    """``value`` with every NaN or infinite float replaced by None (strict JSON has neither)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def atomic_write(path: Path, write: Callable[[Path], object], durable: bool = True, mode: int | None = None) -> None:
    """Call ``write(tmp)`` on a temporary file next to ``path``, then rename it over ``path``. ``durable`` (run files:
    what a resume needs) also fsyncs the file before the rename and the folder after it, so the rename survives a
    power cut; an output that can be made again skips that cost. ``mode``: the file's permission bits (those of a
    shared parse cache's entries, :func:`~mvae_core.data.cache.folder_modes`); by default ``0o666`` less the umask,
    as any new file's.

    :raises WriteFailed: an :class:`OSError` on the way (``write`` should raise those for I/O errors: serialise in
        memory first where a library reports them otherwise); ``path`` is then as it was and no temporary is left.
        The message names ``path`` and the system's reason, and for an output (not ``durable``) what to do
        (:func:`write_problem`); a run file's caller says that itself (the run's ending: free space, then resume).
        A file where a folder of ``path`` is needed is named as such (:func:`~mvae_core.errors.blocked_message`).
    """
    problem = reason if durable else write_problem
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        prefix, suffix = _temporary_affixes(path)
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=suffix)
    except OSError as exc:
        if blocker := _file_in_the_way(path):
            raise WriteFailed(blocked_message(blocker, path)) from None
        raise WriteFailed(f"cannot write {path}: {problem(exc)}") from None
    os.close(fd)
    tmp = Path(tmp_name)
    if mode is None:
        mode = 0o666 & ~current_umask()
    try:
        write(tmp)
        # mkstemp (and some writers) create 0600; files are as readable as others, where the file system has modes
        # (one that refuses chmod, as a FAT stick mounted without "quiet" does, keeps its own)
        with contextlib.suppress(OSError):
            os.chmod(tmp, mode)
        if durable:
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
        if durable:
            directory = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
    except OSError as exc:
        raise WriteFailed(f"cannot write {path}: {problem(exc)}") from None
    finally:
        tmp.unlink(missing_ok=True)


def _temporary_affixes(path: Path) -> tuple[str, str]:
    """How the name of :func:`atomic_write`'s temporary for ``path`` begins and ends: ``.STEM.`` and ``.tmp.SUFFIX``
    around the random part (``.003_z_+1.42.k2x8q_0a.tmp.mid``); STEM is the first :data:`TEMPORARY_STEM` characters
    of ``path``'s stem."""
    return f".{path.stem[:TEMPORARY_STEM]}.", f".tmp{path.suffix}"


def remove_temporaries(paths: Iterable[Path]) -> dict[str, int]:
    """Remove the temporaries of ``paths`` that writes (:func:`atomic_write`) left when their process was killed in
    the middle (``kill -9``, a power cut: in every other case the write removes its own), each up to as large as the
    file it was to become and hidden by its leading dot; returns their names and sizes in bytes. Only for the files a
    caller is about to write, or one that holds their lock: another process's write of the same file in progress
    would lose its temporary. Each folder is listed once, however many of ``paths`` it holds."""
    wanted: dict[Path, set[tuple[str, str]]] = {}
    for path in paths:
        wanted.setdefault(path.parent, set()).add(_temporary_affixes(path))
    removed = {}
    for folder, affixes in wanted.items():
        suffixes = {suffix for _, suffix in affixes}
        with contextlib.suppress(OSError), os.scandir(folder) as entries:  # no folder (yet): nothing of ours there
            for entry in entries:
                for suffix in suffixes:
                    # the random part has no dot: a.b.mid's temporary is not a.mid's
                    head, dot, random = entry.name.removesuffix(suffix).rpartition(".")
                    if entry.name.endswith(suffix) and random and (head + dot, suffix) in affixes:
                        with contextlib.suppress(OSError):  # gone meanwhile, or not ours to remove: left as it is
                            size = entry.stat(follow_symlinks=False).st_size
                            os.unlink(entry.path)
                            removed[entry.name] = size
    return removed


def check_writable_folder(folder: Path) -> None:
    """Make ``folder`` (and its parents) when missing and write and remove a temporary file in it: before a command
    writes several outputs, so that a folder it cannot write fails it before the first one, not after.

    :raises WriteFailed: the folder cannot be made or written, naming it, the system's reason and what to do
        (:func:`write_problem`), or the file in the way."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        if blocker := _file_in_the_way(folder / "x"):
            raise WriteFailed(blocked_message(blocker, folder)) from None
        raise WriteFailed(f"cannot write into {folder}: {write_problem(exc)}") from None


def written_since(paths: list[Path], before: list[tuple[int, int] | None]) -> list[Path]:
    """Those of ``paths`` that are files other than they were when :func:`file_signatures` gave ``before``: what a
    command wrote (each through :func:`atomic_write`, whole) before it failed."""
    return [path for path, was in zip(paths, before, strict=True) if file_signatures([path])[0] not in (None, was)]


def file_signatures(paths: list[Path]) -> list[tuple[int, int] | None]:
    """Each path's ``(inode, modification time in ns)``, or None where no file is: an atomic write changes both."""
    signatures: list[tuple[int, int] | None] = []
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            signatures.append(None)
            continue
        signatures.append((info.st_ino, info.st_mtime_ns) if stat.S_ISREG(info.st_mode) else None)
    return signatures


def reason(error: BaseException) -> str:
    """The system's words for an I/O error (``No space left on device``), without Python's ``[Errno 28]``; for
    another error, the first line of its message."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return next((line.strip() for line in str(error).splitlines() if line.strip()), type(error).__name__)


def current_umask() -> int:
    """The process's umask (read by setting it and setting it back: no call only reads it)."""
    umask = os.umask(0)
    os.umask(umask)
    return umask


def folder_mode() -> int:
    """The permission bits of a new folder, ``0o777`` less the umask, as ``mkdir`` makes one: for a folder built in a
    temporary directory (``0o700``) and then published (a note table, a bent run)."""
    return 0o777 & ~current_umask()


def _file_in_the_way(path: Path) -> Path | None:
    """:func:`~mvae_core.errors.file_in_the_way`, or ``None`` where a folder on the way may not be searched (another
    user's private folder: the write's own error says so)."""
    try:
        return file_in_the_way(path)
    except OSError:
        return None
