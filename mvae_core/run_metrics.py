"""A run's ``metrics.jsonl`` (one line per finished epoch) and ``steps.jsonl`` (one line per training step that
plugins recorded numbers in, ``trainer.record_step``, or whose losses ``train.step_records`` records): appended and
fsynced, read back as the trainer wrote them, and cut back to a checkpoint on resume.

A reader holds a file whole, so it refuses one over :data:`RUN_FILE_BYTES` (:class:`RunFileTooLarge`, naming it and
what to do); a resume's cut reads and writes one line at a time, so it keeps every line before the checkpoint whatever
the file's size. Something other than a regular file in the place of either (a FIFO, a link to a device) is refused by
both (:class:`RunFileNotRegular`), never read as a file without lines: a resume's cut would have replaced it with an
empty file, and the run would have read as having trained nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from mvae_core.errors import MvaeError
from mvae_core.files import NotRegular, TooLarge, WriteFailed, atomic_write, finite, open_regular, read_bounded, reason
from mvae_core.metrics_record import as_written, step_as_written
from mvae_core.run_files import METRICS, RUN_FILE_BYTES, STEPS, RunFiles

TOO_LARGE_ADVICE = {
    METRICS: "far more than one line per epoch takes, so the file is damaged or a plugin records very large values in "
    "it: keep a copy elsewhere and cut the file to its epochs' lines",
    STEPS: "move the lines of its earlier steps to another file to read the later ones, and record fewer steps in a "
    "next run (a larger train.step_records, a plugin's record_step less often)",
}
"""What to do about a run's JSON-lines file that a reader refuses as too large (:class:`RunFileTooLarge`), by name."""
NOT_REGULAR_ADVICE = {
    METRICS: "where the run keeps one line per finished epoch: put the run's own metrics.jsonl (a regular file) back "
    "in its place",
    STEPS: "where the run keeps the numbers of its training steps: put the run's own steps.jsonl (a regular file) back "
    "in its place, or remove it to go on without the steps' numbers it held",
}
"""What to do about something other than a regular file in the place of a run's JSON-lines file
(:class:`RunFileNotRegular`), by name."""


class RunFileTooLarge(MvaeError):
    """A reader that holds ``metrics.jsonl`` or ``steps.jsonl`` whole met one over :data:`RUN_FILE_BYTES`: the message
    names the file, its size, the limit and what to do (:data:`TOO_LARGE_ADVICE`). Exit code 2. A resume's cut of the
    file never raises it (it holds one line at a time)."""


class RunFileNotRegular(MvaeError):
    """Something other than a regular file (a FIFO, a folder, a link to a device) stands in the place of
    ``metrics.jsonl`` or ``steps.jsonl``: the readers and a resume's cut refuse it, the message naming the file, what
    stands there and what to do (:data:`NOT_REGULAR_ADVICE`), and nothing is read or replaced. Exit code 2."""


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
        than Python parses), is ignored.

        :raises RunFileTooLarge: the file is over :data:`RUN_FILE_BYTES`.
        :raises RunFileNotRegular: something other than a regular file is in its place."""
        return [as_written(record) for record in self._json_lines(METRICS) if _epoch_record(record)]

    def read_steps(self) -> list[dict[str, Any]]:
        """Every complete line of ``steps.jsonl``, as :func:`~mvae_core.metrics_record.step_as_written` reads it
        (values of another type left out); torn and garbled lines are ignored as :meth:`read_metrics` ignores them.
        Empty when no plugin recorded a step's number and ``train.step_records`` was 0.

        :raises RunFileTooLarge: the file is over :data:`RUN_FILE_BYTES`.
        :raises RunFileNotRegular: something other than a regular file is in its place."""
        return [line for text in self._json_lines(STEPS) if (line := step_as_written(text)) is not None]

    def truncate_steps(self, global_step: int) -> None:
        """Drop the lines of ``steps.jsonl`` at or past ``global_step`` (a resume continues there and writes them
        again), and torn ones; the lines kept are written back as they were, whatever the file's size
        (:meth:`_cut_lines`). No file is made where there is none.

        :raises RunFileNotRegular: something other than a regular file is in its place (it is left there)."""
        if not (self.path / STEPS).exists():
            return
        self._cut_lines(
            STEPS, lambda line: (placed := step_as_written(line)) is not None and placed["global_step"] < global_step
        )

    def _json_lines(self, name: str) -> list[Any]:
        """The lines of the run file ``name`` that are JSON, parsed (:func:`_parsed`), read whole; none for a file that
        is not there. :class:`RunFileTooLarge` for one over :data:`RUN_FILE_BYTES`, :class:`RunFileNotRegular` for
        something other than a regular file."""
        try:
            data = read_bounded(self.path / name, RUN_FILE_BYTES)
        except FileNotFoundError:
            return []
        except NotRegular as exc:
            raise self._not_regular(name, exc) from None
        except TooLarge as exc:
            raise RunFileTooLarge(
                f"{self.path / name} is too large to read ({exc}): {TOO_LARGE_ADVICE[name]}"
            ) from None
        return list(_parsed(data.splitlines()))

    def _cut_lines(self, name: str, keep: Callable[[Any], bool]) -> None:
        """The run file ``name`` cut to its JSON lines that ``keep`` accepts, each written back as ``json.dumps`` gives
        it (torn and garbled lines dropped), written whole or not at all (:func:`~mvae_core.files.atomic_write`). Read
        and written one line at a time, so a file of any size keeps every line ``keep`` accepts, holding one line in
        memory; a line over :data:`RUN_FILE_BYTES` (none mvae writes) is dropped unread. A file that is not there has
        no line (an empty file is written); something other than a regular file is refused
        (:class:`RunFileNotRegular`, raised through :func:`~mvae_core.files.atomic_write`, which then leaves the path as
        it was)."""

        def write(tmp: Path) -> None:
            with open(tmp, "w", encoding="utf-8") as out:
                for line in _parsed(self._stream_lines(name)):
                    if keep(line):
                        out.write(json.dumps(line) + "\n")

        atomic_write(self.path / name, write)

    def _stream_lines(self, name: str) -> Iterator[bytes]:
        """The lines of the run file ``name``, one at a time, each of at most :data:`RUN_FILE_BYTES` bytes before its
        newline (the rest of a longer one is skipped unread); none when it is not there. It is opened as
        :func:`~mvae_core.files.read_bounded` opens a file (:func:`~mvae_core.files.open_regular`), so a FIFO there
        does not block: :class:`RunFileNotRegular` for it, and for anything else that is no regular file."""
        try:
            fd, _ = open_regular(self.path / name)
        except FileNotFoundError:
            return
        except NotRegular as exc:
            raise self._not_regular(name, exc) from None
        with open(fd, "rb") as handle:
            while line := handle.readline(RUN_FILE_BYTES + 1):
                if len(line) <= RUN_FILE_BYTES or line.endswith(b"\n"):
                    yield line
                    continue
                while line and not line.endswith(b"\n"):  # the rest of a line too long to hold
                    line = handle.readline(RUN_FILE_BYTES)

    def _not_regular(self, name: str, exc: NotRegular) -> RunFileNotRegular:
        """The refusal of the run file ``name`` that ``exc`` found to be no regular file: names it, what stands there
        and what to do (:data:`NOT_REGULAR_ADVICE`)."""
        return RunFileNotRegular(f"{self.path / name} is {exc}, {NOT_REGULAR_ADVICE[name]}")

    def truncate_metrics(self, last_epoch: int) -> list[int]:
        """Drop lines after ``last_epoch`` (written by an epoch whose checkpoint never landed), and torn ones; the
        lines kept are written back as they were (not :meth:`read_metrics`' reading: a value of an unexpected type
        stays in the file). Returns the epochs up to ``last_epoch`` (counted from 0) that have no line: lost to a
        damaged or hand-cut file (the run goes on from its checkpoint, but their numbers are gone). Whatever the file's
        size, no line up to ``last_epoch`` is lost (:meth:`_cut_lines`)."""
        kept: set[int] = set()

        def keep(record: Any) -> bool:
            if _epoch_record(record) and record["epoch"] <= last_epoch:
                kept.add(record["epoch"])
                return True
            return False

        self._cut_lines(METRICS, keep)
        return sorted(set(range(last_epoch + 1)) - kept)

    def stop_reasons(self) -> list[str]:
        """The stop reasons plugins gave in the run's last finished epoch (its metrics line); empty when none."""
        last = (self.read_metrics() or [{}])[-1]
        return [e["message"] for e in last.get("events", []) if isinstance(e, dict) and e.get("level") == "stop"]


def _epoch_record(line: Any) -> bool:
    """``line`` (a parsed line of ``metrics.jsonl``) is an epoch's record: a table with its ``epoch`` as a whole number
    (not ``true``, which is 1 to Python)."""
    return isinstance(line, dict) and type(line.get("epoch")) is int


def _parsed(lines: Iterable[bytes]) -> Iterator[Any]:
    """Each of ``lines`` that is JSON, parsed; the others (torn by a crash mid-write, garbled by a damaged disk, nested
    deeper than Python parses) left out. mvae writes ASCII only: bytes that are no UTF-8 are garbled ones."""
    for line in lines:
        try:
            parsed = json.loads(line.decode("utf-8", errors="replace"))
        except (json.JSONDecodeError, RecursionError):
            continue
        yield parsed
