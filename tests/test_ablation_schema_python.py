"""``mvae_core.ablate``'s result lacked two facts summary.json gives a script: the runs not started, apart
(``not_started``; :attr:`AblationResult.failed` holds the failed runs alone, as summary.json), and ``counts``. A
notebook had to filter ``rows`` by the words of ``status`` itself, or read summary.json back. Now the result has both,
under summary.json's names, from the same rules (:func:`~mvae_core.ablation.failures.not_started`,
:class:`~mvae_core.ablation.failures.RunCounts`). Needs the lines for session.py in helper-389's report."""

from __future__ import annotations

from pathlib import Path

from mvae_core.ablation.columns import NOT_STARTED
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.rows import run_row
from mvae_core.ablation.runner import Outcome, Task, log_path, run_path
from mvae_core.ablation.session import AblationResult
from mvae_core.ablation.summary_json import statistics

ARMS = [Configuration("all", ("a",)), Configuration("none", ())]


def _row(out: Path, config: str, seed: int, outcome: Outcome) -> dict:
    task = Task(config, seed, run_path(out, config, seed), log_path(out, config, seed), (), "new", 0, 2)
    return run_row(out, config, seed, (task, outcome), 4, "new")


def test_the_result_has_summary_jsons_not_started_and_counts(tmp_path):
    rows = [
        _row(tmp_path, "all", 0, Outcome(3, "boom", 1.0)),
        _row(tmp_path, "none", 0, Outcome(2, "node n7 cannot see /shared", 0.0, started=False)),
        _row(tmp_path, "all", 1, Outcome(None, "Ray: the worker died", 0.0, started=False)),
    ]
    result = AblationResult(tmp_path, ARMS, rows, [], [], None)
    numbers = statistics(rows, ARMS, ())
    assert [row["status"] for row in result.not_started] == [NOT_STARTED, NOT_STARTED]
    assert [{key: row[key] for key in entry} for row, entry in zip(result.not_started, numbers["not_started"],
                                                                   strict=True)] == numbers["not_started"]  # fmt: skip
    assert result.counts == numbers["counts"] == {"runs": 3, "ok": 0, "failed": 1, "not_started": 2}
