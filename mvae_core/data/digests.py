"""The content digest (SHA-256) of every file read before, by path and ``stat`` signature, so that an unchanged data
set reloads without reading its files.

A file's entry holds its device, inode, size, modification time and status-change time (ctime) in nanoseconds; when
all five match, its digest is taken from here, otherwise the file is read and hashed again. The ctime is what catches a
tool that rewrites a file with the same size and sets its modification time back: no program can set a ctime back (a
``chmod``, ``chown`` or new hard link changes it too, which only costs hashing the file again). A file modified less
than :data:`RACY_SECONDS` before it was recorded is not recorded (as git does for its index): a change in the same
clock tick as the reading could otherwise keep its old size and time. The index is one JSON file in the parse cache
folder, written atomically; a missing or damaged one is an empty index, and a cache that cannot be written only costs
reading the files again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

from mvae_core.files import WriteFailed, atomic_write, read_json_bounded

INDEX = "file-digests.json"
INDEX_BYTES = 1 << 30
"""The most of the index mvae reads: about 150 bytes a file, so millions of files; a larger one is read as damaged."""
RACY_SECONDS = 2.0


def content_digest(data: bytes) -> str:
    """SHA-256 of a file's bytes, hexadecimal."""
    return hashlib.sha256(data).hexdigest()


def signature(info: os.stat_result) -> list[int]:
    """What must be unchanged for a recorded digest to hold: device, inode, size, mtime and ctime (ns), as git's index
    compares (an entry written before the ctime was part of it matches nothing, which costs one hashing)."""
    return [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


class FileDigests:
    """Digests by absolute path; ``directory=None`` (no cache) remembers nothing."""

    path: Path | None
    entries: dict[str, list[Any]]  # absolute path → [signature, digest]
    changed: bool

    def __init__(self, directory: Path | None) -> None:
        self.path = None if directory is None else directory / INDEX
        self.entries = {}
        self.changed = False
        if self.path is not None:
            try:  # bounded (a link to /dev/zero is not read), and JSON nested too deep is as damaged as cut JSON
                loaded = read_json_bounded(self.path, INDEX_BYTES)
                self.entries = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError):
                self.entries = {}

    def get(self, path: Path, info: os.stat_result) -> str | None:
        """The digest recorded for ``path`` if its signature is still ``info``'s."""
        entry = self.entries.get(os.path.abspath(path))
        if isinstance(entry, list) and len(entry) == 2 and entry[0] == signature(info):
            return entry[1]
        return None

    def put(self, path: Path, info: os.stat_result, digest: str) -> None:
        """Record ``digest`` for ``path`` as it was when ``info`` was taken (not when it was modified just now)."""
        if self.path is not None and time.time() - info.st_mtime_ns / 1e9 >= RACY_SECONDS:
            self.entries[os.path.abspath(path)] = [signature(info), digest]
            self.changed = True

    def save(self) -> None:
        if self.path is None or not self.changed:
            return
        text = json.dumps(self.entries)
        with contextlib.suppress(WriteFailed):  # a failed write leaves no temporary behind
            atomic_write(self.path, lambda tmp: tmp.write_text(text), durable=False)
        self.changed = False
