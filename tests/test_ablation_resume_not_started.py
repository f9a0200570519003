"""An existing, unfinished run whose resume never started (its Ray task landed on a node that cannot see the data or
the output folder) kept its earlier ``produced`` and was counted as failed: summary.md said ``0 ok, 4 failed``, its
status ``failed``, and the command ended with ``error: 4 run(s) failed, each with: node … cannot see …
(see the summary and DIR/logs)``, sending a researcher to logs that hold no trace of it. Now its status says
``not started``, its ``produced`` what the earlier command made of it, and it is counted with the runs not started,
with its reason, in summary.csv, summary.md, summary.json and on the console."""

from __future__ import annotations

import csv
import json
import shutil
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mvae_core.ablation.runner as runner
from mvae_core.ablation.columns import NOT_STARTED
from mvae_core.ablation.failures import RunCounts, failed_runs_line
from mvae_core.cli import app
from tests.test_ablation_not_started import HIDDEN, _blind_node
from tests.training import TINY


@pytest.fixture(scope="module")
def blind_resume(tiny_ablation, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object, str]:
    """tiny_ablation's folder (4 runs finished at 2 epochs) run again with ``--epochs 3``, so that every run is
    resumed, on a node that cannot see ``OUT/HIDDEN``: its folder, the CLI result and the logs as they were."""
    out = shutil.copytree(tiny_ablation[0], tmp_path_factory.mktemp("resume") / "abl")
    logs = _logs(out)
    args = [str(a) for a in tiny_ablation[1]]
    args[args.index("--epochs") + 1] = "3"
    tiny = [arg for override in TINY for arg in ("--set", override)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runner, "run_all", _blind_node(out))
        result = CliRunner().invoke(app, [*args, *tiny, "--out", str(out)], catch_exceptions=False)
    return out, result, logs


def _logs(out: Path) -> str:
    return "".join(log.read_text(encoding="utf-8") for log in sorted((out / "logs").rglob("*.log")))


def _why(out: Path) -> str:
    return f"node {socket.gethostname()} cannot see {out / HIDDEN}"


def test_a_resume_that_never_started_reads_not_started_and_keeps_how_its_run_was_produced(blind_resume):
    out, result, logs = blind_resume
    assert result.exit_code == 1, result.output
    assert _logs(out) == logs  # nothing of this attempt reached the runs' logs
    with open(out / "summary.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {(row["status"], row["action"], row["produced"], row["exit_code"]) for row in rows} == {
        (NOT_STARTED, "resumed", "new", "2")
    }, rows
    assert all(row["error"].startswith(_why(out) + ": ") for row in rows), rows
    assert {row["epochs_run"] for row in rows} == {"2"}  # the folder as the earlier command left it


def test_summary_md_and_json_count_the_resumes_not_started_with_the_runs_not_started(blind_resume):
    out, _, _ = blind_resume
    summary = (out / "summary.md").read_text(encoding="utf-8")
    header, not_ok = (
        summary.split("## Configurations", 1)[0],
        summary.split("## Runs that failed or did not start", 1)[1],
    )
    assert f"= 4 runs, 0 ok, 0 failed, 4 not started ({_why(out)}: " in header, header
    assert f"0 ok, 0 failed, 4 not started ({_why(out)}: " in not_ok, not_ok
    assert "### Failed" not in not_ok and "| runs/all/seed-0 | new | 2 | node " in not_ok, not_ok
    numbers = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert numbers["counts"] == {"runs": 4, "ok": 0, "failed": 0, "not_started": 4}
    assert {(row["status"], row["produced"]) for row in numbers["not_started"]} == {(NOT_STARTED, "new")}
    assert numbers["failed"] == []


def test_the_console_says_the_resumes_were_not_started_and_points_to_the_summary_alone(blind_resume):
    out, result, _ = blind_resume
    said = " ".join(result.stderr.split())
    assert f"error: 4 runs not started, each with: {_why(out)}: " in said, said
    assert said.endswith(f"(see {out / 'summary.md'})"), said  # the logs hold nothing of this attempt
    assert "failed" not in said.split("error: ", 1)[1], said
    assert "(resumed): not started (exit 2)" in result.output, result.output


def test_a_run_failed_beside_one_not_started_points_to_the_logs_of_the_one_that_failed(tmp_path):
    rows = [
        {"config": "all", "seed": 0, "status": "failed", "produced": "new", "error": "no epoch finished"},
        {"config": "none", "seed": 0, "status": NOT_STARTED, "produced": "resumed", "error": "node n7 cannot see /s"},
    ]
    assert str(RunCounts.of(rows)) == "0 ok, 1 failed, 1 not started (node n7 cannot see /s)"
    assert failed_runs_line(rows, tmp_path) == (
        f"1 run failed, 1 not started (node n7 cannot see /s) (see the summary and {tmp_path / 'logs'})"
    )
