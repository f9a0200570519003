"""How the runs of an ablation ended, counted once for every place that says it (summary.md, summary.json, the
console): ok, failed, or not started (this command's attempt never started their training: a Ray node that cannot see
the shared storage; a new run then has nothing trained, an existing one is as an earlier command left it), and the
line ``mvae ablate`` ends with when runs are not ok: how many, the error when every one ended alike, and where to read
more."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mvae_core.ablation.columns import NOT_STARTED
from mvae_core.ablation.runner import log_path
from mvae_core.wording import counted


def ok(row: dict[str, Any]) -> bool:
    """Whether the summary row ``row`` is a run that ended well (``status`` ``ok``): one of the runs the statistics
    take; summary.json's ``ok`` runs."""
    return row["status"] == "ok"


def not_started(row: dict[str, Any]) -> bool:
    """Whether the summary row ``row`` is a run that is not ok because this command's attempt never started its
    training: its ``status`` is :data:`~mvae_core.ablation.columns.NOT_STARTED` (a new run's or a resume's: its
    ``produced`` says which)."""
    return row["status"] == NOT_STARTED


def failed(row: dict[str, Any]) -> bool:
    """Whether the summary row ``row`` is a run that failed: not ok, though this command's attempt started its
    training (or the command skipped it); summary.md's and summary.json's runs that failed, apart from those
    :func:`not_started`."""
    return not ok(row) and not not_started(row)


@dataclass(frozen=True)
class RunCounts:
    """How many runs ended ``ok``, ``failed`` (not ok, though this command's attempt started their training, or the
    command skipped them) and ``not_started`` (:func:`not_started`), with the distinct errors of those not started
    (``why``, in row order: what to fix before running the command again)."""

    ok: int
    failed: int
    not_started: int
    why: tuple[str, ...]

    @classmethod
    def of(cls, rows: list[dict[str, Any]]) -> RunCounts:
        """The counts of the summary rows ``rows``."""
        never = [row for row in rows if not_started(row)]
        well = sum(map(ok, rows))
        why = tuple(dict.fromkeys(row["error"] for row in never if row.get("error")))
        return cls(well, len(rows) - well - len(never), len(never), why)

    def not_started_part(self, noun: str = "", reasons: bool = True) -> str:
        """``2 not started (WHY; …)`` (``2 runs not started …`` with ``noun`` ``"run"``, counted by
        :func:`~mvae_core.wording.counted`), the errors where any is known and ``reasons``; ``""`` when every run
        started."""
        if not self.not_started:
            return ""
        why = f" ({'; '.join(self.why)})" if self.why and reasons else ""
        return f"{_count(self.not_started, noun)} not started{why}"

    def not_ok_part(self, noun: str = "", reasons: bool = True) -> str:
        """``1 failed, 2 not started (WHY)`` (``1 run failed, …`` with ``noun`` ``"run"``, which goes with the first
        count), the reasons as :meth:`not_started_part` gives them; ``""`` when every run is ok."""
        if not self.failed:
            return self.not_started_part(noun, reasons)
        return ", ".join(filter(None, (f"{_count(self.failed, noun)} failed", self.not_started_part(reasons=reasons))))

    def __str__(self) -> str:
        """``3 ok, 1 failed``, then ``, 2 not started (WHY)`` when some run never started: summary.md's header."""
        return ", ".join(part for part in (f"{self.ok} ok", f"{self.failed} failed", self.not_started_part()) if part)

    def as_json(self) -> dict[str, int]:
        """summary.json's ``counts``: ``runs``, ``ok``, ``failed``, ``not_started``."""
        runs = self.ok + self.failed + self.not_started
        return {"runs": runs, "ok": self.ok, "failed": self.failed, "not_started": self.not_started}


def _count(count: int, noun: str) -> str:
    """``count`` with ``noun`` (:func:`~mvae_core.wording.counted`: ``1 run``, ``2 runs``), or the bare number when
    ``noun`` is ``""``."""
    return counted(count, noun) if noun else str(count)


def failed_runs_line(rows: list[dict[str, Any]], out: Path) -> str:
    """``N runs failed`` (``1 run failed``) for those of the summary rows ``rows`` of the ablation in ``out`` that are
    not ok (:attr:`~.session.AblationResult.failed` and :attr:`~.session.AblationResult.not_started`); ``""`` when
    every one is ok. Those that never started are counted apart (:class:`RunCounts`): ``1 run failed, 3 not started
    (WHY)``, or ``4 runs not started`` when none started. When they all ended with the same error it follows
    (``…, each with: ERROR``; ``…, with: ERROR`` for one run) in place of the reasons: said once at the end, not only
    in the progress lines a long ablation scrolls away. What to read: the summary, and the logs folder too unless no
    run failed (a Ray task that found no shared storage returns before it writes to the run's log, so an existing
    run's log holds only its earlier attempts, nothing of this error) or every one ended alike and none that started
    wrote a log."""
    not_ok = [row for row in rows if not ok(row)]
    if not not_ok:
        return ""
    counts = RunCounts.of(not_ok)
    errors = {row.get("error") or "" for row in not_ok}
    each = "each " if len(not_ok) > 1 else ""
    alike = f", {each}with: {errors.pop()}" if len(errors) == 1 and "" not in errors else ""
    said = counts.not_ok_part("run", reasons=not alike)
    logged = any(log_path(out, row["config"], row["seed"]).exists() for row in not_ok if not not_started(row))
    if not counts.failed or (alike and not logged):
        return f"{said}{alike} (see {out / 'summary.md'})"
    return f"{said}{alike} (see the summary and {out / 'logs'})"
