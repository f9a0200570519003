"""Loading data in tests without risking a hang: a stuck parse fails the test instead of blocking CI."""

from __future__ import annotations

import threading

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
