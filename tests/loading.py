"""Loading data in tests without risking a hang (a stuck parse fails the test instead of blocking CI), and comparing
two readings of the same data."""

from __future__ import annotations

import dataclasses
import threading

import numpy as np

from mvae_core.config import DataConfig
from mvae_core.data.load import DataReport, load_dataset
from mvae_core.data.table import NoteTable


def load_within(args: list[str], cfg: DataConfig, seconds: float = 60.0) -> tuple[NoteTable, DataReport]:
    """``load_dataset(args, cfg, jobs=1)`` in a thread of this process; fails if it does not return in time."""
    out: dict = {}

    def target() -> None:
        try:
            out["result"] = load_dataset(args, cfg, jobs=1)
        except BaseException as exc:  # re-raised below, in the test's thread
            out["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(seconds)
    if "error" in out:
        raise out["error"]
    assert "result" in out, f"load_dataset did not return within {seconds} s"
    return out["result"]


def assert_same_reading(a: tuple[NoteTable, DataReport], b: tuple[NoteTable, DataReport]) -> None:
    """The same table (every column, its type too) and the same report entries and window chosen: what two readings
    of one data set must share, however each was read (cache or parse, one window or two)."""
    for f in dataclasses.fields(NoteTable):  # a MappedNoteTable adds where it lives
        x, y = getattr(a[0], f.name), getattr(b[0], f.name)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and np.array_equal(x, y), f.name
        else:
            assert x == y, f.name
    assert a[1].entries == b[1].entries
    assert a[1].chosen_pitch_low == b[1].chosen_pitch_low
