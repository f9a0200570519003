"""``mvae ablate`` prints its results (the progress lines, the table, the files written) on stdout and what needs the
user's attention (a plugin's warning, the missing figure, runs left out of the summary, failed runs) on stderr, as
every other command does: a pipe that keeps stdout (``mvae ablate ... > log``) still shows them on the terminal."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

import mvae_core.ablation.session as session
from mvae_core.ablation.columns import METRICS
from mvae_core.ablation.plan import Configuration
from mvae_core.ablation.session import AblationResult
from mvae_core.cli import app
from mvae_core.progress import Advice


def _row(config: str, status: str) -> dict:
    row = {"config": config, "seed": 0, "status": status, "stopped_by": "max epochs", "warnings": []}
    return row | dict.fromkeys(METRICS, 1.0)


def test_warnings_notes_and_failures_go_to_stderr(monkeypatch, tmp_path: Path) -> None:
    arms = [Configuration("all", ("kl_anneal",)), Configuration("none", ())]
    result = AblationResult(
        path=tmp_path,
        configurations=arms,
        rows=[_row("all", "ok"), _row("none", "failed")],
        written=[tmp_path / "summary.csv"],
        warnings=[("all", "kl_anneal: the run ends before the schedule", "0")],
        plot_missing="ablation.png not drawn: it needs matplotlib",
        outside_plan=Advice("not summarised: give seeds=2", "not summarised: give --seeds 2"),
    )

    def fake_ablate(data, **options):
        options["report"]("data: 1 source")
        return result

    monkeypatch.setattr(session, "ablate", fake_ablate)
    ran = CliRunner().invoke(app, ["ablate", str(tmp_path), "--out", str(tmp_path)], catch_exceptions=False)
    assert ran.exit_code == 1
    assert "data: 1 source" in ran.stdout and "summary → " in ran.stdout and "ablation: mean" in ran.stdout
    for said in (
        "warning: all (seed 0): kl_anneal: the run ends before the schedule",
        "warning: ablation.png not drawn",
        "warning: not summarised: give --seeds 2",
        "error: 1 run failed (see the summary and",
    ):
        assert said in ran.stderr and said not in ran.stdout, said
