"""``AblationResult.failed`` held the runs that failed and those not started, where summary.json's ``failed`` holds the
first alone and ``not_started`` the second: a notebook counting failures from the result and a script reading
summary.json disagreed. And summary.json said what this command did with a run (``action``: new, resumed, skipped)
only for runs not ok, where summary.csv says it for every run. Now the result's ``failed`` and ``not_started`` are
summary.json's, and summary.json lists the ``ok`` runs too, each with summary.csv's run columns."""

from __future__ import annotations

import csv
from pathlib import Path

from mvae_core.ablation.columns import METRICS, NOT_STARTED, RUN_STATE
from mvae_core.ablation.failures import failed_runs_line
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.rows import run_row
from mvae_core.ablation.runner import Outcome, Task, log_path, run_path
from mvae_core.ablation.session import AblationResult
from mvae_core.ablation.summary_csv import write_csv
from mvae_core.ablation.summary_json import statistics

ARMS = [Configuration("all", ("a",)), Configuration("none", ())]


def _attempted(out: Path, config: str, seed: int, outcome: Outcome, action: str = "new") -> dict:
    task = Task(config, seed, run_path(out, config, seed), log_path(out, config, seed), (), action, 0, 2)
    return run_row(out, config, seed, (task, outcome), 4, action)


def _ok(config: str, seed: int, action: str) -> dict:
    return {"config": config, "seed": seed, "run": f"runs/{config}/seed-{seed}", "model": "melody_rnn", "status": "ok",
            "action": action, "produced": "new", "exit_code": None if action == "skipped" else 0, "failure": None,
            "error": "", "warnings": [], "stop_reason": [], "stopped_by": "max epochs", "plugin_numbers": {},
            "val_curve": [3.0]} | dict.fromkeys(METRICS)  # fmt: skip


def _rows(out: Path) -> list[dict]:
    return [
        _ok("all", 0, "skipped"),
        _attempted(out, "none", 0, Outcome(3, "boom", 1.0)),
        _attempted(out, "all", 1, Outcome(2, "node n7 cannot see /shared", 0.0, started=False)),
        _ok("none", 1, "resumed"),
    ]


def test_the_results_failed_and_not_started_are_summary_jsons(tmp_path):
    rows = _rows(tmp_path)
    result, numbers = AblationResult(tmp_path, ARMS, rows, [], [], None), statistics(rows, ARMS, ())

    assert [(row["config"], row["status"]) for row in result.failed] == [("none", "failed")]
    assert [(row["config"], row["status"]) for row in result.not_started] == [("all", NOT_STARTED)]
    for name in ("failed", "not_started"):
        assert [{key: row[key] for key in RUN_STATE} for row in getattr(result, name)] == numbers[name]
    assert result.counts == numbers["counts"] == {"runs": 4, "ok": 2, "failed": 1, "not_started": 1}


def test_the_commands_last_line_counts_both_from_the_rows(tmp_path):
    """``mvae ablate`` passes every row; the line counts those not ok, apart, and is empty when every run is ok."""
    rows = _rows(tmp_path)
    assert failed_runs_line(rows, tmp_path).startswith("1 run failed, 1 not started (node n7 cannot see /shared)")
    assert failed_runs_line([rows[0], rows[3]], tmp_path) == ""


def test_summary_json_gives_every_runs_action_as_summary_csv_does(tmp_path):
    rows = _rows(tmp_path)
    numbers = statistics(rows, ARMS, ())
    write_csv(rows, tmp_path / "summary.csv")
    with open(tmp_path / "summary.csv", encoding="utf-8") as handle:
        csv_actions = {line["run"]: line["action"] for line in csv.DictReader(handle)}

    assert [(run["run"], run["status"], run["action"]) for run in numbers["ok"]] == [
        ("runs/all/seed-0", "ok", "skipped"),
        ("runs/none/seed-1", "ok", "resumed"),
    ]
    assert list(numbers["ok"][0]) == list(RUN_STATE) and numbers["ok"][0]["failure"] is None
    listed = [run for name in ("ok", "failed", "not_started") for run in numbers[name]]
    assert sorted(run["run"] for run in listed) == sorted(row["run"] for row in rows)  # each run once
    assert {run["run"]: run["action"] for run in listed} == csv_actions
