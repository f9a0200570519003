"""summary.csv's ``produced`` of a run a re-run skips: how the command that last trained it trained it.

A run resumed to the end by a command that was then stopped (Ctrl-C while other runs trained, so no summary was
written) was summarised by the next command as ``new``: the cell was copied from the summary.csv of the command
before, which had made it. The run's log, which every attempt writes, says what last trained it."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from mvae_core.ablation.rows import run_row
from mvae_core.ablation.runner import latest_attempt_action, log_path, run_path, start_worker, train_command


def _attempt(out: Path, resume: bool, first_epoch: int) -> None:
    """Append an attempt at all/seed-0 to its log as the ablation does, with the ablation's train command given to
    ``python -c pass`` (so that its header is the real one and nothing trains)."""
    command = train_command(["data"], out / "configs" / "all.toml", 0, run_path(out, "all", 0), 4, resume)
    stand_in = (sys.executable, "-c", "pass", *command[1:])
    process, _ = start_worker(stand_in, log_path(out, "all", 0), dict(os.environ), first_epoch)
    assert process.wait() == 0


def test_the_last_attempt_in_the_log_says_how_a_skipped_run_was_produced(tmp_path):
    run = run_path(tmp_path, "all", 0)
    run.mkdir(parents=True)
    # a NaN epoch fails the row before any model is loaded; its produced cell is made all the same
    (run / "metrics.jsonl").write_text(json.dumps({"epoch": 0, "val_elbo": None, "events": []}) + "\n")
    log = log_path(tmp_path, "all", 0)
    assert latest_attempt_action(log) is None  # no log: the previous summary.csv's cell stands
    assert run_row(tmp_path, "all", 0, None, samples=8, produced_before="new")["produced"] == "new"

    _attempt(tmp_path, resume=False, first_epoch=0)
    assert latest_attempt_action(log) == "new"
    _attempt(tmp_path, resume=True, first_epoch=2)  # the stopped command's resume, which finished this run
    assert latest_attempt_action(log) == "resumed"
    assert run_row(tmp_path, "all", 0, None, samples=8, produced_before="new")["produced"] == "resumed"
