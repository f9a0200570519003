"""A run that ended before its own epoch budget without a plugin's stop (Ctrl-C at epoch 6 of ``--epochs 30``), which
a re-run with a smaller ``--epochs`` (3) counts as finished and skips, is ``cut short`` in summary.csv's
``stopped_by`` and the console table; it said ``max epochs``, beside runs that did train to that command's 3."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mvae_core.ablation.rows import run_row
from mvae_core.ablation.runner import run_path


@pytest.mark.parametrize(("budget", "stopped_by"), [(30, "cut short"), (6, "max epochs")])
def test_a_run_short_of_its_own_budget_is_cut_short(tmp_path: Path, budget: int, stopped_by: str) -> None:
    run = run_path(tmp_path, "all", 0)
    run.mkdir(parents=True)
    (run / "config.toml").write_text(f"[train]\nepochs = {budget}\n", encoding="utf-8")
    # val_elbo null: the row fails before a model is loaded; what ended the run is said all the same
    lines = [json.dumps({"epoch": e, "val_elbo": None, "events": []}) for e in range(6)]
    (run / "metrics.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run_row(tmp_path, "all", 0, None, samples=8, produced_before="new")["stopped_by"] == stopped_by
