"""A run whose Ray worker died showed exit code 1 in summary.md, summary.csv and summary.json (and ``exit 1`` on the
console), which no process had exited with: :func:`~mvae_core.ablation.ray_executor.ray_failure` made it up. It now
has none: summary.md and the console say what happened (``worker died``), summary.csv leaves the cell empty and
summary.json has ``null``, as for every value without a number; the error says the rest."""

from __future__ import annotations

import csv
from typing import Any

import pytest

from mvae_core.ablation.columns import METRICS, NO_EXIT_CODE, NOT_ATTEMPTED, exit_status
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.ray_executor import RESUME_AFTER_CRASH, ray_failure
from mvae_core.ablation.summary_csv import write_csv
from mvae_core.ablation.summary_json import statistics
from mvae_core.ablation.summary_md import markdown

exceptions = pytest.importorskip("ray.exceptions", reason="Ray is not installed: pip install 'mvae[ray]'")

ARMS = [Configuration("all", ("a",)), Configuration("none", ())]


def _row(config: str, seed: int, status: str = "ok", **more: Any) -> dict[str, Any]:
    return {"config": config, "seed": seed, "run": f"runs/{config}/seed-{seed}", "status": status, "warnings": [],
            "stopped_by": "max epochs", "exit_code": 0, "error": "", "model": "m", "produced": "new", "action": "new",
            "stop_reason": [], "plugin_numbers": {}, "missing": {}, "validation_loops": "v"} | dict.fromkeys(
            METRICS, 1.0 if status == "ok" else None) | more  # fmt: skip


def _rows() -> list[dict[str, Any]]:
    died = ray_failure(exceptions.WorkerCrashedError(), started=True)
    return [
        _row("all", 0),
        _row("none", 0, "failed", exit_code=died.exit_code, error=died.error),
        _row("all", 1, "failed", exit_code=130, error="stopped: SIGINT", action="resumed"),
        _row("none", 1, "failed", exit_code=None, error="no epoch finished", action="skipped"),
    ]


def test_summary_md_says_the_worker_died_in_place_of_an_exit_code():
    failed = markdown(_rows(), ARMS, ["about"], ("all",)).split("\n### Failed\n", 1)[1].strip().splitlines()
    assert failed[2:] == [
        f"| runs/none/seed-0 | new | {NO_EXIT_CODE} | Ray: the Ray worker running it died (killed, e.g. by the kernel's "
        f"out-of-memory killer, or crashed) (WorkerCrashedError); {RESUME_AFTER_CRASH} |",
        "| runs/all/seed-1 | new | 130 | stopped: SIGINT |",
        f"| runs/none/seed-1 | new | {NOT_ATTEMPTED} | no epoch finished |",
    ]


def test_summary_csv_and_json_have_no_exit_code_for_it(tmp_path):
    rows = _rows()
    write_csv(rows, tmp_path / "summary.csv")
    with open(tmp_path / "summary.csv", newline="", encoding="utf-8") as handle:
        codes = {row["run"]: row["exit_code"] for row in csv.DictReader(handle)}
    assert codes == {"runs/all/seed-0": "0", "runs/none/seed-0": "", "runs/all/seed-1": "130", "runs/none/seed-1": ""}
    failed = {entry["run"]: entry["exit_code"] for entry in statistics(rows, ARMS, ("all",))["failed"]}
    assert failed == {"runs/none/seed-0": None, "runs/all/seed-1": 130, "runs/none/seed-1": None}


def test_the_console_says_it_as_summary_md_does():
    died = ray_failure(exceptions.OutOfMemoryError("killed"), started=True)
    assert exit_status(died.exit_code) == NO_EXIT_CODE == "worker died"
    assert exit_status(130) == "exit 130" and exit_status(0) == "exit 0"
    assert ray_failure(exceptions.NodeDiedError("gone"), started=False).exit_code is None
