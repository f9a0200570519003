"""A run's ``metrics.jsonl`` (one line per finished epoch) and ``steps.jsonl`` (one line per training step that
plugins recorded numbers in, ``trainer.record_step``, or whose losses ``train.step_records`` records): appended and
fsynced, read back as the trainer wrote them, and cut back to a checkpoint on resume.
"""

from __future__ import annotations

import json
import os
from typing import Any

from mvae_core.files import NotRegular, TooLarge, WriteFailed, read_bounded, reason
from mvae_core.metrics_record import as_written, step_as_written
from mvae_core.run_files import METRICS, RUN_FILE_BYTES, STEPS, RunFiles, finite


class RunMetrics(RunFiles):
    """The part of :class:`~mvae_core.run.RunDir` that writes and reads ``metrics.jsonl`` and ``steps.jsonl``."""

    def append_metrics(self, record: dict[str, Any]) -> None:
        """One line more in ``metrics.jsonl``, on the disk (fsynced) before the epoch's checkpoint is written, so a
        power cut cannot keep a checkpoint whose epoch has lost its line; :class:`WriteFailed` naming it when the disk
        refuses (a torn line is skipped when read, and a resume drops it)."""
        self._append_lines(METRICS, [record])

    def append_steps(self, lines: list[dict[str, Any]]) -> None:
        """``lines`` (:func:`~mvae_core.metrics_record.step_line`) appended to ``steps.jsonl``, fsynced as
        :meth:`append_metrics` does: before the checkpoint that continues after their steps."""
        self._append_lines(STEPS, lines)

    def _append_lines(self, name: str, lines: list[dict[str, Any]]) -> None:
        """``lines`` appended to the run file ``name`` as JSON lines (NaN and infinities as null), on the disk when
        this returns; :class:`WriteFailed` naming it when the disk refuses."""
        try:
            with open(self.path / name, "a", encoding="utf-8") as handle:
                handle.write("".join(json.dumps(finite(line)) + "\n" for line in lines))
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise WriteFailed(f"cannot write {self.path / name}: {reason(exc)}") from None

    def read_metrics(self) -> list[dict[str, Any]]:
        """Every complete line: an epoch's record, :func:`~mvae_core.metrics_record.as_written` (a value of another
        type than the trainer writes, from a hand edit or a garbled disk, reads as missing). A line torn by a crash
        mid-write, or garbled by a damaged disk (bytes that are no UTF-8, a record without its epoch, nesting deeper
        than Python parses), is ignored; a file that is none mvae writes (not a regular file, over
        :data:`RUN_FILE_BYTES`) has no line."""
        return [as_written(record) for record in self._metrics_lines()]

    def _metrics_lines(self) -> list[dict[str, Any]]:
        """The complete lines of :meth:`read_metrics` as they are in the file."""
        return [
            record
            for record in self._json_lines(METRICS)
            if isinstance(record, dict) and type(record.get("epoch")) is int  # not True, which is 1 to Python
        ]

    def read_steps(self) -> list[dict[str, Any]]:
        """Every complete line of ``steps.jsonl``, as :func:`~mvae_core.metrics_record.step_as_written` reads it
        (values of another type left out); torn and garbled lines are ignored as :meth:`read_metrics` ignores them.
        Empty when no plugin recorded a step's number and ``train.step_records`` was 0."""
        return [line for text in self._json_lines(STEPS) if (line := step_as_written(text)) is not None]

    def truncate_steps(self, global_step: int) -> None:
        """Drop the lines of ``steps.jsonl`` at or past ``global_step`` (a resume continues there and writes them
        again), and torn ones; the lines kept are written back as they were. No file is made where there is none."""
        if not (self.path / STEPS).exists():
            return
        kept = [
            line
            for line in self._json_lines(STEPS)
            if (placed := step_as_written(line)) and placed["global_step"] < global_step
        ]
        self._write_text(STEPS, "".join(json.dumps(line) + "\n" for line in kept))

    def _json_lines(self, name: str) -> list[Any]:
        """The lines of the run file ``name`` that are JSON, parsed; none for a file that is none mvae writes (not a
        regular file, over :data:`RUN_FILE_BYTES`) or is not there."""
        try:
            data = read_bounded(self.path / name, RUN_FILE_BYTES)
        except (FileNotFoundError, NotRegular, TooLarge):
            return []
        parsed = []
        for line in data.decode("utf-8", errors="replace").splitlines():  # mvae writes ASCII only
            try:
                parsed.append(json.loads(line))
            except (json.JSONDecodeError, RecursionError):
                continue
        return parsed

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
