"""A run's ``metrics.jsonl``: one line per finished epoch, appended and fsynced, read back as the trainer wrote it,
and cut back to a checkpoint on resume.
"""

from __future__ import annotations

import json
import os
from typing import Any

from mvae_core.files import NotRegular, TooLarge, WriteFailed, read_bounded, reason
from mvae_core.metrics_record import as_written
from mvae_core.run_files import METRICS, RUN_FILE_BYTES, RunFiles, finite


class RunMetrics(RunFiles):
    """The part of :class:`~mvae_core.run.RunDir` that writes and reads ``metrics.jsonl``."""

    def append_metrics(self, record: dict[str, Any]) -> None:
        """One line more in ``metrics.jsonl``, on the disk (fsynced) before the epoch's checkpoint is written, so a
        power cut cannot keep a checkpoint whose epoch has lost its line; :class:`WriteFailed` naming it when the disk
        refuses (a torn line is skipped when read, and a resume drops it)."""
        try:
            with open(self.path / METRICS, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(finite(record)) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise WriteFailed(f"cannot write {self.path / METRICS}: {reason(exc)}") from None

    def read_metrics(self) -> list[dict[str, Any]]:
        """Every complete line: an epoch's record, :func:`~mvae_core.metrics_record.as_written` (a value of another
        type than the trainer writes, from a hand edit or a garbled disk, reads as missing). A line torn by a crash
        mid-write, or garbled by a damaged disk (bytes that are no UTF-8, a record without its epoch, nesting deeper
        than Python parses), is ignored; a file that is none mvae writes (not a regular file, over
        :data:`RUN_FILE_BYTES`) has no line."""
        return [as_written(record) for record in self._metrics_lines()]

    def _metrics_lines(self) -> list[dict[str, Any]]:
        """The complete lines of :meth:`read_metrics` as they are in the file."""
        try:
            data = read_bounded(self.path / METRICS, RUN_FILE_BYTES)
        except (FileNotFoundError, NotRegular, TooLarge):
            return []
        records = []
        for line in data.decode("utf-8", errors="replace").splitlines():  # mvae writes ASCII only
            try:
                record = json.loads(line)
            except (json.JSONDecodeError, RecursionError):
                continue
            if isinstance(record, dict) and type(record.get("epoch")) is int:  # not True, which is 1 to Python
                records.append(record)
        return records

    def truncate_metrics(self, last_epoch: int) -> list[int]:
        """Drop lines after ``last_epoch`` (written by an epoch whose checkpoint never landed), and torn ones; the
        lines kept are written back as they were (not :meth:`read_metrics`' reading: a value of an unexpected type
        stays in the file). Returns the epochs up to ``last_epoch`` (counted from 0) that have no line: lost to a
        damaged or hand-cut file (the run goes on from its checkpoint, but their numbers are gone)."""
        kept = [r for r in self._metrics_lines() if r["epoch"] <= last_epoch]
        text = "".join(json.dumps(r) + "\n" for r in kept)
        self._write_text(METRICS, text)
        return sorted(set(range(last_epoch + 1)) - {r["epoch"] for r in kept})

    def stop_reasons(self) -> list[str]:
        """The stop reasons plugins gave in the run's last finished epoch (its metrics line); empty when none."""
        last = (self.read_metrics() or [{}])[-1]
        return [e["message"] for e in last.get("events", []) if isinstance(e, dict) and e.get("level") == "stop"]
