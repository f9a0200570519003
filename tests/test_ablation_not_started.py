"""Runs that never started (a Ray node that cannot see the shared storage: status and ``produced`` ``not started``)
were counted as failed: summary.md's header said ``0 ok, 2 failed`` and the command ended with ``error: 2 run(s)
failed, each with: node … cannot see …``, although nothing had trained them and nothing in them had failed. Now they
are counted apart, with their reason, by one :class:`~mvae_core.ablation.failures.RunCounts` that summary.md,
summary.json and the console's last line all read."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mvae_core.ablation.runner as runner
from mvae_core.ablation.failures import RunCounts, failed_runs_line
from mvae_core.ablation.ray_executor import STOP_FILE, train_task
from mvae_core.ablation.runner import Outcome, Task
from mvae_core.cli import app
from tests.training import TINY

HIDDEN = "not-mounted-here"


def _blind_node(out: Path):
    """The local pool's ``run_all`` replaced by what Ray's tasks do on a node that cannot see ``out/HIDDEN``: the real
    :func:`train_task` of every task, which returns before it starts the training."""

    def run_all(tasks: list[Task], jobs: int, env: dict[str, str], on_done) -> dict[Task, Outcome]:
        outcomes = {}
        for task in tasks:
            must_see = [str(out), str(out / HIDDEN)]
            outcomes[task] = train_task(list(task.command[1:]), str(task.log), must_see, 1, str(out / STOP_FILE),
                                        task.first_epoch, 0.0)  # fmt: skip
            on_done(task, outcomes[task])
        return outcomes

    return run_all


@pytest.fixture(scope="module")
def blind_ablation(synth_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """``mvae ablate`` of kl_anneal (``all``, ``none``) × 1 seed whose every task landed on a blind node: its folder
    and the CLI result."""
    out = tmp_path_factory.mktemp("blind") / "abl"
    args = ["ablate", str(synth_dir), "--plugins", "kl_anneal", "--seeds", "1", "--epochs", "1", "--samples", "8"]
    tiny = [arg for override in TINY for arg in ("--set", override)]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(runner, "run_all", _blind_node(out))
        result = CliRunner().invoke(app, [*args, *tiny, "--out", str(out)], catch_exceptions=False)
    return out, result


def _why(out: Path) -> str:
    return f"node {socket.gethostname()} cannot see {out / HIDDEN}"


def test_runs_that_never_started_are_counted_apart_in_summary_md_and_json(blind_ablation):
    out, result = blind_ablation
    assert result.exit_code == 1, result.output
    summary = (out / "summary.md").read_text(encoding="utf-8")
    not_ok = summary.split("## Runs that failed or did not start", 1)[1]
    assert f"0 ok, 0 failed, 2 not started ({_why(out)}: " in not_ok, not_ok
    numbers = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert numbers["counts"] == {"runs": 2, "ok": 0, "failed": 0, "not_started": 2}
    assert [(row["status"], row["produced"]) for row in numbers["not_started"]] == [("not started", "not started")] * 2
    assert numbers["failed"] == []


def test_the_console_ends_with_the_runs_not_started_and_why(blind_ablation):
    out, result = blind_ablation
    said = " ".join(result.stderr.split())
    assert f"error: 2 runs not started, each with: {_why(out)}: " in said, said
    assert "failed" not in said.split("error: ", 1)[1], said


def test_summary_md_header_counts_the_runs_not_started_apart(blind_ablation):
    """Needs session.py's header to read its count from RunCounts (a line for the lead to apply)."""
    out, _ = blind_ablation
    header = (out / "summary.md").read_text(encoding="utf-8").split("## Configurations", 1)[0]
    assert f"= 2 runs, 0 ok, 0 failed, 2 not started ({_why(out)}: " in header, header


def _row(config: str, status: str, produced: str, error: str = "") -> dict:
    return {"config": config, "seed": 0, "status": status, "produced": produced, "error": error}


def test_failed_and_not_started_runs_are_said_apart_with_the_reasons_of_those_not_started(tmp_path):
    rows = [
        _row("all", "ok", "new"),
        _row("none", "failed", "new", "error: val_elbo is not finite"),
        _row("no-a", "not started", "not started", "node n7 cannot see /shared"),
        _row("no-b", "not started", "not started", "node n8 cannot see /shared"),
        _row("no-c", "not started", "not started", "node n7 cannot see /shared"),
    ]
    counts = RunCounts.of(rows)
    assert str(counts) == "1 ok, 1 failed, 3 not started (node n7 cannot see /shared; node n8 cannot see /shared)"
    assert counts.as_json() == {"runs": 5, "ok": 1, "failed": 1, "not_started": 3}
    assert str(RunCounts.of(rows[:2])) == "1 ok, 1 failed"  # as before where every run started
    assert failed_runs_line(rows[1:], tmp_path) == (
        "1 run failed, 3 not started (node n7 cannot see /shared; node n8 cannot see /shared) "
        f"(see the summary and {tmp_path / 'logs'})"
    )
