"""On-disk cache of parsed units, keyed by the unit's content hash + the parse settings + the format version.

An entry is one ``.npz`` (no pickles: loaded with ``allow_pickle=False``) holding the unit's loop columns and a
JSON string with its per-source outcomes. A damaged entry is treated as a miss and rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from mvae_core.data.loops import LoopBlock
from mvae_core.data.sources import SourceResult

FORMAT_VERSION = 1
_BLOCK_NOTE_COLUMNS = ("loop", "row", "step", "velocity", "duration", "timeshift")


def default_cache_dir() -> Path:
    env = os.environ.get("MVAE_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "mvae"


def cache_key(content: bytes, parse_settings: dict[str, Any]) -> str:
    digest = hashlib.sha256(content)
    digest.update(json.dumps({"v": FORMAT_VERSION, **parse_settings}, sort_keys=True).encode())
    return digest.hexdigest()


class ParseCache:
    """Get and put per-unit results. ``directory=None`` disables caching."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    def _path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / key[:2] / f"{key}.npz"

    def get(self, key: str) -> list[SourceResult] | None:
        if self.directory is None:
            return None
        try:
            with np.load(self._path(key), allow_pickle=False) as entry:
                return _unpack({name: entry[name] for name in entry.files})
        except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile):  # damaged entry = miss
            return None

    def put(self, key: str, results: list[SourceResult]) -> None:
        if self.directory is None:
            return
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as tmp:
                np.savez(tmp, **_pack(results))
            os.replace(tmp.name, path)
        except OSError:
            pass  # a read-only or full cache only costs a re-parse next time


def _pack(results: list[SourceResult]) -> dict[str, np.ndarray]:
    meta = []
    cols: dict[str, list[np.ndarray]] = {c: [] for c in (*_BLOCK_NOTE_COLUMNS, "seconds_per_step")}
    for r in results:
        counters = {k: int(v) for k, v in r.counters.items()}  # numpy ints are not JSON
        meta.append({"name": r.name, "reason": r.reason, "detail": r.detail, "counters": counters})
        if r.block is not None:
            meta[-1]["notes"], meta[-1]["loops"] = len(r.block.row), r.block.n_loops
            for c in cols:
                cols[c].append(getattr(r.block, c))
    arrays = {c: np.concatenate(v) if v else np.zeros(0) for c, v in cols.items()}
    arrays["meta"] = np.array(json.dumps(meta))
    return arrays


def _unpack(arrays: dict[str, np.ndarray]) -> list[SourceResult]:
    meta = json.loads(str(arrays["meta"]))
    dtypes = {"loop": np.int32, "row": np.uint8, "step": np.uint8, "velocity": np.uint8}
    results, note_at, loop_at = [], 0, 0
    for m in meta:
        block = None
        if m["reason"] is None:
            n, k = m["notes"], m["loops"]
            cols = {c: arrays[c][note_at : note_at + n].astype(dtypes.get(c, np.float32)) for c in _BLOCK_NOTE_COLUMNS}
            sps = arrays["seconds_per_step"][loop_at : loop_at + k].astype(np.float32)
            block = LoopBlock(**cols, seconds_per_step=sps, counters=m["counters"])
            note_at, loop_at = note_at + n, loop_at + k
        results.append(SourceResult(m["name"], m["reason"], m["detail"], block, m["counters"]))
    return results
