"""summary.md's last section was titled "Failed runs" and listed the runs that never started (status ``not started``)
in the same table, and summary.json's ``failed`` held them too, although nothing of them had failed. Now the section
is "Runs that failed or did not start", with a table for each, and summary.json lists them apart (``failed``,
``not_started``), as its ``counts`` already counted them."""

from __future__ import annotations

from typing import Any

from mvae_core.ablation.columns import METRICS, NOT_STARTED
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.summary_json import statistics
from mvae_core.ablation.summary_md import NOT_STARTED_NOTE, markdown

ARMS = [Configuration("all", ("a",)), Configuration("none", ())]
CANNOT_SEE = "node n7 cannot see /shared"


def _row(config: str, seed: int, status: str = "ok", **more: Any) -> dict[str, Any]:
    return {"config": config, "seed": seed, "run": f"runs/{config}/seed-{seed}", "status": status, "warnings": [],
            "stopped_by": "max epochs", "exit_code": 0, "error": "", "model": "m", "produced": "new",
            "stop_reason": [], "plugin_numbers": {}, "missing": {}, "validation_loops": "v"} | dict.fromkeys(
            METRICS, 1.0 if status == "ok" else None) | more  # fmt: skip


ROWS = [
    _row("all", 0),
    _row("none", 0, "failed", exit_code=1, error="val_elbo is not finite at epoch 2"),
    _row("all", 1, NOT_STARTED, exit_code=2, error=CANNOT_SEE, produced=NOT_STARTED),
    _row("none", 1, NOT_STARTED, exit_code=2, error=CANNOT_SEE, produced="new"),
]


def _section(text: str) -> str:
    head, said = text.split("\n## Runs that failed or did not start\n", 1)
    assert "Failed runs" not in head
    return said


def test_the_runs_that_failed_and_those_not_started_are_listed_apart_in_summary_md():
    said = _section(markdown(ROWS, ARMS, ["about"], ("all",)))
    counts, failed, never = said.split("\n### ")
    assert counts.strip() == f"1 ok, 1 failed, 2 not started ({CANNOT_SEE})."
    assert failed.splitlines()[2:] == [
        "| run | produced | exit code | last error line |",
        "|---|---|---|---|",
        "| runs/none/seed-0 | new | 1 | val_elbo is not finite at epoch 2 |",
    ]
    assert never.splitlines()[:3] == ["Not started", "", NOT_STARTED_NOTE]
    assert never.splitlines()[4:] == [
        "| run | produced | exit code | why it did not start |",
        "|---|---|---|---|",
        f"| runs/all/seed-1 | not started | 2 | {CANNOT_SEE} |",
        f"| runs/none/seed-1 | new | 2 | {CANNOT_SEE} |",
    ]


def test_only_the_tables_that_have_runs_are_written():
    only_failed = _section(markdown(ROWS[:2], ARMS, ["about"], ("all",)))
    assert "### Failed" in only_failed and "### Not started" not in only_failed and NOT_STARTED_NOTE not in only_failed
    only_never = _section(markdown([ROWS[0], ROWS[2]], ARMS, ["about"], ("all",)))
    assert "### Failed" not in only_never and "### Not started" in only_never
    assert _section(markdown([ROWS[0], _row("none", 0)], ARMS, ["about"], ("all",))) == "\nNone: every run is ok.\n"


def test_summary_json_lists_the_failed_runs_and_those_not_started_apart():
    numbers = statistics(ROWS, ARMS, ("all",))
    assert [(r["run"], r["status"]) for r in numbers["failed"]] == [("runs/none/seed-0", "failed")]
    assert [(r["run"], r["produced"], r["error"]) for r in numbers["not_started"]] == [
        ("runs/all/seed-1", NOT_STARTED, CANNOT_SEE),
        ("runs/none/seed-1", "new", CANNOT_SEE),
    ]
    assert numbers["counts"] == {"runs": 4, "ok": 1, "failed": 1, "not_started": 2}
