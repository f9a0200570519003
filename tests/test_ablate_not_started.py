"""A run whose Ray task never started its training (a node that cannot see the shared storage fails the task before
``mvae train``) read ``produced=new, epochs_run 0`` in summary.csv, as if this command had made it, while nothing
trained it; summary.md and summary.json did not say how it was produced. Now a new run nothing trained reads
``not started`` in all three, and an existing run whose resume never started keeps how it came to be."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from mvae_core.ablation.columns import NOT_RECORDED
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.ray_executor import train_task
from mvae_core.ablation.rows import run_row
from mvae_core.ablation.runner import Outcome, Task, plan_tasks, run_path
from mvae_core.ablation.summary_csv import write_csv
from mvae_core.ablation.summary_json import statistics
from mvae_core.ablation.summary_md import markdown

ALL = Configuration("all", ("kl_anneal",))


def _blind_attempt(out: Path) -> tuple[Task, Outcome]:
    """all/seed-0's task as the ablation plans it (``--epochs 2``) and what its Ray task returns on a node that
    cannot see the data."""
    (task,), _ = plan_tasks([ALL], 1, 2, ["data"], out)
    must_see = [str(out), str(out / "not-mounted-here")]
    outcome = train_task(list(task.command[1:]), str(task.log), must_see, 1, str(out / ".ray-stop"), 0, 0.0)
    assert outcome.exit_code == 2 and "cannot see" in outcome.error, outcome
    return task, outcome


def test_a_new_run_that_never_started_reads_not_started_in_csv_md_and_json(tmp_path):
    task, outcome = _blind_attempt(tmp_path)
    assert task.action == "new"
    row = run_row(tmp_path, "all", 0, (task, outcome), samples=8, produced_before=NOT_RECORDED)
    assert (row["status"], row["action"], row["produced"]) == ("not started", "new", "not started")

    write_csv([row], tmp_path / "summary.csv")
    with open(tmp_path / "summary.csv", newline="", encoding="utf-8") as handle:
        (cells,) = csv.DictReader(handle)
    assert cells["produced"] == "not started"
    (never,) = statistics([row], [ALL], ("all",))["not_started"]
    assert json.loads(json.dumps(never))["produced"] == "not started"
    text = markdown([row], [ALL], ["about"], ("all",))
    assert "| run | produced | exit code | why it did not start |" in text
    assert "| runs/all/seed-0 | not started | 2 | node " in text, text


def test_an_existing_run_whose_resume_never_started_keeps_how_it_was_produced(tiny_ablation, tmp_path):
    out = shutil.copytree(tiny_ablation[0], tmp_path / "abl")
    metrics = run_path(out, "all", 0) / "metrics.jsonl"
    *earlier, _ = metrics.read_text(encoding="utf-8").splitlines(keepends=True)
    metrics.write_text("".join(earlier), encoding="utf-8")  # unfinished: the ablation resumes it
    task, outcome = _blind_attempt(out)
    assert task.action == "resumed"
    row = run_row(out, "all", 0, (task, outcome), samples=8, produced_before="new")
    assert (row["status"], row["action"], row["produced"]) == ("not started", "resumed", "new")  # the log's made it
